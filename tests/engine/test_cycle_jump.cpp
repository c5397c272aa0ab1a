// Repeated strokes (ToolMotion with a release) and cycle jumps (engine/sim/cycle_jump.hpp):
// the motion is periodic, a jumped run follows the fully solved one, and jumps are
// deterministic across thread counts.
#include "engine/core/parallel.hpp"
#include "engine/sim/cycle_jump.hpp"
#include "engine/sim/simulation.hpp"
#include "tests/engine/model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace backsim;

namespace {

MotionSpec repeated_stroke() {
  MotionSpec m;
  m.path = {{-0.01, 0.0}, {0.01, 0.0}};
  m.press_depth = 0.002;
  m.press_time = 0.1;
  m.hold_time = 0.05;
  m.speed = 0.05;  // 0.4 s glide
  m.release_time = 0.1;
  m.lift_height = 0.003;
  m.start_time = 0.25;
  m.repetitions = 30;
  return m;
}

// A kneading-like stroke: short, slow, deeper, made in place.
MotionSpec kneading_stroke() {
  MotionSpec m = repeated_stroke();
  m.path = {{0.0, 0.0}, {0.004, 0.0}};
  m.press_depth = 0.003;
  m.press_time = 0.3;
  m.hold_time = 0.1;
  m.speed = 0.02;
  m.release_time = 0.3;
  m.start_time = 0.5;
  m.repetitions = 10;  // cycles of 1.1 s
  return m;
}

// The small block with fibres, resting tone, a slow tone law, viscous memory and
// blood: every slow process a jump replays. 30 gliding strokes of 1.05 s, 10
// kneading strokes of 1.1 s, then 8.5 s of rest.
ModelInputs stroked_block(bool jump, double tolerance = 0.01) {
  SimulationSpec spec = test::muscle_block_spec();
  spec.material.prony[0] = PronyTerm{0.3, 5.0};
  spec.motion = repeated_stroke();
  spec.following = {kneading_stroke()};
  spec.solver.gravity = Vec3::Zero();
  spec.solver.time_step = 0.05;
  spec.solver.duration = 51.75;
  spec.solver.cycle_jump = jump;
  spec.solver.cycle_jump_tolerance = tolerance;
  spec.output.interval = 0.25;
  ModelInputs in = test::muscle_block_inputs(spec);
  ToneParams law;
  law.relaxation_rate = 0.1;  // about 1 % of tone per stroke: jumps of several strokes
  law.half_stimulus = 1e4;
  law.recovery_time = 20.0;
  in.region_tone = {law};
  in.region_vascular = {default_vascular_params(VascularTissue::muscle)};
  return in;
}

using test::max_abs_diff;
using test::Outcome;
using test::run_to_end;

}  // namespace

TEST_CASE("repeated strokes: press, glide, release, return, periodic", "[contact][motion]") {
  const MotionSpec spec = repeated_stroke();
  const StrokeMotion motion(spec);
  const double period = 0.1 + 0.05 + 0.4 + 0.1 + 0.4;
  REQUIRE(motion.cycle_period() == Approx(period).epsilon(1e-14));
  CHECK(motion.end_time() == Approx(0.25 + 30 * period).epsilon(1e-14));
  // waiting, then each cycle: lifted at the start, pressed, glided, lifted at the end, back
  CHECK(motion.depth(0.0) == -0.003);
  CHECK(motion.depth(0.25 + 0.1) == Approx(0.002));
  CHECK(motion.surface_point(0.25 + 0.15 + 0.2).x() == Approx(0.0).margin(1e-15));  // mid-glide
  CHECK(motion.depth(0.25 + 0.65) == Approx(-0.003));
  CHECK(motion.surface_point(0.25 + 0.65 + 0.2).x() == Approx(0.0).margin(1e-15));  // mid-return
  CHECK(motion.surface_point(0.25 + 0.65 + 0.4).x() == Approx(-0.01));             // back at the start
  for (double t : {0.3, 0.42, 0.6, 0.77, 1.0, 1.2}) {
    INFO("t = " << t);
    CHECK(motion.depth(t + 7 * period) == Approx(motion.depth(t)).margin(1e-15));
    CHECK((motion.surface_point(t + 7 * period) - motion.surface_point(t)).norm() < 1e-14);
  }
  // after the last stroke the tool rests lifted over the path's start
  CHECK(motion.depth(100.0) == -0.003);
  CHECK(motion.surface_point(100.0).x() == -0.01);
  // a single stroke without release keeps the old meaning: pressed at the end
  MotionSpec once = spec;
  once.release_time = 0;
  once.repetitions = 1;
  once.start_time = 0;
  const StrokeMotion single(once);
  CHECK(single.cycle_period() == 0.0);
  CHECK(single.depth(100.0) == 0.002);
  CHECK(single.surface_point(100.0).x() == 0.01);
}

TEST_CASE("a motion of two strokes: each waits, then cycles, one after the other", "[contact][motion]") {
  const MotionSpec glide = repeated_stroke();
  const MotionSpec knead = kneading_stroke();
  const ToolMotion motion(glide, {knead});
  const double glide_period = 1.05, knead_period = 1.1;
  const double knead_start = 0.25 + 30 * glide_period;  // the second stroke's wait begins
  CHECK(motion.end_time() == Approx(knead_start + 0.5 + 10 * knead_period).epsilon(1e-14));
  CHECK(motion.last_cycle_period() == Approx(knead_period).epsilon(1e-14));
  const std::vector<MotionWindow> windows = motion.windows();
  REQUIRE(windows.size() == 1 + 30 + 1 + 10);
  CHECK(windows[0].stroke == MotionWindow::kWait);
  CHECK(windows[1].stroke == 0);
  CHECK(windows[30].start == Approx(0.25 + 29 * glide_period).epsilon(1e-14));
  CHECK(windows[31].stroke == MotionWindow::kWait);
  CHECK(windows[31].start == Approx(knead_start).epsilon(1e-14));
  CHECK(windows[32].stroke == 1);
  CHECK(windows[32].length == Approx(knead_period).epsilon(1e-14));
  for (std::size_t i = 1; i < windows.size(); ++i)  // contiguous
    CHECK(windows[i].start == Approx(windows[i - 1].start + windows[i - 1].length).epsilon(1e-13));
  // the first stroke glides from -1 cm, the second kneads at 0..4 mm, lifted in between
  CHECK(motion.surface_point(0.25 + 0.15 + 0.2).x() == Approx(0.0).margin(1e-15));
  CHECK(motion.depth(knead_start + 0.25) == -0.003);
  CHECK(motion.surface_point(knead_start + 0.25).x() == 0.0);
  CHECK(motion.depth(knead_start + 0.5 + 0.3) == Approx(0.003));
  CHECK(motion.surface_point(knead_start + 0.5 + 0.4 + 0.1).x() == Approx(0.002));
  CHECK(motion.depth(1000.0) == -0.003);
}

TEST_CASE("cycle jumps follow the fully solved run of repeated strokes", "[physiology][cycle_jump]") {
  const Outcome full = run_to_end(stroked_block(false));
  const Outcome jumped = run_to_end(stroked_block(true));
  INFO("solved " << full.summary.steps << " steps fully, " << jumped.summary.steps << " with jumps ("
                 << jumped.summary.resolved_cycles << " cycles solved, " << jumped.summary.jumped_cycles
                 << " replayed)");
  REQUIRE(jumped.summary.jumped_cycles > 10);
  CHECK(jumped.state.time == full.state.time);

  // the slow state after 30 strokes and 10 s of rest, against what the strokes did
  double relief = 0;
  for (double a : full.state.tissue.activation) relief = std::max(relief, 0.05 - a);
  REQUIRE(relief > 0.002);  // the strokes left the tone > 4 % lower, after 8.5 s of recovery
  const double tone_error = max_abs_diff(jumped.state.tissue.activation, full.state.tissue.activation);
  const double dose_error = max_abs_diff(jumped.state.tissue.stimulus_dose, full.state.tissue.stimulus_dose);
  double dose = 0;
  for (double d : full.state.tissue.stimulus_dose) dose = std::max(dose, d);
  const double blood_error = max_abs_diff(jumped.state.circulation.blood_volume, full.state.circulation.blood_volume);
  double blood = 0;
  for (double v : full.state.circulation.blood_volume) blood = std::max(blood, v);
  INFO("tone error " << tone_error << " of a relief of " << relief << "; dose error " << dose_error << " of "
                     << dose << "; blood volume error " << blood_error << " of " << blood);
  // issue 9's acceptance: within 2 % of the effect, per element here (stricter than per region)
  CHECK(tone_error < 0.02 * relief);
  CHECK(dose_error < 0.02 * dose);
  CHECK(blood_error < 0.02 * blood);
  CHECK(jumped.state.totals.therapist_work == Approx(full.state.totals.therapist_work).epsilon(0.02));
}

TEST_CASE("cycle jumps with a zero tolerance solve every cycle from the last one's path",
          "[physiology][cycle_jump]") {
  // With friction lagged to convergence the stepped run and the run that solves every
  // cycle from the last cycle's path (cycle_path.hpp) solve the same problems: they
  // must agree to Newton's tolerance (1e-6 E h^2) and the last bits of the step times
  // (start + k h against k dt), far below the 2 mm press.
  const auto converged_lag = [](ModelInputs in) {
    in.solver.friction_passes = 30;
    in.solver.friction_lag_tolerance = 1e-9;
    return in;
  };
  const Outcome reference = run_to_end(converged_lag(stroked_block(false)));
  const Outcome from_path = run_to_end(converged_lag(stroked_block(true, 0.0)));
  CHECK(from_path.summary.jumped_cycles == 0);
  CHECK(from_path.summary.steps == reference.summary.steps);
  // measured 8.5e-9 and 1.3e-8 m
  CHECK(max_abs_diff(from_path.state.tissue.activation, reference.state.tissue.activation) < 1e-7);
  CHECK(max_abs_diff(from_path.state.q, reference.state.q) < 1e-7);

  // With the default lag (re-lagged until the normal forces move by less than 1 %)
  // both runs end near the converged lag, the run from the path in far fewer Newton
  // iterations (its lag, taken at the path, is nearly the solution's). Before the
  // summed change was the measure (two passes at most, the total's change) the
  // stepped run missed by 6.8e-5, 1.3 % of the largest relief (0.0053).
  const Outcome stepped = run_to_end(stroked_block(false));
  const Outcome solved = run_to_end(stroked_block(true, 0.0));
  const double stepped_error = max_abs_diff(stepped.state.tissue.activation, reference.state.tissue.activation);
  const double path_error = max_abs_diff(solved.state.tissue.activation, reference.state.tissue.activation);
  INFO("tone against the converged lag: stepped " << stepped_error << ", from the path " << path_error
                                                  << "; Newton iterations " << stepped.summary.newton_iterations
                                                  << " and " << solved.summary.newton_iterations);
  // 1e-5: 0.2 % of the relief, a tenth of issue 9's 2 %; measured 2.5e-6 and 4.0e-6
  CHECK(stepped_error < 1e-5);
  CHECK(path_error < 1e-5);
  CHECK(solved.summary.newton_iterations < 0.6 * stepped.summary.newton_iterations);  // measured 2,073 / 6,075
}

TEST_CASE("cycle jumps are bit-identical on 1 and 2 threads", "[physiology][cycle_jump][determinism]") {
  std::vector<Outcome> outcomes;
  for (int threads : {1, 2}) {
    set_threads(threads);
    outcomes.push_back(run_to_end(stroked_block(true)));
  }
  set_threads(1);
  CHECK(outcomes[0].summary.jumped_cycles == outcomes[1].summary.jumped_cycles);
  CHECK(outcomes[0].state.q == outcomes[1].state.q);
  CHECK(outcomes[0].state.tissue.activation == outcomes[1].state.tissue.activation);
  CHECK(outcomes[0].state.tissue.overstress == outcomes[1].state.tissue.overstress);
  CHECK(outcomes[0].state.circulation.blood_volume == outcomes[1].state.circulation.blood_volume);
}

namespace {

// Hands out a checkpoint at every point where the run can resume and asks to stop
// after `stop_after` steps (the run then stops at the next step or window).
struct StoppingObserver : test::RecordingObserver {
  std::int64_t stop_after = 0;
  std::int64_t steps_seen = 0;
  State saved_state;
  RunPosition saved_position;
  void on_step(const Model& m, const State& s, const StepStats& st) override {
    ++steps_seen;
    RecordingObserver::on_step(m, s, st);
  }
  bool stop_requested() override { return steps_seen >= stop_after; }
  bool checkpoint_due() override { return true; }
  void on_checkpoint(const Model&, const State& s, const RunPosition& p) override {
    saved_state = s;
    saved_position = p;
  }
};

}  // namespace

TEST_CASE("a run with cycle jumps resumed from a checkpoint's position matches the run that never stopped",
          "[physiology][cycle_jump][determinism]") {
  const Model model = build_model(stroked_block(true));
  Outcome whole{initial_state(model), {}};
  {
    Scratch w = make_scratch(model);
    test::RecordingObserver obs;
    whole.summary = run_simulation(model, whole.state, w, obs);
  }
  REQUIRE(whole.summary.resolved_cycles > 3);

  // stopped half way, after cycles were resolved and replayed
  StoppingObserver stopping;
  stopping.stop_after = whole.summary.steps / 2;
  {
    State s = initial_state(model);
    Scratch w = make_scratch(model);
    REQUIRE(run_simulation(model, s, w, stopping).stopped_early);
  }
  // the checkpoint holds the path of the last resolved cycle: its next resolved cycle starts from it
  REQUIRE(stopping.saved_position.cycle_path.stroke != CyclePath::kNone);
  REQUIRE(!stopping.saved_position.cycle_path.q.empty());

  const auto resume = [&](const RunPosition& from) {
    Outcome o{stopping.saved_state, {}};
    Scratch fresh = make_scratch(model);
    test::RecordingObserver obs;
    o.summary = run_simulation(model, o.state, fresh, obs, from);
    return o;
  };
  const Outcome resumed = resume(stopping.saved_position);
  CHECK(resumed.summary.resolved_cycles == whole.summary.resolved_cycles);
  CHECK(resumed.state.q == whole.state.q);
  CHECK(resumed.state.tissue.activation == whole.state.tissue.activation);
  CHECK(resumed.state.circulation.blood_volume == whole.state.circulation.blood_volume);

  // the path is part of the position: resumed without it, the run differs, which is
  // why a checkpoint saves it; by little (4.1e-8 m measured: one cycle solved from
  // other starts, Newton's tolerance and the friction lag's error)
  RunPosition without_path = stopping.saved_position;
  without_path.cycle_path = CyclePath{};
  const Outcome forgetful = resume(without_path);
  CHECK(forgetful.state.q != whole.state.q);
  CHECK(max_abs_diff(forgetful.state.q, whole.state.q) < 1e-7);
}
