// Field-by-field comparison of two SimulationSpecs, exact (==), so that a failure
// names the field that differs.
#pragma once

#include "engine/sim/simulation_spec.hpp"

#include <catch2/catch.hpp>

namespace backsim::test {

inline void require_same_stroke(const MotionSpec& a, const MotionSpec& b) {
  CHECK(a.control == b.control);
  CHECK(a.path == b.path);
  CHECK(a.press_depth == b.press_depth);
  CHECK(a.normal_force == b.normal_force);
  CHECK(a.max_depth == b.max_depth);
  CHECK(a.press_time == b.press_time);
  CHECK(a.hold_time == b.hold_time);
  CHECK(a.speed == b.speed);
  CHECK(a.start_time == b.start_time);
  CHECK(a.release_time == b.release_time);
  CHECK(a.lift_height == b.lift_height);
  CHECK(a.repetitions == b.repetitions);
  CHECK(a.tool == b.tool);
  CHECK(a.oscillation == b.oscillation);
  CHECK(a.oscillation_amplitude == b.oscillation_amplitude);
  CHECK(a.oscillation_frequency == b.oscillation_frequency);
  CHECK(a.oscillation_axis == b.oscillation_axis);
  CHECK(a.percussion_amplitude == b.percussion_amplitude);
  CHECK(a.percussion_frequency == b.percussion_frequency);
}

inline void require_same_spec(const SimulationSpec& a, const SimulationSpec& b) {
  CHECK(a.geometry.size == b.geometry.size);
  CHECK(a.geometry.cells == b.geometry.cells);
  CHECK(a.geometry.grading == b.geometry.grading);
  CHECK(a.material_model == b.material_model);
  CHECK(a.material.youngs_modulus == b.material.youngs_modulus);
  CHECK(a.material.poisson_ratio == b.material.poisson_ratio);
  CHECK(a.material.density == b.material.density);
  CHECK(a.boundary.fix_bottom == b.boundary.fix_bottom);
  CHECK(a.boundary.fix_sides == b.boundary.fix_sides);
  CHECK(a.tool.shape == b.tool.shape);
  CHECK(a.tool.radius == b.tool.radius);
  CHECK(a.tool.length == b.tool.length);
  CHECK(a.tool.half_extents == b.tool.half_extents);
  CHECK(a.tool.axis == b.tool.axis);
  CHECK(a.tool.friction == b.tool.friction);
  CHECK(a.tool.mass == b.tool.mass);
  CHECK(a.tool.damping == b.tool.damping);
  REQUIRE(a.other_tools.size() == b.other_tools.size());
  for (std::size_t i = 0; i < a.other_tools.size(); ++i) {
    CHECK(a.other_tools[i].shape == b.other_tools[i].shape);
    CHECK(a.other_tools[i].radius == b.other_tools[i].radius);
    CHECK(a.other_tools[i].length == b.other_tools[i].length);
    CHECK(a.other_tools[i].half_extents == b.other_tools[i].half_extents);
    CHECK(a.other_tools[i].axis == b.other_tools[i].axis);
    CHECK(a.other_tools[i].friction == b.other_tools[i].friction);
  }
  REQUIRE(a.zones.size() == b.zones.size());
  for (std::size_t i = 0; i < a.zones.size(); ++i) {
    CHECK(a.zones[i].name == b.zones[i].name);
    CHECK(a.zones[i].shape == b.zones[i].shape);
    CHECK(a.zones[i].centre == b.zones[i].centre);
    CHECK(a.zones[i].radius == b.zones[i].radius);
    CHECK(a.zones[i].half_size == b.zones[i].half_size);
  }
  require_same_stroke(a.motion, b.motion);
  REQUIRE(a.following.size() == b.following.size());
  for (std::size_t i = 0; i < a.following.size(); ++i) require_same_stroke(a.following[i], b.following[i]);
  CHECK(a.solver.method == b.solver.method);
  CHECK(a.solver.integration == b.solver.integration);
  CHECK(a.solver.time_step == b.solver.time_step);
  CHECK(a.solver.duration == b.solver.duration);
  CHECK(a.solver.gravity == b.solver.gravity);
  CHECK(a.solver.max_newton_iterations == b.solver.max_newton_iterations);
  CHECK(a.solver.newton_tolerance == b.solver.newton_tolerance);
  CHECK(a.solver.max_cg_iterations == b.solver.max_cg_iterations);
  CHECK(a.solver.cg_tolerance == b.solver.cg_tolerance);
  CHECK(a.solver.preconditioner == b.solver.preconditioner);
  CHECK(a.solver.contact_stiffness_scale == b.solver.contact_stiffness_scale);
  CHECK(a.solver.friction_velocity == b.solver.friction_velocity);
  CHECK(a.solver.friction_passes == b.solver.friction_passes);
  CHECK(a.solver.friction_lag_tolerance == b.solver.friction_lag_tolerance);
  CHECK(a.solver.cycle_jump == b.solver.cycle_jump);
  CHECK(a.solver.cycle_jump_tolerance == b.solver.cycle_jump_tolerance);
  CHECK(a.solver.max_jumped_cycles == b.solver.max_jumped_cycles);
  CHECK(a.solver.solved_periods == b.solver.solved_periods);
  CHECK(a.solver.mass_damping == b.solver.mass_damping);
  CHECK(a.solver.explicit_safety == b.solver.explicit_safety);
  CHECK(a.solver.bullet_time_step == b.solver.bullet_time_step);
  CHECK(a.solver.bullet_damping == b.solver.bullet_damping);
  CHECK(a.output.interval == b.output.interval);
  CHECK(a.physiology.tone == b.physiology.tone);
  CHECK(a.physiology.circulation == b.physiology.circulation);
  const ToneParams& ta = a.physiology.tone_law;
  const ToneParams& tb = b.physiology.tone_law;
  CHECK(ta.relaxation_rate == tb.relaxation_rate);
  CHECK(ta.half_stimulus == tb.half_stimulus);
  CHECK(ta.hill_exponent == tb.hill_exponent);
  CHECK(ta.recovery_time == tb.recovery_time);
  CHECK(ta.pain_pressure == tb.pain_pressure);
  CHECK(ta.guarding_rate == tb.guarding_rate);
  CHECK(ta.guarding_width == tb.guarding_width);
  CHECK(ta.min_activation == tb.min_activation);
  CHECK(ta.max_activation == tb.max_activation);
  CHECK(a.run.threads == b.run.threads);
  CHECK(a.run.seed == b.run.seed);
}

}  // namespace backsim::test
