// A step that fails is retried as two half steps, from the state it started from.
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace backsim;

namespace {
SimulationSpec press_in_one_step(double time_step) {
  SimulationSpec s = backsim::test::small_block_spec();
  s.geometry.size = Vec3(0.06, 0.04, 0.02);
  s.geometry.cells = {12, 8, 4};
  s.motion.path = {{0.0, 0.0}};
  s.motion.press_depth = 0.005;
  s.motion.press_time = 0.2;
  s.solver.time_step = time_step;
  // Six Newton iterations do not solve a 5 mm press in one 0.2 s step, but do
  // solve it in two steps of 0.1 s (measured: 1 retried step).
  s.solver.max_newton_iterations = 6;
  s.output.interval = 0.2;
  return s;
}

std::pair<SimulationSummary, std::vector<double>> run(const SimulationSpec& spec) {
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  backsim::test::RecordingObserver obs;
  const SimulationSummary summary = run_simulation(m, s, w, obs);
  return {summary, s.q};
}
}  // namespace

TEST_CASE("a failed step is retried as two half steps from its own start", "[solver][retry]") {
  const auto [retried, q_retried] = run(press_in_one_step(0.2));
  const auto [halved, q_halved] = run(press_in_one_step(0.1));
  REQUIRE(retried.retried_steps == 1);  // the full step failed, its halves did not
  CHECK(retried.steps == 2);
  CHECK(halved.retried_steps == 0);
  // Retrying from an untouched start is the same as running half steps outright.
  REQUIRE(q_retried.size() == q_halved.size());
  CHECK(std::memcmp(q_retried.data(), q_halved.data(), q_retried.size() * sizeof(double)) == 0);
  CHECK(retried.peak_depth == Approx(0.005));
}
