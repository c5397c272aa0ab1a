// The body's position (geometry.posture): gravity turns, and the supports carry the
// tissue where the model is cut from the body (models/back/body_supports.hpp). On the
// coarse back settled under gravity: the supported coordinates do not move, the bone
// and the supports together carry exactly the tissue's weight, and the support pushes
// against gravity where, without it, the edge sags.
#include "engine/sim/simulation.hpp"
#include "models/back/body_supports.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace backsim;

namespace {

class Quiet : public SimulationObserver {
 public:
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats&) override {}
};

struct Settled {
  Model model;
  State state;
  Scratch scratch;
  std::vector<Index> support_dofs;  // the posture's rollers (held in the run only `with` supports)
};

// The coarse back settled under gravity (two quasi-static steps; the tool waits
// lifted above the skin until long after).
Settled settle(const std::string& posture, bool supports) {
  const std::string text = "[geometry]\ntype = \"back\"\nresolution = \"coarse\"\nposture = \"" + posture +
                           "\"\n[tool]\nshape = \"sphere\"\nradius = \"2 cm\"\n[motion]\ncontrol = \"kinematic\"\n"
                           "path = [[\"T10\", \"-5 cm\"]]\nrelease_time = \"0.5 s\"\nstart_time = \"10 s\"\n"
                           "[solver]\ntime_step = \"0.1 s\"\nduration = \"0.2 s\"\n[output]\ninterval = \"0.1 s\"\n";
  const Scenario s = parse_scenario(text, "<posture>");
  ModelInputs in = scenario_model_inputs(s);
  std::vector<Index> support_dofs = in.held_dofs;
  if (!supports) in.held_dofs.clear();
  Settled out{build_model(std::move(in)), {}, {}, std::move(support_dofs)};
  out.state = initial_state(out.model);
  out.scratch = make_scratch(out.model);
  Quiet quiet;
  run_simulation(out.model, out.state, out.scratch, quiet);
  return out;
}

}  // namespace

TEST_CASE("posture turns gravity and names the supports - the resolved file keeps it", "[models][posture]") {
  const std::string head = "[geometry]\ntype = \"back\"\nresolution = \"coarse\"\n";
  const std::string motion = "[tool]\nshape = \"sphere\"\n[motion]\ncontrol = \"kinematic\"\npath = [[\"T10\", \"-5 cm\"]]\n";
  const Scenario s = parse_scenario(head + "posture = \"seated\"\n" + motion, "<seated>");
  CHECK(s.spec.solver.gravity == Vec3(0, -models::kStandardGravity, 0));
  CHECK(s.model.back.position == models::BodyPosition::seated);
  const ModelInputs in = scenario_model_inputs(s);
  REQUIRE_FALSE(in.held_dofs.empty());
  for (Index dof : in.held_dofs) CHECK(dof % 3 == 1);  // rollers along y: the seat carries the weight down the back
  const Scenario again = parse_scenario(s.resolved_text, "<resolved>");
  CHECK(again.model.back.position == models::BodyPosition::seated);
  CHECK(again.spec.solver.gravity == s.spec.solver.gravity);
  CHECK(again.resolved_text == s.resolved_text);
  // prone: no supports (the table carries the front of the body, the bone the back)
  CHECK(scenario_model_inputs(parse_scenario(head + motion, "<prone>")).held_dofs.empty());
  // gravity given twice must agree
  CHECK_THROWS_WITH(parse_scenario(head + "posture = \"seated\"\n" + motion + "[solver]\ngravity = [0, 0, -9.81]\n", "<t>"),
                    Catch::Contains("both set gravity; keep one"));
}

TEST_CASE("lying on the left side, the table carries the left flank, and bone and table carry the weight",
          "[models][posture]") {
  const Settled with = settle("side_lying_left", true);
  const Model& m = with.model;
  const std::vector<double>& g = with.scratch.gradient;  // at the settled state: reactions on held dofs
  const Index n = m.node_count();
  // Held coordinates: bone (all three, Model::node_held) and the table's rollers (x).
  std::vector<std::uint8_t> support(3 * static_cast<std::size_t>(n), 0);
  for (Index dof : with.support_dofs) support[dof] = 1;
  double weight = 0;
  for (double mass : m.node_mass) weight += mass * models::kStandardGravity;
  double bone_x = 0, table_x = 0, free_x = 0, largest_free = 0;
  for (Index i = 0; i < n; ++i) {
    const double gx = g[3 * i];
    if (m.node_held[i]) bone_x += gx;
    else if (support[3 * i]) table_x += gx;
    else free_x += gx;
    for (int k = 0; k < 3; ++k)
      if (m.dof_free[3 * i + k] > 0) largest_free = std::max(largest_free, std::abs(g[3 * i + k]));
  }
  // Equilibrium: the free coordinates carry no net force (Newton's tolerance).
  CHECK(largest_free < 1e-3);
  // The elastic forces sum to zero (translation invariance), so the held coordinates
  // carry the weight: reaction along +x = M g, to the round-off of the free residuals.
  CHECK(bone_x + table_x == Approx(weight).margin(std::abs(free_x) + 1e-9 * weight));
  INFO("weight " << weight << " N, bone " << bone_x << " N, table " << table_x << " N");
  CHECK(table_x > 0.0);  // the table pushes up (+x) on the flank
  // The supported coordinates stay put; without the table the flank sags toward it.
  const Settled without = settle("side_lying_left", false);
  double sag = 0;
  for (Index i = 0; i < n; ++i) {
    if (!support[3 * i]) continue;
    CHECK(with.state.q[3 * i] == m.mesh.nodes[i].x());
    sag = std::min(sag, without.state.q[3 * i] - m.mesh.nodes[i].x());
  }
  CHECK(sag < -1e-4);  // more than 0.1 mm down, or the support would carry nothing
}
