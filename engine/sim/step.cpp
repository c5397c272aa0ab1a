#include "engine/sim/step.hpp"

#include "engine/contact/tool_rest_height.hpp"
#include "engine/core/error.hpp"
#include "engine/sim/newton.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/tissue_update.hpp"
#include "engine/sim/zone_load.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace backsim {

namespace {

// How many times friction is re-lagged from the step's own solution, and the
// relative change of the total normal force below which that is not needed.
constexpr int kFrictionPasses = 2;
constexpr double kFrictionLagTolerance = 1e-2;


double total_normal_force(const Scratch& w) {
  double sum = 0;
  for (double f : w.friction_normal_force) sum += f;
  return sum;
}

[[noreturn]] void fail(const State& s, double dt, const std::string& what, const char* advice) {
  throw SolverFailure(fmt::format("step {} (t = {:.6g} s -> {:.6g} s): {}; {}", s.step + 1, s.time,
                                  s.time + dt, what, advice));
}

}  // namespace

StepTargets targets_at(const Model& m, const State& s, double dt) {
  StepTargets t;
  t.time = s.time + dt;
  t.dt = dt;
  t.tool_xy = m.motion.surface_point(t.time);
  const auto tool = static_cast<std::size_t>(m.motion.tool(t.time));
  t.tool = &m.tools[tool];
  t.tool_spec = &m.tool_specs[tool];
  t.tool_rest_height = tool_rest_height(*t.tool, t.tool_xy, m.rest_surface_points);
  t.stroke = &m.motion.stroke_spec(t.time);
  t.force_target = t.stroke->control == ToolControl::force ? m.motion.normal_force(t.time) : 0.0;
  t.tool_position_start = s.tool_position;
  return t;
}

StepStats step(const Model& m, State& state, Scratch& w, double dt) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Index dofs = m.dof_count();
  const Index tool = m.tool_dof();

  // targets for the end of the step: tool path point, depth or force
  StepProblem p;
  p.model = &m;
  p.targets = targets_at(m, state, dt);
  p.dynamic = m.solver.integration == TimeIntegration::backward_euler;
  p.h = dt;
  p.activation = state.tissue.activation;
  prepare_tissue_step(m, state, dt, w);

  // A step's result must depend only on its start state and dt (retries, resumed
  // runs): no preconditioner factor is carried over from an earlier step.
  w.cholesky.valid = false;

  // remember the start of the step (slip reference, inertia, retry)
  std::copy(state.q.begin(), state.q.end(), w.q_start.begin());
  record_contact_start(m, state.q, w);

  // the tool depth: solved for, or prescribed (kinematic control; a force-controlled
  // tool while it is lowered, lifted or carried)
  const DepthPlan plan = m.motion.depth_plan(p.targets.time);
  w.dof_free[tool] = plan.free ? m.dof_free[tool] : 0.0;

  // predict: inertial target q_n + h v_n, and a warm start extrapolated along the
  // last step's velocity (the tool depth is prescribed in kinematic control)
  for (Index i = 0; i < dofs; ++i) w.q_inertial[i] = state.q[i] + dt * state.velocity[i];
  for (Index i = 0; i < dofs; ++i) state.q[i] = w.q_start[i] + w.dof_free[i] * dt * state.velocity[i];
  if (!plan.free) state.q[tool] = plan.depth + plan.release_weight * state.tool_release_depth;
  if (!(evaluate_energy(p, state.q, w).min_volume_ratio > 0)) {  // extrapolation inverted a tet
    for (Index i = 0; i < dofs; ++i) state.q[i] = w.q_start[i] * w.dof_free[i] + (1 - w.dof_free[i]) * state.q[i];
  }

  // minimise, re-lagging friction from the solution until the normal forces settle
  // the first lag: the contact state at the start of the step, the tool where it was
  lag_friction(p, w.q_start, state.tool_position, w);
  NewtonReport total;
  total.min_line_search = 1;
  ToolReaction reaction;
  for (int pass = 0;; ++pass) {
    const NewtonReport r = minimise(p, state.q, w);
    total.iterations += r.iterations;
    total.cg_iterations += r.cg_iterations;
    total.residual = r.residual;
    total.energy = r.energy;
    total.min_line_search = std::min(total.min_line_search, r.min_line_search);
    total.min_volume_ratio = r.min_volume_ratio;
    if (!r.converged) {
      std::copy(w.q_start.begin(), w.q_start.end(), state.q.begin());
      fail(state, dt, r.failure, "try a smaller solver.time_step or a coarser solver.newton_tolerance");
    }
    // the reaction of the solved problem, with the friction lag it was solved with
    reaction = tool_reaction(p, state.q, w);
    if (p.targets.tool_spec->friction == 0 || pass + 1 == kFrictionPasses) break;
    const double before = total_normal_force(w);
    lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);
    const double after = total_normal_force(w);
    if (std::abs(after - before) <= kFrictionLagTolerance * std::max(after, before)) break;
  }

  // checks: an inverted element is a failure even where the energy stays finite
  if (!(total.min_volume_ratio > 0)) {
    std::copy(w.q_start.begin(), w.q_start.end(), state.q.begin());
    fail(state, dt, fmt::format("an element inverted (smallest det F = {:.3e})", total.min_volume_ratio),
         "the tool is pressing too deep for this mesh: reduce the depth or force, or refine the mesh");
  }

  // velocities, time, tool reaction and the work the tool did
  for (Index i = 0; i < dofs; ++i) state.velocity[i] = (state.q[i] - w.q_start[i]) / dt;
  state.time = p.targets.time;
  state.step += 1;
  const Vec3 tool_end = tool_position(p.targets, state.q[tool]);
  const double work = -0.5 * (state.tool_force + reaction.force).dot(tool_end - state.tool_position);
  state.totals.net_work += work;
  state.totals.therapist_work += std::max(work, 0.0);
  state.tool_position = tool_end;
  state.tool_force = reaction.force;
  if (w.dof_free[tool] > 0) state.tool_release_depth = state.q[tool];
  accumulate_zone_loads(m, w, dt, state.totals.zones);

  // the tissue's slow processes, with the step's solution
  compute_friction_power(p, state.q, w);
  advance_tissue(p, state, w);

  StepStats st;
  st.time = state.time;
  st.dt = dt;
  st.newton_iterations = total.iterations;
  st.cg_iterations = total.cg_iterations;
  st.residual = total.residual;
  st.energy = total.energy;
  st.min_line_search = total.min_line_search;
  st.min_volume_ratio = total.min_volume_ratio;
  st.active_contacts = reaction.active_points;
  st.max_penetration = reaction.max_penetration;
  st.tool_position = state.tool_position;
  st.tool_force = reaction.force;
  st.tool_depth = state.q[tool];
  st.target_force = p.targets.force_target;
  st.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return st;
}

}  // namespace backsim
