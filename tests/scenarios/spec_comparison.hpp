// Field-by-field comparison of two SimulationSpecs, exact (==), so that a failure
// names the field that differs.
#pragma once

#include "engine/sim/simulation_spec.hpp"

#include <catch2/catch.hpp>

namespace backsim::test {

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
  CHECK(a.motion.control == b.motion.control);
  CHECK(a.motion.path == b.motion.path);
  CHECK(a.motion.press_depth == b.motion.press_depth);
  CHECK(a.motion.normal_force == b.motion.normal_force);
  CHECK(a.motion.max_depth == b.motion.max_depth);
  CHECK(a.motion.press_time == b.motion.press_time);
  CHECK(a.motion.hold_time == b.motion.hold_time);
  CHECK(a.motion.speed == b.motion.speed);
  CHECK(a.motion.start_time == b.motion.start_time);
  CHECK(a.motion.release_time == b.motion.release_time);
  CHECK(a.motion.lift_height == b.motion.lift_height);
  CHECK(a.motion.repetitions == b.motion.repetitions);
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
  CHECK(a.solver.cycle_jump == b.solver.cycle_jump);
  CHECK(a.solver.cycle_jump_tolerance == b.solver.cycle_jump_tolerance);
  CHECK(a.solver.max_jumped_cycles == b.solver.max_jumped_cycles);
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
