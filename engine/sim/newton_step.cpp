// solver.method = newton: the step's incremental potential minimised by projected
// Newton-PCG, with friction re-lagged from the solution until the normal forces settle.
#include "engine/sim/method_steps.hpp"
#include "engine/sim/newton.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/step_phases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

// How far a re-lag moved the normal forces: the summed change over the points
// against the larger total. The change of the total alone misses a contact patch
// that shifts under a circling thumb (points lose force at its trailing edge as
// points at its leading edge gain it).
double lag_change(const Scratch& w) {
  double change = 0, before = 0, after = 0;
  for (std::size_t k = 0; k < w.friction_normal_force.size(); ++k) {
    change += std::abs(w.friction_normal_force[k] - w.friction_normal_before[k]);
    before += w.friction_normal_before[k];
    after += w.friction_normal_force[k];
  }
  return change / std::max({before, after, 1e-300});
}

}  // namespace

StepStats newton_step(const Model& m, State& state, Scratch& w, double dt, const double* guess) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Index dofs = m.dof_count();
  const Index tool = m.tool_dof();
  const StepProblem p = begin_step(m, state, w, dt, m.solver.integration == TimeIntegration::backward_euler);

  // A step's result must depend only on its start state and dt (retries, resumed
  // runs): no preconditioner factor is carried over from an earlier step.
  w.cholesky.valid = false;
  w.two_level.coarse_valid = false;

  // predict: the inertial target q_n + h v_n; the warm start is the best of up to
  // three guesses by the potential Newton minimises (held dofs and, in kinematic
  // control, the tool depth at their new targets in each): the start state
  // extrapolated along the last step's velocity, the start state itself, and the
  // caller's guess (the same step of the stroke's last resolved cycle,
  // cycle_path.hpp). Extrapolation wins where the tool's path drives the tissue
  // (kinematic glides); under a force-controlled hand it overshoots (the depth's
  // velocity at the press is large) and cost Newton 3-4 extra iterations from a
  // residual of 1e4 N. One force-controlled palm stroke on the standard back: 217
  // Newton iterations with extrapolation always, 178 with the better of the two.
  // The first friction lag (the contact state at the start of the step, the tool
  // where it was) comes first: the energies that choose the warm start include
  // friction, and must not read the lag a previous step left in the scratch (a
  // resumed run starts without it).
  lag_friction(p, w.q_start, state.tool_position, w);
  const DepthPlan plan = m.motion.depth_plan(p.targets.time);
  for (Index i = 0; i < dofs; ++i) w.q_inertial[i] = state.q[i] + dt * state.velocity[i];
  for (Index i = 0; i < dofs; ++i) state.q[i] = w.q_start[i] + w.dof_free[i] * dt * state.velocity[i];
  if (!plan.free) state.q[tool] = plan.depth + plan.release_weight * state.tool_release_depth;
  EnergyResult best = evaluate_energy(p, state.q, w);
  // a candidate in q_trial replaces the best when it is uninverted and lower (or the
  // best inverts); the start state never inverts, so an uninverted start is found
  const auto consider = [&] {
    const EnergyResult e = evaluate_energy(p, w.q_trial, w);
    if (!(e.min_volume_ratio > 0)) return false;
    if (best.min_volume_ratio > 0 && !(e.energy < best.energy)) return false;
    std::copy(w.q_trial.begin(), w.q_trial.begin() + dofs, state.q.begin());
    best = e;
    return true;
  };
  // q_trial's held dofs are state.q's: the targets of this step
  for (Index i = 0; i < dofs; ++i) w.q_trial[i] = w.q_start[i] * w.dof_free[i] + (1 - w.dof_free[i]) * state.q[i];
  consider();
  if (guess != nullptr) {
    for (Index i = 0; i < dofs; ++i) w.q_trial[i] = guess[i] * w.dof_free[i] + (1 - w.dof_free[i]) * state.q[i];
    // the guess is the end of this very step a cycle ago: friction lagged from there
    // is nearer the solution's than the start state's (a thumb circling under 10 N on
    // the standard back: the lag from the start missed the solution's total normal
    // force by 0.1-4.1 % over five steps, and most steps took a second pass; from
    // the guess by 1e-4 at most, one pass)
    if (consider()) lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);
  }

  // minimise, re-lagging friction from the solution until the normal forces settle
  SolveReport total;
  total.solved_at_end = true;  // minimise leaves the gradient of its last point
  bool exact = false;  // a re-lag's solve starts where the last one converged
  for (int pass = 0;; ++pass) {
    const NewtonReport r = minimise(p, state.q, w, exact);
    exact = r.ended_exact;
    total.iterations += r.iterations;
    total.cg_iterations += r.cg_iterations;
    total.residual = r.residual;
    total.energy = r.energy;
    total.min_line_search = std::min(total.min_line_search, r.min_line_search);
    total.min_volume_ratio = r.min_volume_ratio;
    if (!r.converged) fail_step(state, w, dt, r.failure, "try a smaller solver.time_step or a coarser solver.newton_tolerance");
    // the reaction of the solved problem, with the friction lag it was solved with
    total.reaction = tool_reaction(p, state.q, w);
    if (p.targets.tool_spec->friction == 0 || pass + 1 >= m.solver.friction_passes) break;
    std::copy(w.friction_normal_force.begin(), w.friction_normal_force.end(), w.friction_normal_before.begin());
    lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);
    if (lag_change(w) <= m.solver.friction_lag_tolerance) break;
  }
  return finish_step(p, state, w, total, /*velocity_from_positions=*/true, wall_start);
}

}  // namespace backsim
