#include "engine/sim/newton.hpp"

#include "engine/core/parallel.hpp"
#include "engine/sim/preconditioner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim {

namespace {

// Largest fall of the smallest volume ratio det F in one Newton iteration (a factor).
constexpr double kMaxVolumeShrink = 0.1;

// Share of the out-of-contact tool regularisation kept once the tool touches
// (regularised_tool_diagonal): it costs Newton a linear rate of about
// kToolStiffnessFloor * delta / S, about 1e-3 for a palm on the back (S ~ delta).
constexpr double kToolStiffnessFloor = 1e-3;

// Share of the Newton tolerance left to the linear solve's residual: CG need not
// solve K d = -g more accurately than the next Newton residual must be, since that
// residual is CG's residual plus a term quadratic in d. Without this floor the last
// Newton iteration of a palm step on the standard back took ~1000 CG iterations to
// reach a relative 1e-8 that the tolerance did not ask for (one force-controlled
// effleurage stroke: 47k CG iterations, now 36k, same Newton iterations).
constexpr double kLinearResidualShare = 0.2;

// Max-norm of the gradient over the free dofs.
double free_residual(const Model& m, const Scratch& w, std::span<const double> g) {
  double r = 0;
  const Index n = m.dof_count();
#pragma omp parallel for schedule(static) reduction(max : r)
  for (Index i = 0; i < n; ++i) r = std::max(r, w.dof_free[i] * std::abs(g[i]));
  return r;
}

// The tool depth's Hessian entry. In quasi-static force control a tool out of
// contact has no stiffness at all, so delta (one element's stiffness, E h) stands in
// for it, in the Hessian only, never in the energy; the Newton step of the depth is
// capped at one element anyway (minimise). Once the tool touches, the exact entry k
// is used, plus kToolStiffnessFloor delta so that a barely touching tool still gives
// a definite system. Not a fading delta^2 / (delta + k): what Newton's depth step
// feels is the Schur complement S = k - c^T A^-1 c (the tool pushing tissue that
// yields), often far below k, and a perturbation d of the entry slows Newton to a
// linear rate d / (S + d). With the fading delta that rate was 0.45 per iteration
// under a palm on the coarse back (one effleurage stroke: 310 Newton and 72k CG
// iterations, now 256 and 48k; tests/models/test_back_effleurage.cpp).
double regularised_tool_diagonal(const Model& m, const Scratch& w) {
  const double delta = m.tool_regularisation;
  const double k = std::max(w.tool_diagonal, 0.0);
  return k > 0 ? k + kToolStiffnessFloor * delta : delta;
}

// y = P K P x + (I - P) x, with K the Hessian bordered by the tool-depth row and
// column (K = [A c; c^T d + reg]) and P the free-dof mask.
void apply_system(const Model& m, Scratch& w, std::span<const double> x, std::span<double> y) {
  const Index n3 = 3 * m.node_count();
  const Index s = m.tool_dof();
  const double xs = x[s] * w.dof_free[s];
  // Mask x into the line-search buffer: CG and the line search never overlap.
  std::span<double> xm(w.q_trial.data(), m.dof_count());
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n3; ++i) xm[i] = w.dof_free[i] * x[i];
  w.hessian.multiply(xm.first(n3), y.first(n3));
  const double coupling =
      deterministic_dot(std::span<const double>(w.tool_coupling), xm.first(n3), w.partials);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n3; ++i)
    y[i] = w.dof_free[i] * (y[i] + w.tool_coupling[i] * xs) + (1.0 - w.dof_free[i]) * x[i];
  y[s] = w.dof_free[s] > 0 ? coupling + regularised_tool_diagonal(m, w) * xs : x[s];
}

// Solves K d = -g (w.rhs -> w.direction) with PCG and the model's preconditioner.
// A Cholesky factor kept from an earlier Newton iteration of this step is tried
// first, for at most kCholeskyReuseIterations CG iterations (the Hessian has moved
// since it was factored, and CG corrects for that); when that is not enough, or no
// factor is held (the first iteration of a step: step() drops the factor), the
// current Hessian is factored and the system solved again. The iterations of both
// solves are counted.
PcgResult solve_newton_system(const Model& m, Scratch& w, const PcgSettings& settings) {
  const double tool_diagonal = regularised_tool_diagonal(m, w);
  const auto apply = [&](std::span<const double> x, std::span<double> y) { apply_system(m, w, x, y); };
  const auto solve = [&](const auto& precondition, const PcgSettings& cg) {
    return pcg(apply, precondition, std::span<const double>(w.rhs), std::span<double>(w.direction), w.pcg, cg);
  };
  if (m.solver.preconditioner == Preconditioner::block_jacobi) {
    build_block_jacobi(m, w, tool_diagonal);
    return solve([&](std::span<const double> r, std::span<double> z) { apply_block_jacobi(m, w, r, z); },
                 settings);
  }
  if (m.solver.preconditioner == Preconditioner::two_level) {
    factorize_two_level(m, w.hessian, w.dof_free, tool_diagonal, w.two_level);
    return solve([&](std::span<const double> r, std::span<double> z) { apply_two_level(m, w.dof_free, w.two_level, r, z); },
                 settings);
  }
  const auto cholesky = [&](std::span<const double> r, std::span<double> z) { apply_cholesky(m, w.cholesky, r, z); };
  int reuse_iterations = 0;
  if (w.cholesky.valid) {
    PcgSettings capped = settings;
    capped.max_iterations = std::min(settings.max_iterations, kCholeskyReuseIterations);
    const PcgResult kept = solve(cholesky, capped);
    if (kept.converged || kept.negative_curvature) return kept;
    reuse_iterations = kept.iterations;
  }
  factorize_cholesky(m, w, tool_diagonal);
  PcgResult fresh = solve(cholesky, settings);
  fresh.iterations += reuse_iterations;
  return fresh;
}

}  // namespace

NewtonReport minimise(const StepProblem& problem, std::span<double> q, Scratch& w, bool start_exact) {
  const Model& m = *problem.model;
  const Index dofs = m.dof_count();
  const Index s = m.tool_dof();
  const double tol = m.force_tolerance;
  NewtonReport rep;
  rep.min_line_search = 1.0;
  // Element Hessians are projected to PSD far from the solution (every Newton
  // direction is then a descent direction), and exact once a full step has been
  // accepted: projection changes the Hessian wherever tets are compressed, which
  // would leave Newton only linearly convergent. Negative curvature met in CG
  // switches projection back on for that iteration. A solve that starts at the
  // last one's solution (a friction re-lag) starts exact: projecting there cost its
  // first iteration a linear step (the first 1.8 s of the Swedish protocol on the
  // standard back: 214 Newton iterations, 207 starting exact).
  StepProblem p = problem;
  p.project_hessian = !start_exact;

  EnergyResult cur = evaluate_gradient(p, q, w);
  double first_residual = 0;
  for (int it = 0;; ++it) {
    rep.residual = free_residual(m, w, w.gradient);
    rep.energy = cur.energy;
    rep.min_volume_ratio = cur.min_volume_ratio;
    if (!std::isfinite(cur.energy) || !std::isfinite(rep.residual)) {
      rep.failure = "a non-finite energy or force appeared";
      return rep;
    }
    if (it == 0) first_residual = std::max(rep.residual, tol);
    if (rep.residual <= tol) {
      rep.converged = true;
      rep.ended_exact = !p.project_hessian;
      return rep;
    }
    if (it >= m.solver.max_newton_iterations) {
      rep.failure = fmt::format("Newton did not converge in {} iterations (residual {:.3e} N, tolerance {:.3e} N)",
                                it, rep.residual, tol);
      return rep;
    }
    rep.iterations = it + 1;

    // Newton direction: K d = -g on the free dofs, solved inexactly with a relative
    // tolerance proportional to the residual reduction so far (Eisenstat & Walker
    // 1996, forcing term eta ~ |g_k| / |g_0|): loose far from the solution, tight
    // near it, which keeps Newton's convergence superlinear; but never tighter than
    // the Newton tolerance needs (kLinearResidualShare: CG's residual in the 2-norm
    // bounds its max-norm share of the next gradient).
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < dofs; ++i) w.rhs[i] = -w.dof_free[i] * w.gradient[i];
    PcgSettings cg;
    cg.max_iterations = m.solver.max_cg_iterations;
    const double rhs_norm =
        std::sqrt(deterministic_dot(std::span<const double>(w.rhs), std::span<const double>(w.rhs), w.partials));
    const double enough = kLinearResidualShare * tol / rhs_norm;
    cg.relative_tolerance =
        std::clamp(std::max(0.5 * rep.residual / first_residual, enough), m.solver.cg_tolerance, 0.1);
    PcgResult pr;
    for (;;) {
      assemble_hessian(p, q, w);
      pr = solve_newton_system(m, w, cg);
      rep.cg_iterations += pr.iterations;
      if (!pr.negative_curvature || p.project_hessian) break;
      p.project_hessian = true;  // the exact Hessian is indefinite here: project
    }

    // The tool may travel at most one element per iteration: far from contact its
    // only stiffness is the regularisation, and a long jump would skip the surface.
    const double ds = std::abs(w.direction[s]);
    if (ds > m.mean_edge_length) {
      const double scale = m.mean_edge_length / ds;
#pragma omp parallel for schedule(static)
      for (Index i = 0; i < dofs; ++i) w.direction[i] *= scale;
    }

    // Backtracking line search on the energy (Armijo), keeping every tet
    // uninverted and letting the smallest volume ratio shrink at most tenfold per
    // iteration: a full Newton step could otherwise flatten a tet to J ~ 1e-13 on its
    // way (seen under a palm on the coarse back), from where no step keeps it
    // uninverted and the solve stalls. Round-off in the energy (~eps * magnitude) is
    // tolerated.
    const double slope = deterministic_dot(std::span<const double>(w.gradient),
                                           std::span<const double>(w.direction), w.partials);
    const bool keep_orientation = cur.min_volume_ratio > 0;
    double alpha = 1.0;
    bool accepted = false;
    EnergyResult trial;
    std::vector<double>& qt = w.q_trial;
    for (int ls = 0; ls < 40 && slope < 0; ++ls) {
#pragma omp parallel for schedule(static)
      for (Index i = 0; i < dofs; ++i) qt[i] = q[i] + alpha * w.direction[i];
      trial = evaluate_energy(p, qt, w);
      const double round_off = 64.0 * std::numeric_limits<double>::epsilon() * (cur.magnitude + trial.magnitude);
      if (std::isfinite(trial.energy) &&
          (!keep_orientation || trial.min_volume_ratio > kMaxVolumeShrink * cur.min_volume_ratio) &&
          trial.energy <= cur.energy + 1e-4 * alpha * slope + round_off) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      if (!p.project_hessian) {  // an exact-Hessian direction that does not descend: project and retry
        p.project_hessian = true;
        continue;
      }
      rep.failure = fmt::format(
          "line search found no decrease (residual {:.3e} N, tolerance {:.3e} N, CG {} iterations, relative residual "
          "{:.1e})",
          rep.residual, tol, pr.iterations, pr.relative_residual);
      return rep;
    }
    rep.min_line_search = std::min(rep.min_line_search, alpha);
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < dofs; ++i) q[i] = qt[i];
    cur = evaluate_gradient(p, q, w);
    if (alpha == 1.0) p.project_hessian = false;
  }
}

}  // namespace backsim
