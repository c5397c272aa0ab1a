// Periods replayed within a solved cycle (engine/sim/window_steps.hpp and
// simulation.cpp): a friction stroke that circles in its hold solves its first
// circles and replays the last solved one over the others, and the cycle's record
// (for the cycle jumps that follow) carries every circle's forcing.
#include "engine/core/parallel.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/window_steps.hpp"
#include "tests/engine/model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace backsim;

namespace {

// Thumb-like friction on the spot: 2 mm deep, four 2 mm circles at 2 Hz in a 2 s
// hold; cycles of 2.4 s.
MotionSpec circling_stroke() {
  MotionSpec m;
  m.path = {{0.0, 0.0}};
  m.press_depth = 0.002;
  m.press_time = 0.2;
  m.hold_time = 2.0;
  m.release_time = 0.2;
  m.lift_height = 0.003;
  m.start_time = 0.25;
  m.repetitions = 8;
  m.oscillation = PathOscillation::circle;
  m.oscillation_amplitude = 0.002;
  m.oscillation_frequency = 2.0;
  return m;
}

// The toned muscle block of test_cycle_jump.cpp (tone, viscous memory, blood) under
// 8 friction cycles, then 2.55 s of rest. Friction is lagged to convergence, so that
// the comparison sees the replays alone (with the lag's old default, two passes at
// most, the stepped run missed the converged lag's tone by 2.9 % of the relief; the
// default now leaves 0.17 %, simulation_spec.hpp). The jump tolerance of the Swedish
// session (0.03) lets whole cycles be replayed too.
ModelInputs circled_block(bool jump, int solved_periods) {
  SimulationSpec spec = test::muscle_block_spec();
  spec.material.prony[0] = PronyTerm{0.3, 5.0};
  spec.motion = circling_stroke();
  spec.solver.gravity = Vec3::Zero();
  spec.solver.time_step = 0.05;  // 10 steps per circle
  spec.solver.duration = 22.0;
  spec.solver.cycle_jump = jump;
  spec.solver.cycle_jump_tolerance = 0.03;  // scenarios/sessions/swedish_10min.toml
  spec.solver.solved_periods = solved_periods;
  spec.output.interval = 0.25;
  ModelInputs in = test::muscle_block_inputs(spec);
  ToneParams law;
  law.relaxation_rate = 0.1;
  law.half_stimulus = 1e4;
  law.recovery_time = 20.0;
  in.region_tone = {law};
  in.region_vascular = {default_vascular_params(VascularTissue::muscle)};
  in.solver.friction_passes = 30;
  in.solver.friction_lag_tolerance = 1e-9;
  return in;
}

using test::max_abs_diff;
using test::Outcome;
using test::run_to_end;

double max_of(const std::vector<double>& a) { return *std::max_element(a.begin(), a.end()); }

}  // namespace

TEST_CASE("a hold that circles is cut into steps at whole circles", "[contact][motion][cycle_jump]") {
  const StrokeMotion stroke(circling_stroke());
  const InnerCycles inner = stroke.inner_cycles();
  CHECK(inner.count == 4);
  CHECK(inner.start == 0.2);
  CHECK(inner.period == 0.5);

  const MotionWindow window{0.25 + 3 * 2.4, 2.4, 0};
  const std::vector<StepSegment> segments = window_steps(window, inner, 0.05);
  REQUIRE(segments.size() == 1 + 4 + 1);  // press, four circles, release
  CHECK(segments.front().start == window.start);
  CHECK(segments.back().end == window.start + window.length);  // exact: the next window starts there
  for (std::size_t i = 1; i < segments.size(); ++i) CHECK(segments[i].start == segments[i - 1].end);
  for (int p = 0; p < 4; ++p) {
    const StepSegment& s = segments[static_cast<std::size_t>(1 + p)];
    CHECK(s.period == p);
    CHECK(s.steps == 10);
    CHECK(s.end - s.start == Approx(0.5).epsilon(1e-12));
  }
  CHECK(segments.front().steps == 4);
  CHECK(segments.back().steps == 4);
  CHECK(step_count(segments) == 48);

  // a hold of 2.2 s holds four whole circles; the rest of it goes with the release
  MotionSpec longer = circling_stroke();
  longer.hold_time = 2.2;
  const InnerCycles four = StrokeMotion(longer).inner_cycles();
  CHECK(four.count == 4);
  const std::vector<StepSegment> cut = window_steps({0.0, 2.6, 0}, four, 0.05);
  CHECK(cut.back().end - cut.back().start == Approx(0.4).epsilon(1e-12));

  // no oscillation, no hold, or no release: one segment, as every window was cut before
  MotionSpec plain = circling_stroke();
  plain.oscillation = PathOscillation::none;
  CHECK(StrokeMotion(plain).inner_cycles().count == 0);
  MotionSpec no_hold = circling_stroke();
  no_hold.hold_time = 0;
  CHECK(StrokeMotion(no_hold).inner_cycles().count == 0);
  MotionSpec once = circling_stroke();
  once.release_time = 0;
  once.repetitions = 1;
  CHECK(StrokeMotion(once).inner_cycles().count == 0);
  const std::vector<StepSegment> whole = window_steps(window, InnerCycles{}, 0.05);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].steps == 48);
  CHECK(whole[0].period == -1);
}

TEST_CASE("circles replayed within solved cycles follow the fully solved run", "[physiology][cycle_jump]") {
  const Outcome full = run_to_end(circled_block(false, 0));
  const Outcome cycles = run_to_end(circled_block(true, 0));    // cycle jumps, every circle of a solved cycle solved
  const Outcome circles = run_to_end(circled_block(true, 2));   // and circles 3 and 4 replayed from circle 2
  INFO("steps solved: all " << full.summary.steps << ", cycle jumps " << cycles.summary.steps
                            << ", with circles replayed " << circles.summary.steps << " ("
                            << circles.summary.resolved_cycles << " cycles solved, " << circles.summary.jumped_cycles
                            << " replayed, " << circles.summary.jumped_periods << " circles replayed)");
  CHECK(cycles.summary.jumped_periods == 0);
  REQUIRE(circles.summary.jumped_periods > 0);
  REQUIRE(circles.summary.jumped_cycles > 0);  // the record of a cycle with replayed circles is replayed too
  CHECK(circles.summary.steps < cycles.summary.steps);
  CHECK(circles.state.time == full.state.time);

  // the slow state at the end, against what the strokes did (issue 9: within 2 % of
  // the effect; per element here, stricter than per region). Measured with circles
  // replayed: tone 0.6 %, dose 0.6 %, blood 0.8 %; every circle solved: 0.4, 0.4, 0.6 %.
  // A cycle's record without its replayed circles misses by 15, 23 and 2.7 %.
  double relief = 0;
  for (double a : full.state.tissue.activation) relief = std::max(relief, 0.05 - a);
  REQUIRE(relief > 0.002);
  const double dose = max_of(full.state.tissue.stimulus_dose);
  const double blood = max_of(full.state.circulation.blood_volume);
  for (const Outcome* o : {&cycles, &circles}) {
    const double tone_error = max_abs_diff(o->state.tissue.activation, full.state.tissue.activation);
    const double dose_error = max_abs_diff(o->state.tissue.stimulus_dose, full.state.tissue.stimulus_dose);
    const double blood_error = max_abs_diff(o->state.circulation.blood_volume, full.state.circulation.blood_volume);
    INFO((o == &cycles ? "every circle solved" : "circles replayed")
         << ": tone error " << tone_error << " of a relief of " << relief << "; dose error " << dose_error
         << " of " << dose << "; blood volume error " << blood_error << " of " << blood);
    CHECK(tone_error < 0.02 * relief);
    CHECK(dose_error < 0.02 * dose);
    CHECK(blood_error < 0.02 * blood);
    CHECK(o->state.totals.therapist_work == Approx(full.state.totals.therapist_work).epsilon(0.02));
  }
}

TEST_CASE("circles replayed within cycles are bit-identical on 1 and 2 threads",
          "[physiology][cycle_jump][determinism]") {
  std::vector<Outcome> outcomes;
  for (int threads : {1, 2}) {
    set_threads(threads);
    outcomes.push_back(run_to_end(circled_block(true, 2)));
  }
  set_threads(1);
  REQUIRE(outcomes[0].summary.jumped_periods > 0);
  CHECK(outcomes[0].summary.jumped_periods == outcomes[1].summary.jumped_periods);
  CHECK(outcomes[0].state.q == outcomes[1].state.q);
  CHECK(outcomes[0].state.tissue.activation == outcomes[1].state.tissue.activation);
  CHECK(outcomes[0].state.circulation.blood_volume == outcomes[1].state.circulation.blood_volume);
}
