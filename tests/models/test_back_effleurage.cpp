// Issue 5's acceptance on the back model: a steady force-controlled effleurage glide
// with the palm holds its normal force within 5 % of the target, and the skin never
// sinks into the tool beyond the contact's tolerance; Newton converges quadratically
// under the palm; and every style, session and example scenario validates.
#include "engine/sim/simulation.hpp"
#include "palm_stroke_scenario.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <vector>

using namespace backsim;

namespace {

struct Recorder : SimulationObserver {
  std::vector<StepStats> steps;
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats& st) override { steps.push_back(st); }
};

// Runs the scenario to its end; returns its steps and the model's mean edge length.
std::vector<StepStats> run_steps(const Scenario& s, double* mean_edge_length = nullptr) {
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  Recorder rec;
  run_simulation(m, state, w, rec);
  if (mean_edge_length != nullptr) *mean_edge_length = m.mean_edge_length;
  return rec.steps;
}

}  // namespace

TEST_CASE("a palm effleurage on the coarse back holds its force within 5 % and stays on the skin",
          "[technique][force][back]") {
  // Quasi-static: the glide's equilibrium. With the tool's inertia (backward Euler) the
  // rigid, flat palm rocking over the coarse back's facets stalls Newton at the glide's
  // start (docs/techniques.md, not done yet).
  const TimeIntegration integration = TimeIntegration::quasi_static;
  Scenario s = parse_scenario(R"(
[geometry]
type = "back"
resolution = "coarse"
[tool]
skin = "oiled"
[motion]
technique = "effleurage"
path = [["T11", "-4 cm"], ["L3", "-4 cm"]]
release_time = 0
[solver]
time_step = "0.02 s"
[output]
interval = "0.5 s"
)",
                              "<effleurage>");
  s.spec.solver.integration = integration;
  double mean_edge_length = 0;
  const std::vector<StepStats> steps = run_steps(s, &mean_edge_length);

  const MotionSpec& stroke = s.spec.motion;
  // steady: 0.1 s after the glide starts (the tool starts from rest) until its end
  const double glide_start = stroke.press_time + stroke.hold_time + 0.1;
  double worst = 0, deepest = 0;
  int gliding = 0;
  for (const StepStats& st : steps) {
    deepest = std::max(deepest, st.max_penetration);
    if (st.time <= glide_start + 1e-9) continue;
    ++gliding;
    worst = std::max(worst, std::abs(st.tool_force.z() / st.target_force - 1.0));
  }
  REQUIRE(gliding >= 40);  // ~15 cm at 15 cm/s in 20 ms steps
  INFO("largest deviation of the normal force " << worst << ", deepest penetration " << deepest * 1e6 << " um");
  CHECK(worst < 0.05);
  // The contact's tolerance: the penalty gives p h / (scale E) under a pressure p; under
  // a palm's few kPa that is far below 1 % of the skin's element size.
  CHECK(deepest < 0.01 * mean_edge_length);
}

TEST_CASE("Newton converges quadratically under a force-controlled palm on the coarse back",
          "[newton][force][back]") {
  // The palm's depth is an unknown whose Hessian entry must be exact once the palm
  // touches: an entry off by d slows Newton to the linear rate d / (S + d), S the
  // depth's effective stiffness (engine/sim/newton.cpp, regularised_tool_diagonal).
  // Under a palm on soft fat and stiff skin S is of the order of the out-of-contact
  // regularisation (one element's stiffness): the old fading regularisation gave a
  // rate of 0.45 and cost 17 more iterations in a step for this 1000-fold refinement.
  // Quadratic convergence costs one or two per solve, and a step solves up to twice
  // (friction re-lag): at most 4.
  const auto contact_step_iterations = [](double newton_tolerance) {
    Scenario s = backsim::test::coarse_back_palm_stroke("0.85 s");
    s.spec.solver.preconditioner = Preconditioner::cholesky;
    s.spec.solver.newton_tolerance = newton_tolerance;
    std::vector<int> iterations;
    for (const StepStats& st : run_steps(s))
      if (st.active_contacts > 0) iterations.push_back(st.newton_iterations);
    return iterations;
  };
  const std::vector<int> loose = contact_step_iterations(1e-6);
  const std::vector<int> tight = contact_step_iterations(1e-9);
  REQUIRE(loose.size() == tight.size());
  REQUIRE(loose.size() >= 3);  // the press (0.4 s) touches from 0.7 s
  int extra = 0, total = 0;
  for (std::size_t k = 0; k < loose.size(); ++k) {
    extra = std::max(extra, tight[k] - loose[k]);
    total += loose[k];
  }
  INFO("contact steps " << loose.size() << ", Newton iterations " << total << " at 1e-6; most extra in a step at 1e-9: "
                        << extra);
  CHECK(extra <= 4);
}

TEST_CASE("every style, session and example scenario validates", "[technique][scenarios]") {
  int checked = 0;
  for (const char* folder : {"/scenarios/styles", "/scenarios/sessions", "/scenarios/examples", "/bench/sessions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(BACKSIM_SOURCE_DIR) + folder)) {
      if (entry.path().extension() != ".toml") continue;
      INFO(entry.path().string());
      CHECK_NOTHROW(load_scenario_file(entry.path()));
      ++checked;
    }
  }
  CHECK(checked >= 15);  // five styles, five presets, the three older examples, two whole sessions
}
