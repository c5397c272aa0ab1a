// solver.method = explicit: central differences (explicit dynamics) with lumped
// masses, in equal sub-steps below the stable time step, for impacts such as
// tapotement. Per sub-step of length h, with f the forces of the step potential
// (elastic, gravity, contact penalty, the tool's force) at x_n and the tool where it
// is at t_n, and mass-proportional damping alpha:
//
//   v_{n+1/2} = ((1 - alpha h / 2) v_{n-1/2} + h M^-1 f(x_n)) / (1 + alpha h / 2)
//   then Coulomb friction as impulses at the contact points (below)
//   x_{n+1}   = x_n + h v_{n+1/2}
//
// Friction: the regularised friction of the implicit potential is a damper of
// mu lambda / v_eps per point, far stiffer than the elastic forces, and would force
// microsecond sub-steps. Instead each pressing point gets the impulse that stops
// its tangential slip relative to the tool, capped at mu N h (Coulomb): stick or
// slide, stable for any h. Points are visited in index order (deterministic).
#include "engine/sim/method_steps.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/stable_time_step.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/step_phases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

// The tool depth a prescribed (not free) tool has at time t.
double prescribed_depth(const Model& m, const State& state, double t) {
  const DepthPlan plan = m.motion.depth_plan(t);
  return plan.depth + plan.release_weight * state.tool_release_depth;
}

// Coulomb friction impulses at the pressing contact points (see the file comment).
// `tool_velocity`: of the tool surface over the sub-step.
void apply_friction_impulses(const StepProblem& sub, std::span<double> v, const Vec3& tool_velocity, Scratch& w) {
  const Model& m = *sub.model;
  const double mu = sub.targets.tool_spec->friction;
  if (mu == 0) return;
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const double phi = w.contact_phi[k];
    if (!(phi < 0)) continue;
    const double normal_impulse = m.contact_stiffness[k] * m.contact.area[k] * (-phi) * sub.h;
    const Tri& tri = m.surface.tris[m.contact.tri[k]];
    const Vec3& b = m.contact.barycentric[k];
    Vec3 vk = Vec3::Zero();
    double inverse_mass = 0;  // of the point: sum b_a^2 / m_a over its free nodes
    for (int a = 0; a < 3; ++a) {
      vk += b(a) * Vec3(v[3 * tri[a]], v[3 * tri[a] + 1], v[3 * tri[a] + 2]);
      if (w.dof_free[3 * tri[a]] > 0) inverse_mass += b(a) * b(a) / m.node_mass[tri[a]];
    }
    if (inverse_mass == 0) continue;
    const Vec3& n = w.contact_normal[k];
    Vec3 slip = vk - tool_velocity;
    slip -= slip.dot(n) * n;
    const double speed = slip.norm();
    if (speed == 0) continue;
    // the impulse that stops the slip, or Coulomb's limit
    const double stop = speed / inverse_mass;
    const Vec3 impulse = -std::min(stop, mu * normal_impulse) / speed * slip;
    for (int a = 0; a < 3; ++a) {
      const Index i = tri[a];
      for (int c = 0; c < 3; ++c) v[3 * i + c] += w.dof_free[3 * i + c] * b(a) * impulse(c) / m.node_mass[i];
    }
  }
}

}  // namespace

StepStats explicit_step(const Model& m, State& state, Scratch& w, double dt) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Index tool = m.tool_dof();
  const StepProblem p = begin_step(m, state, w, dt, /*dynamic=*/false);
  const bool tool_free = w.dof_free[tool] > 0;
  const double start_time = state.time;
  const Vec3 tool_start = state.tool_position;
  std::span<double> v(state.velocity);

  // no lagged (implicit) friction in the forces: friction acts as impulses
  std::fill(w.friction_normal_force.begin(), w.friction_normal_force.end(), 0.0);

  // equal sub-steps below the stable step, from the bound at the step's start
  if (!tool_free) state.q[tool] = prescribed_depth(m, state, start_time);
  StepProblem sub = p;
  sub.targets = targets_at(m, start_time, tool_start, 0.0);
  // contact points the tool could reach in this step: its travel, the tissue's own
  // motion at its fastest, and an element's length of margin
  double fastest = 0;
  for (Index i = 0; i < 3 * m.node_count(); ++i) fastest = std::max(fastest, std::abs(v[i]));
  const double travel = (tool_position(p.targets, tool_free ? state.q[tool] + dt * v[tool]
                                                            : prescribed_depth(m, state, start_time + dt)) -
                         tool_position(sub.targets, state.q[tool])).norm();
  const double reach = travel + 2 * dt * fastest + m.mean_edge_length;
  const double omega2 = max_frequency_squared_bound(sub, state.q, w, reach);
  const double stable = 2.0 / std::sqrt(omega2);
  const int substeps = std::max(1, static_cast<int>(std::ceil(dt / (m.solver.explicit_safety * stable))));
  const double h = dt / substeps;
  const double alpha = m.solver.mass_damping;
  const double keep = (1 - 0.5 * alpha * h) / (1 + 0.5 * alpha * h);
  const double push = h / (1 + 0.5 * alpha * h);
  const double tool_mass = p.targets.tool_spec->mass;
  const double tool_keep = (1 - 0.5 * p.targets.tool_spec->damping * h / tool_mass) /
                           (1 + 0.5 * p.targets.tool_spec->damping * h / tool_mass);
  const double tool_push = h / tool_mass / (1 + 0.5 * p.targets.tool_spec->damping * h / tool_mass);

  SolveReport report;
  report.substeps = substeps;
  report.iterations = substeps;
  double residual = 0;
  for (int n = 0; n < substeps; ++n) {
    const double t_n = start_time + n * h;
    // the tool at t_n (forces), and where its surface goes over the sub-step (friction)
    sub.targets = targets_at(m, start_time, tool_start, n * h);
    sub.h = h;
    if (!tool_free) state.q[tool] = prescribed_depth(m, state, t_n);
    const EnergyResult e = evaluate_gradient(sub, state.q, w);
    if (!(e.min_volume_ratio > 0) || !std::isfinite(e.energy)) {
      fail_step(state, w, dt,
                fmt::format("sub-step {} of {}: an element inverted (smallest det F = {:.3e})", n + 1, substeps,
                            e.min_volume_ratio),
                "lower solver.explicit_safety, add solver.mass_damping, or reduce the tool's depth or force");
    }
    report.energy = e.energy;
    report.min_volume_ratio = e.min_volume_ratio;
    residual = 0;
    for (Index i = 0; i < 3 * m.node_count(); ++i) {
      const double f = -w.gradient[i] * w.dof_free[i];
      residual = std::max(residual, std::abs(f));
      v[i] = w.dof_free[i] * (keep * v[i] + push * f / m.node_mass[i / 3]);
    }
    const StepTargets next = targets_at(m, start_time, tool_start, (n + 1) * h);
    const double depth_next = tool_free ? state.q[tool] : prescribed_depth(m, state, t_n + h);
    if (tool_free) v[tool] = tool_keep * v[tool] - tool_push * w.gradient[tool];
    const Vec3 tool_velocity =
        (tool_position(next, tool_free ? state.q[tool] + h * v[tool] : depth_next) -
         tool_position(sub.targets, state.q[tool])) / h;
    apply_friction_impulses(sub, v, tool_velocity, w);
    for (Index i = 0; i < 3 * m.node_count(); ++i) state.q[i] += h * v[i];
    if (tool_free) {
      state.q[tool] += h * v[tool];
    } else {
      v[tool] = (depth_next - state.q[tool]) / h;
      state.q[tool] = depth_next;
    }
  }
  report.residual = residual;

  // the step's friction as the slow processes and the tool's reaction see it: the
  // normal forces at the end, the slip over the whole step (finish_step)
  lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);
  return finish_step(p, state, w, report, /*velocity_from_positions=*/false, wall_start);
}

}  // namespace backsim
