// solver.method = bullet: one step of Bullet's deformable world.
//
//   begin_step                           targets, w.q_start (shared with every method)
//   copy the State's nodes into Bullet   the result depends on the State alone
//   n equal sub-steps <= bullet_time_step, the tool moved to its place at each sub-step's end
//   copy Bullet's nodes back             positions and velocities
//   Bullet's reaction on the tool        from the contact nodes' momentum balance
//   finish_step                          checks, work, zones, tissue, record
//
// The tool's force in StepStats is Bullet's own: the momentum balance of the nodes
// Bullet held on the tool in the last sub-step (BulletWorld::step). The other methods'
// force, backsim's penalty contact evaluated at the end state, would measure how far
// Bullet lets the skin into the tool instead: Bullet's node contact goes through a
// sparse signed-distance grid (btSparseSdf, 0.25 m voxels by default) whose
// interpolation lets skin points 0.3 mm into a 1 cm sphere, and the penalty turns that
// into 15 times the force (tests/engine/test_bullet_backend.cpp). Zone loads, contact
// points and the penetration record stay the penalty's (where the skin touches).
#include "engine/bullet/bullet_world.hpp"
#include "engine/contact/bullet_tool_shape.hpp"
#include "engine/core/error.hpp"
#include "engine/sim/method_steps.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/step_phases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace backsim {

namespace {

// The tool depth of a prescribed (kinematic) tool at time t.
double prescribed_depth(const Model& m, const State& state, double t) {
  const DepthPlan plan = m.motion.depth_plan(t);
  return plan.depth + plan.release_weight * state.tool_release_depth;
}

bool finite(std::span<const double> values) {
  for (const double v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

StepStats bullet_step(const Model& m, State& state, Scratch& w, double dt) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Index tool = m.tool_dof();
  const StepProblem p = begin_step(m, state, w, dt, /*dynamic=*/false);
  if (w.dof_free[tool] > 0) {
    fail_step(state, w, dt, "the tool is force-controlled; Bullet's kinematic tool follows a prescribed depth only",
              "use motion.control = \"kinematic\" with solver.method = \"bullet\"");
  }

  // equal sub-steps no longer than solver.bullet_time_step; the world is built once
  // (its drag depends on the sub-step, so a different length rebuilds it)
  const int substeps = std::max(1, static_cast<int>(std::ceil(dt / m.solver.bullet_time_step * (1 - 1e-12))));
  const double h = dt / substeps;
  if (!w.bullet || w.bullet->sub_step() != h) w.bullet = std::make_shared<BulletWorld>(m, h);
  BulletWorld& world = *w.bullet;

  // the start's velocities, to restore on failure (fail_step restores positions only);
  // q_inertial is Newton's and free here
  std::copy(state.velocity.begin(), state.velocity.end(), w.q_inertial.begin());
  const auto fail = [&](const std::string& what, const char* advice) {
    std::copy(w.q_inertial.begin(), w.q_inertial.end(), state.velocity.begin());
    fail_step(state, w, dt, what, advice);
  };

  const double start_time = state.time;
  const Vec3 tool_start = state.tool_position;
  const ToolGeometry& shape = *p.targets.tool;
  world.set_nodes(state.q, state.velocity);
  world.place_tool(bullet_tool_transform(shape, tool_start));
  Vec3 contact_force = Vec3::Zero();
  for (int n = 1; n <= substeps; ++n) {
    const StepTargets at = targets_at(m, start_time, tool_start, n * h);
    const double depth = prescribed_depth(m, state, start_time + n * h);
    contact_force = world.step(h, bullet_tool_transform(shape, tool_position(at, depth)), n == substeps);
  }
  world.get_nodes(state.q, state.velocity);
  if (!finite(state.q) || !finite(state.velocity)) {
    fail(fmt::format("Bullet's solution is not finite after {} sub-steps of {:.3g} s", substeps, h),
         "lower solver.bullet_time_step (1/480 s ran stable at 20k tets), or add solver.bullet_damping");
  }
  state.q[tool] = prescribed_depth(m, state, p.targets.time);
  state.velocity[tool] = (state.q[tool] - w.q_start[tool]) / dt;
  world.record_step_contact_force(contact_force);

  SolveReport report;
  report.substeps = substeps;
  report.iterations = substeps;
  // Bullet drops the iteration count its CG returns (btDeformableBodySolver::computeStep):
  // cg_iterations stays 0 for this method

  // the step's friction as the slow processes and the tool's reaction see it (as in
  // explicit_step.cpp): the normal forces at the end, the slip over the whole step
  lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);

  // The end state's gradient and checks as finish_step would evaluate them, but the
  // tool's force is Bullet's own (see the file comment): the penalty's contact points
  // and zone loads are kept, they say where the skin touches the tool.
  const EnergyResult end = evaluate_gradient(p, state.q, w);
  report.solved_at_end = true;
  report.min_volume_ratio = end.min_volume_ratio;
  report.energy = end.energy;
  report.reaction = tool_reaction(p, state.q, w);
  report.reaction.force = contact_force;
  try {
    return finish_step(p, state, w, report, /*velocity_from_positions=*/false, wall_start);
  } catch (const SolverFailure&) {
    // an element inverted: finish_step restored the positions, the velocities are ours to restore
    std::copy(w.q_inertial.begin(), w.q_inertial.end(), state.velocity.begin());
    throw;
  }
}

}  // namespace backsim
