#include "engine/sim/step_phases.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/tissue_update.hpp"
#include "engine/sim/zone_load.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace backsim {

void fail_step(State& s, const Scratch& w, double dt, const std::string& what, const char* advice) {
  std::copy(w.q_start.begin(), w.q_start.end(), s.q.begin());
  throw SolverFailure(fmt::format("step {} (t = {:.6g} s -> {:.6g} s): {}; {}", s.step + 1, s.time,
                                  s.time + dt, what, advice));
}

StepProblem begin_step(const Model& m, const State& state, Scratch& w, double dt, bool dynamic) {
  StepProblem p;
  p.model = &m;
  p.targets = targets_at(m, state, dt);
  p.dynamic = dynamic;
  p.h = dt;
  p.activation = state.tissue.activation;
  prepare_tissue_step(m, state, dt, w);

  // remember the start of the step (slip reference, inertia, retry)
  std::copy(state.q.begin(), state.q.end(), w.q_start.begin());
  record_contact_start(m, state.q, w);

  // the tool depth: solved for, or prescribed (kinematic control; a force-controlled
  // tool while it is lowered, lifted or carried)
  const DepthPlan plan = m.motion.depth_plan(p.targets.time);
  w.dof_free[m.tool_dof()] = plan.free ? m.dof_free[m.tool_dof()] : 0.0;
  return p;
}

StepStats finish_step(const StepProblem& p, State& state, Scratch& w, const SolveReport& solve,
                      bool velocity_from_positions, std::chrono::steady_clock::time_point wall_start) {
  const Model& m = *p.model;
  const Index dofs = m.dof_count();
  const Index tool = m.tool_dof();
  const double dt = p.h;

  // checks: an inverted element is a failure even where the energy stays finite
  const double min_volume_ratio =
      solve.solved_at_end ? solve.min_volume_ratio : evaluate_gradient(p, state.q, w).min_volume_ratio;
  if (!(min_volume_ratio > 0)) {
    fail_step(state, w, dt, fmt::format("an element inverted (smallest det F = {:.3e})", min_volume_ratio),
              "the tool is pressing too deep for this mesh: reduce the depth or force, or refine the mesh");
  }
  const ToolReaction reaction = solve.solved_at_end ? solve.reaction : tool_reaction(p, state.q, w);

  // velocities, time, tool reaction and the work the tool did
  if (velocity_from_positions) {
    for (Index i = 0; i < dofs; ++i) state.velocity[i] = (state.q[i] - w.q_start[i]) / dt;
  }
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
  st.newton_iterations = solve.iterations;
  st.cg_iterations = solve.cg_iterations;
  st.substeps = solve.substeps;
  st.residual = solve.residual;
  st.energy = solve.energy;
  st.min_line_search = solve.min_line_search;
  st.min_volume_ratio = min_volume_ratio;
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
