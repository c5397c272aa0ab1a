// solver.method = xpbd: extended position-based dynamics (Macklin, Mueller,
// Chentanez 2016) with the stable Neo-Hookean constraints of Macklin and Mueller
// 2021 (xpbd_tet_constraint.hpp) and contact and friction as constraints inside the
// solve (xpbd_contact.hpp). A step of dt is xpbd_substeps sub-steps of h (more if h
// would exceed XpbdScratch::longest_substep); each
//
//   x_start = x;  x = x + h v + h^2 g (free coordinates)      prediction
//   l = 0 for every constraint                                 multipliers restart
//   repeat xpbd_iterations times:                              Gauss-Seidel sweeps
//     every tet, colour by colour (coupled 2x2 projection)
//     every contact point near the tool, in index order
//   v = (x - x_start) / h / (1 + alpha h)                      velocity, mass damping
//
// As the sweeps converge, x tends to the point where every constraint holds with its
// compliance (C + a~ l = 0) - the backward-Euler step of the same potential Newton
// minimises, up to the change of the constraint gradients within the sub-step
// (docs/solvers.md, "XPBD": known limits).
//
// Parallel scheme: one OpenMP region per sub-step; inside it the prediction and the
// velocity are split by coordinate, every sweep runs the tet colours in order with an
// `omp for` each (no two tets of a colour share a node, so a colour's projections
// commute and the result does not depend on the thread count), then the contact
// points run on one thread (`omp single`), in index order (xpbd_contact.hpp says why).
#include "engine/sim/method_steps.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/step_phases.hpp"
#include "engine/sim/xpbd_contact.hpp"
#include "engine/sim/xpbd_sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace backsim {

namespace {

// The tool depth a prescribed tool has at time t (as in explicit_step.cpp).
double prescribed_depth(const Model& m, const State& state, double t) {
  const DepthPlan plan = m.motion.depth_plan(t);
  return plan.depth + plan.release_weight * state.tool_release_depth;
}

}  // namespace

StepStats xpbd_step(const Model& m, State& state, Scratch& w, double dt) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Index tool = m.tool_dof();
  const Index nodes = m.node_count();
  const StepProblem p = begin_step(m, state, w, dt, /*dynamic=*/false);
  XpbdScratch& x = w.xpbd;
  const double start_time = state.time;
  const Vec3 tool_start = state.tool_position;
  // at least the sub-steps asked for, and none longer than a shear wave's crossing of an element
  const int substeps = std::max(m.solver.xpbd_substeps, static_cast<int>(std::ceil(dt / x.longest_substep * (1 - 1e-12))));
  const int iterations = m.solver.xpbd_iterations;
  const double h = dt / substeps;
  const double keep = 1.0 / (1.0 + m.solver.mass_damping * h);
  const Vec3 g = m.solver.gravity;
  std::span<double> q(state.q);
  std::span<double> v(state.velocity);
  set_xpbd_region_constants(w.step_matrix, h, x);

  // no lagged (implicit) friction in the forces: friction acts inside the solve
  std::fill(w.friction_normal_force.begin(), w.friction_normal_force.end(), 0.0);
  q[tool] = prescribed_depth(m, state, start_time);

  for (int n = 0; n < substeps; ++n) {
    // the tool: kinematic, where it is at the sub-step's end, and how far it went
    const StepTargets now = targets_at(m, start_time, tool_start, n * h);
    const StepTargets next = targets_at(m, start_time, tool_start, (n + 1) * h);
    const double depth_next = prescribed_depth(m, state, start_time + (n + 1) * h);
    XpbdTool t;
    t.shape = next.tool;
    t.position = tool_position(next, depth_next);
    t.displacement = t.position - tool_position(now, q[tool]);
    t.friction = next.tool_spec->friction;
    t.h = h;

    // everything of a sub-step in one parallel region: its loops split the
    // coordinates, tet batches and contact distances between the threads, and each
    // loop's barrier orders it after the one before
    const Index slots = static_cast<Index>(x.lambda_deviatoric.size());
#pragma omp parallel
    {
      // prediction: inertia and gravity on the free coordinates, written into the
      // sweeps' node records (load_xpbd_positions's copy, fused with the prediction)
#pragma omp for schedule(static)
      for (Index i = 0; i < nodes; ++i)
        for (Index c = 0; c < 3; ++c) {
          const Index k = 3 * i + c;
          x.q_substep_start[k] = q[k];
          x.node_position[4 * i + c] = q[k] + w.dof_free[k] * (h * v[k] + h * h * g(static_cast<int>(c)));
        }
#pragma omp for schedule(static)
      for (Index k = 0; k < slots; ++k) x.lambda_deviatoric[k] = x.lambda_volume[k] = 0.0;
      // a point more than an element edge from the tool is taken not to reach it within
      // the sub-step (a scale of the mesh, not an absolute distance)
      begin_xpbd_contacts(m, t, m.mean_edge_length, x);
      for (int it = 0; it < iterations; ++it) {
        sweep_tets(x);
#pragma omp single
        project_xpbd_contacts(m, t, x);
      }
      // (the last loop's barrier: every projection is done) the records back into the
      // state (store_xpbd_positions's copy, fused with the velocity)
#pragma omp for schedule(static)
      for (Index i = 0; i < nodes; ++i)
        for (Index c = 0; c < 3; ++c) {
          const Index k = 3 * i + c;
          q[k] = x.node_position[4 * i + c];
          v[k] = keep * (q[k] - x.q_substep_start[k]) / h;
        }
    }
    v[tool] = (depth_next - q[tool]) / h;
    q[tool] = depth_next;
  }

  SolveReport report;
  report.substeps = substeps;
  report.iterations = substeps * iterations;
  // the step's friction as the slow processes and the tool's reaction see it (as
  // explicit_step.cpp): normal forces at the end, the slip over the whole step
  lag_friction(p, state.q, tool_position(p.targets, state.q[tool]), w);
  return finish_step(p, state, w, report, /*velocity_from_positions=*/false, wall_start);
}

}  // namespace backsim
