#include "engine/sim/preconditioner.hpp"

#include "engine/sim/state.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace backsim {

void analyse_cholesky(const Model& m, CholeskyPreconditioner& c) {
  const std::vector<Index> order = nested_dissection_order(m.pattern);
  c.factor.analyse(m.pattern, order);
  c.masked.assign(m.pattern.block_count(), Mat3::Zero());
  c.tool_column.assign(3 * m.node_count(), 0.0);
  c.tool_schur = 1;
  c.valid = false;
}

void factorize_cholesky(const Model& m, Scratch& w, double tool_diagonal) {
  CholeskyPreconditioner& c = w.cholesky;
  BACKSIM_ASSERT(c.factor.analysed(), "the Cholesky preconditioner was not analysed: make_scratch does it");
  const auto start = std::chrono::steady_clock::now();
  const Index n = m.node_count();
  const BlockSparsePattern& pattern = m.pattern;

  // the node block with held dofs masked out: P A P + (I - P)
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i) {
    for (Index p = pattern.row_offsets[i]; p < pattern.row_offsets[i + 1]; ++p) {
      const Index j = pattern.columns[p];
      c.masked[p] = masked_block(w.dof_free, w.hessian.blocks[p], i, j);
      if (j == i) c.masked[p] += (Vec3::Ones() - node_free(w.dof_free, i)).asDiagonal();
    }
  }
  const LdltReport report = c.factor.factorize(c.masked);
  c.shifted_pivots = report.shifted_pivots;

  // the tool border, eliminated last: u = A^-1 c, sigma = t - c^T u (serial sums)
  const Index s = m.tool_dof();
  if (w.dof_free[s] > 0) {
    const Index n3 = 3 * n;
    for (Index i = 0; i < n3; ++i) c.tool_column[i] = w.dof_free[i] * w.tool_coupling[i];
    double cu = 0;
    c.factor.solve(c.tool_column, c.tool_column);
    for (Index i = 0; i < n3; ++i) cu += w.dof_free[i] * w.tool_coupling[i] * c.tool_column[i];
    // sigma is a Schur complement of a positive definite matrix, so positive; it
    // loses digits when the tool is held stiffly by the tissue (t ~ c^T A^-1 c):
    // shift it like a pivot of the node block.
    const double tau = 1e-12 * std::abs(tool_diagonal);
    double sigma = tool_diagonal - cu;
    if (!(sigma > tau) && std::isfinite(sigma)) {
      sigma = std::max(std::abs(sigma), tau);
      ++c.shifted_pivots;
    }
    c.tool_schur = sigma;
  } else {
    std::fill(c.tool_column.begin(), c.tool_column.end(), 0.0);
    c.tool_schur = 1;
  }
  c.valid = true;
  c.factorizations += 1;
  c.factor_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// z = M^-1 r by block elimination of the tool row (see the header):
//   y = A^-1 r_1,  z_s = (r_s - u^T r_1) / sigma,  z_1 = y - u z_s.
void apply_cholesky(const Model& m, CholeskyPreconditioner& c, std::span<const double> r, std::span<double> z) {
  const Index n3 = 3 * m.node_count();
  const Index s = m.tool_dof();
  double ur = 0;
  for (Index i = 0; i < n3; ++i) ur += c.tool_column[i] * r[i];
  c.factor.solve(r.first(n3), z.first(n3));
  const double zs = (r[s] - ur) / c.tool_schur;
  // (u is zero while the tool depth is held)
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n3; ++i) z[i] -= c.tool_column[i] * zs;
  z[s] = zs;
}

// Inverse 3x3 diagonal blocks restricted to the free dofs (held dofs: identity).
void build_block_jacobi(const Model& m, Scratch& w, double tool_diagonal) {
  const Index n = m.node_count();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i) {
    Mat3 D = masked_block(w.dof_free, w.hessian.blocks[m.pattern.diagonal[i]], i, i);
    D += (Vec3::Ones() - node_free(w.dof_free, i)).asDiagonal();
    Eigen::LLT<Mat3> llt(D);
    if (llt.info() == Eigen::Success) {
      w.preconditioner[i] = llt.solve(Mat3::Identity());
    } else {  // not positive definite: fall back to the inverse diagonal
      Mat3 inv = Mat3::Zero();
      for (int k = 0; k < 3; ++k) inv(k, k) = D(k, k) > 0 ? 1.0 / D(k, k) : 1.0;
      w.preconditioner[i] = inv;
    }
  }
  w.tool_preconditioner = w.dof_free[m.tool_dof()] > 0 ? 1.0 / tool_diagonal : 1.0;
}

void apply_block_jacobi(const Model& m, const Scratch& w, std::span<const double> r, std::span<double> z) {
  const Index n = m.node_count();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i)
    Eigen::Map<Vec3>{&z[3 * i]} = w.preconditioner[i] * Eigen::Map<const Vec3>(&r[3 * i]);
  z[m.tool_dof()] = w.tool_preconditioner * r[m.tool_dof()];
}

}  // namespace backsim
