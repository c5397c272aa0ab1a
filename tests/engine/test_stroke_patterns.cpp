// The patterns of the techniques' strokes (physics.md section 3): friction circles and
// cross-fibre lines of the documented radius and frequency, percussion at its strike
// frequency (read from the force spectrum of a dynamic run), a trigger-point hold of
// its length, and force-controlled strokes that lift, return and press again; and the
// load the tool puts on a marked zone.
#include "engine/contact/tool_motion.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>

using namespace backsim;

namespace {

MotionSpec point_stroke(double hold) {
  MotionSpec m;
  m.path = {{0.0, 0.0}};
  m.press_time = 0.5;
  m.hold_time = hold;
  m.speed = 0.01;
  return m;
}

}  // namespace

TEST_CASE("friction circles have their radius and frequency - cross-fibre lines stay on their axis", "[motion][technique]") {
  MotionSpec circle = point_stroke(4.0);
  circle.oscillation = PathOscillation::circle;
  circle.oscillation_amplitude = 0.005;
  circle.oscillation_frequency = 1.5;
  circle.oscillation_axis = {0.6, 0.8};
  const ToolMotion motion(circle);
  const Eigen::Vector2d centre = -0.005 * Eigen::Vector2d(0.6, 0.8);  // the circle passes through the path point
  CHECK(motion.surface_point(0.3).norm() == 0.0);  // still while pressing
  double turned = 0, last_angle = 0;
  for (int k = 0; k <= 4000; ++k) {
    const double t = 0.5 + 4.0 * k / 4000.0;
    const Eigen::Vector2d r = motion.surface_point(t) - centre;
    CHECK(r.norm() == Approx(0.005).margin(1e-12));  // on the circle, to round-off
    const double angle = std::atan2(r.y(), r.x());
    if (k > 0) turned += std::remainder(angle - last_angle, 2 * std::numbers::pi);
    last_angle = angle;
  }
  CHECK(turned / (2 * std::numbers::pi) == Approx(1.5 * 4.0).epsilon(1e-9));  // 6 turns in 4 s

  MotionSpec line = point_stroke(2.0);
  line.oscillation = PathOscillation::line;
  line.oscillation_amplitude = 0.004;
  line.oscillation_frequency = 2.0;
  line.oscillation_axis = {1.0, 0.0};
  const ToolMotion across(line);
  int crossings = 0;
  double widest = 0, prev = 0;
  for (int k = 0; k <= 2000; ++k) {
    const Eigen::Vector2d p = across.surface_point(0.5 + 2.0 * k / 2000.0 + 1e-7);
    CHECK(p.y() == 0.0);  // only along the axis
    widest = std::max(widest, std::abs(p.x()));
    if (k > 0 && (p.x() > 0) != (prev > 0)) ++crossings;
    prev = p.x();
  }
  CHECK(widest == Approx(0.004).epsilon(1e-6));
  CHECK(crossings == 7);  // 2 Hz for 2 s: two sign changes per cycle, the last at the end itself
}

TEST_CASE("a glide moves at its speed - a trigger-point press holds its full force for its hold time", "[motion][technique]") {
  MotionSpec glide;
  glide.path = {{0.0, 0.0}, {0.06, 0.08}};  // 10 cm
  glide.press_time = 0.4;
  glide.speed = 0.15;
  const ToolMotion effleurage(glide);
  for (double t = 0.45; t < 0.4 + 0.1 / 0.15 - 0.01; t += 0.05)
    CHECK((effleurage.surface_point(t + 0.01) - effleurage.surface_point(t)).norm() / 0.01 == Approx(0.15).epsilon(1e-9));

  MotionSpec hold = point_stroke(60.0);
  hold.control = ToolControl::force;
  hold.normal_force = 35.0;
  hold.press_time = 3.0;
  const ToolMotion trigger(hold);
  CHECK(trigger.normal_force(2.9) < 35.0);
  CHECK(trigger.normal_force(3.0) == 35.0);
  CHECK(trigger.normal_force(63.0) == 35.0);  // held 60 s at the full force
  CHECK(trigger.depth_plan(30.0).free);        // the depth is the outcome throughout
}

TEST_CASE("percussion strikes at its frequency: the peak of the force spectrum", "[motion][technique][dynamic]") {
  SimulationSpec spec = test::small_block_spec();
  spec.motion = point_stroke(1.5);
  spec.motion.press_depth = 0.003;
  spec.motion.press_time = 0.25;
  spec.motion.percussion_amplitude = 0.006;  // rises 3 mm clear of the skin between strikes
  const double f = 6.0;
  spec.motion.percussion_frequency = f;
  spec.solver.integration = TimeIntegration::backward_euler;
  spec.solver.time_step = 1.0 / (20.0 * f);  // 20 steps per strike (techniques.hpp)
  spec.output.interval = 0.5;
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  test::RecordingObserver obs;
  run_simulation(m, s, w, obs);

  // force samples over the whole strikes (9 cycles), mean removed
  std::vector<double> force;
  int airborne = 0;
  for (const StepStats& st : obs.steps) {
    if (st.time <= 0.25 + 1e-9) continue;
    force.push_back(st.tool_force.z());
    if (st.active_contacts == 0) ++airborne;
  }
  REQUIRE(force.size() >= 170);
  CHECK(airborne > 20);  // the hand leaves the skin between strikes: impulsive, not a vibration
  double mean = 0;
  for (double v : force) mean += v / static_cast<double>(force.size());
  const double dt = spec.solver.time_step;
  const double T = dt * static_cast<double>(force.size());
  double best_power = 0, best_f = 0;
  for (int k = 1; k < static_cast<int>(force.size()) / 2; ++k) {
    std::complex<double> c = 0;
    for (std::size_t n = 0; n < force.size(); ++n)
      c += (force[n] - mean) * std::polar(1.0, -2 * std::numbers::pi * k * static_cast<double>(n) / static_cast<double>(force.size()));
    if (std::norm(c) > best_power) {
      best_power = std::norm(c);
      best_f = k / T;
    }
  }
  INFO("spectral peak " << best_f << " Hz over " << T << " s");
  CHECK(std::abs(best_f - f) <= 1.0 / T + 1e-9);  // within one frequency bin
}

TEST_CASE("force-controlled strokes lift, return off the skin and press again to their target", "[force][technique]") {
  SimulationSpec spec = test::small_block_spec();
  spec.geometry.size = Vec3(0.08, 0.04, 0.02);
  spec.geometry.cells = {16, 8, 4};
  spec.motion.control = ToolControl::force;
  spec.motion.normal_force = 1.5;
  spec.motion.max_depth = 0.01;
  spec.motion.path = {{-0.02, 0.0}, {0.02, 0.0}};
  spec.motion.press_time = 0.4;
  spec.motion.speed = 0.1;
  spec.motion.release_time = 0.2;
  spec.motion.lift_height = 0.005;
  spec.motion.repetitions = 2;
  spec.solver.time_step = 0.02;
  spec.output.interval = 0.1;
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  test::RecordingObserver obs;
  run_simulation(m, s, w, obs);

  // one cycle: press 0.4 s (lower 0.2, force 0.2), glide 0.4 s, release 0.2 s, return 0.4 s
  const double period = 0.4 + 0.4 + 0.2 + 0.4;
  int gliding = 0, returning = 0;
  double worst = 0;
  for (const StepStats& st : obs.steps) {
    const double ph = std::fmod(st.time + 1e-9, period);
    if (ph > 0.5 && ph < 0.8) {  // steady glide (quasi-static: equilibrium at the target)
      ++gliding;
      worst = std::max(worst, std::abs(st.tool_force.z() / 1.5 - 1.0));
    }
    if (ph > 1.05) {  // lifted and carried back
      ++returning;
      CHECK(st.active_contacts == 0);
      CHECK(st.tool_depth == Approx(-0.005).margin(1e-12));
    }
  }
  REQUIRE(gliding >= 20);
  REQUIRE(returning >= 20);
  INFO("largest deviation of the normal force from its target in the glides: " << worst);
  CHECK(worst < 1e-3);  // quasi-static equilibrium: the Newton tolerance, far inside 5 %
}

TEST_CASE("the load on a marked zone is reported where the tool touches it and zero where it does not", "[zone]") {
  SimulationSpec spec = test::small_block_spec();
  ZoneSpec on_path{"under the glide", ZoneShape::circle, {0.005, 0.0}, 0.004, {0, 0}};
  ZoneSpec far{"far corner", ZoneShape::rectangle, {-0.015, 0.011}, 0.0, {0.004, 0.003}};
  spec.zones = {on_path, far};
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  test::RecordingObserver obs;
  run_simulation(m, s, w, obs);
  REQUIRE(s.totals.zones.size() == 2);
  const ZoneLoad& hit = s.totals.zones[0];
  const ZoneLoad& spared = s.totals.zones[1];
  double peak_total = 0;
  for (const StepStats& st : obs.steps) peak_total = std::max(peak_total, st.tool_force.z());
  CHECK(hit.peak_force > 0.2 * peak_total);  // the sphere sits on it
  CHECK(hit.peak_force <= peak_total * 1.001);
  CHECK(hit.impulse > 0);
  CHECK(hit.peak_pressure > 0);
  CHECK(hit.contact_time > 0);
  CHECK(spared.peak_force == 0);  // never touched: exactly zero
  CHECK(spared.impulse == 0);
}
