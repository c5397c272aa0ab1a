// The two-level preconditioner (engine/sim/two_level_preconditioner.hpp) on layered
// tissue: under a force-controlled palm on the coarse back (skin and fascia ~200
// times as stiff as fat) Newton reaches the same states as with block Jacobi, with
// several times fewer CG iterations; and it is bit-identical on 1 and 2 threads.
#include "engine/core/parallel.hpp"
#include "engine/sim/simulation.hpp"
#include "palm_stroke_scenario.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using namespace backsim;

namespace {

struct Run {
  std::vector<double> q;         // the final state
  std::vector<double> force_z;   // the tool's normal force per step
  std::int64_t cg = 0, newton = 0;
  Index groups = 0, aggregates = 0;
};

struct Recorder : SimulationObserver {
  Run* run = nullptr;
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats& st) override {
    run->force_z.push_back(st.tool_force.z());
    run->cg += st.cg_iterations;
    run->newton += st.newton_iterations;
  }
};

Run palm_stroke(const char* preconditioner, double newton_tolerance, int threads) {
  Scenario s = backsim::test::coarse_back_palm_stroke("1.5 s");
  s.spec.solver.preconditioner =
      std::string(preconditioner) == "two_level" ? Preconditioner::two_level : Preconditioner::block_jacobi;
  s.spec.solver.newton_tolerance = newton_tolerance;
  set_threads(threads);
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  Run r;
  Recorder rec;
  rec.run = &r;
  run_simulation(m, state, w, rec);
  set_threads(0);
  r.q = state.q;
  r.groups = w.two_level.group_count();
  r.aggregates = w.two_level.aggregate_count();
  return r;
}

}  // namespace

TEST_CASE("the two-level preconditioner reaches block Jacobi's states on the layered back with far fewer CG",
          "[two_level][back]") {
  // A tolerance 100 times the default's, so that both runs stop far closer to the
  // solution than the comparison's bound (at the default they stop within it from
  // different iterates).
  const Run jacobi = palm_stroke("block_jacobi", 1e-8, 1);
  const Run two_level = palm_stroke("two_level", 1e-8, 1);
  INFO("CG iterations: block Jacobi " << jacobi.cg << " (" << jacobi.newton << " Newton), two-level " << two_level.cg
                                      << " (" << two_level.newton << " Newton); " << two_level.groups << " groups, "
                                      << two_level.aggregates << " aggregates");
  REQUIRE(two_level.groups > 0);
  REQUIRE(two_level.aggregates > 0);
  REQUIRE(two_level.aggregates < two_level.groups);
  // Measured 5.5x here (35,821 against 6,460) and 5.1x at the default tolerance (130
  // against 27 CG per Newton iteration, `backsim run`): the bound is 3x.
  CHECK(two_level.cg * 3 < jacobi.cg);
  REQUIRE(jacobi.force_z.size() == two_level.force_z.size());
  REQUIRE(jacobi.force_z.back() > 1.0);  // the palm presses at the end
  // residual forces below 1e-8 E h^2 (~1e-7 N) over stiffnesses of ~E h (~10 N/m for
  // the fat) bound the difference at ~1e-8 m, the bound (1/500,000 of the press);
  // measured 4e-10 m.
  double dq = 0;
  for (std::size_t i = 0; i < jacobi.q.size(); ++i) dq = std::max(dq, std::abs(jacobi.q[i] - two_level.q[i]));
  CHECK(dq < 1e-8);
  for (std::size_t k = 0; k < jacobi.force_z.size(); ++k)
    CHECK(std::abs(jacobi.force_z[k] - two_level.force_z[k]) <= 1e-5 * std::max(std::abs(jacobi.force_z[k]), 1.0));
}

TEST_CASE("the two-level preconditioner gives bit-identical runs on 1 and 2 threads", "[two_level][determinism]") {
  const Run one = palm_stroke("two_level", 1e-6, 1);
  const Run two = palm_stroke("two_level", 1e-6, 2);
  REQUIRE(one.q.size() == two.q.size());
  CHECK(std::memcmp(one.q.data(), two.q.data(), one.q.size() * sizeof(double)) == 0);
  CHECK(one.cg == two.cg);
  REQUIRE(one.force_z.size() == two.force_z.size());
  CHECK(std::memcmp(one.force_z.data(), two.force_z.data(), one.force_z.size() * sizeof(double)) == 0);
}
