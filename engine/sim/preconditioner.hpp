// Preconditioners of the Newton system K d = -g (see newton.cpp), on the dofs
// q = (3 N node coordinates, tool depth s), with held dofs as identity rows:
//
//   K = P [A c; c^T t] P + (I - P),   A: node-node blocks of the Hessian,
//                                     c: the tool depth's column (w.tool_coupling),
//                                     t: its regularised diagonal, P: the free-dof mask.
//
// block_jacobi: the inverse 3x3 diagonal blocks of A and 1 / t. Cheap, parallel,
//   but CG needs ~150 iterations per Newton iteration on layered tissue.
// cholesky: a sparse L D L^T factor of K (engine/solver/sparse_ldlt.hpp), kept
//   across the Newton iterations of a step while it still preconditions well:
//   - symbolic analysis once per model (make_scratch): nested dissection order of
//     the node graph (METIS), elimination tree, storage for L (3x3 blocks, stored
//     in float: it only preconditions, and the solves are bound by memory traffic);
//   - numeric factorization of the node block P A P + (I - P) and the tool border by
//     block elimination (a Schur complement on one dof):
//         [A c; c^T t] = [I 0; u^T 1] [A 0; 0 sigma] [I u; 0 1],
//         u = A^-1 c, sigma = t - c^T u,
//     which is the factor with the tool depth as its last (dense) row, stored as u;
//   - when to refactor: at the first Newton iteration of each step (step() drops
//     the factor, so that a step's result depends only on its start state:
//     retried and resumed steps are bit-identical), and when PCG with the kept
//     factor needs more than kCholeskyReuseIterations iterations: newton.cpp then
//     factors the current Hessian and solves again.
// Both are deterministic: block Jacobi per node; the factorization and its
// triangular solves on a split of the elimination tree that does not depend on
// the thread count (sparse_ldlt.hpp).
#pragma once

#include "engine/sim/model.hpp"
#include "engine/solver/sparse_ldlt.hpp"

#include <span>
#include <vector>

namespace backsim {

struct Scratch;

// The free-dof mask of node i's three coordinates (1 free, 0 held).
inline Vec3 node_free(std::span<const double> dof_free, Index i) {
  return {dof_free[3 * i], dof_free[3 * i + 1], dof_free[3 * i + 2]};
}

// Block (i, j) of the masked node matrix P A P (without the identity of held rows).
inline Mat3 masked_block(std::span<const double> dof_free, const Mat3& block, Index i, Index j) {
  return node_free(dof_free, i).asDiagonal() * block * node_free(dof_free, j).asDiagonal();
}

// CG iterations a kept (stale) Cholesky factor may take before it is refreshed.
// Measured on the coarse back (30 steps, 206 Newton iterations): 8 -> 43
// factorizations, 3.7 CG per Newton iteration; 15 -> 31, 4.7; no limit -> 30, 4.8,
// with total times within noise; across steps (before step() dropped the factor)
// 10 to 25 was best, depending on the mesh.
inline constexpr int kCholeskyReuseIterations = 15;

struct CholeskyPreconditioner {
  SparseLdlt<3, float> factor;       // of the masked node block P A P + (I - P), L stored in float
  std::vector<Mat3> masked;          // [pattern blocks] the factorization's input
  std::vector<double> tool_column;   // [3 N] u = A^-1 c (zero when the tool depth is held)
  double tool_schur = 1;             // sigma = t - c^T u
  bool valid = false;                // a factor of an earlier Hessian of this step is held
  // statistics since make_scratch
  std::int64_t factorizations = 0;
  double factor_seconds = 0;         // wall time in factorize_cholesky
  Index shifted_pivots = 0;          // in the last factorization
};

// Symbolic analysis for the model's pattern (allocates: once per model).
void analyse_cholesky(const Model& m, CholeskyPreconditioner& c);

// Numeric factorization of the current Hessian in w (allocates nothing).
// tool_diagonal: the regularised tool-depth entry t.
void factorize_cholesky(const Model& m, Scratch& w, double tool_diagonal);

// z = M^-1 r with the held factor.
void apply_cholesky(const Model& m, CholeskyPreconditioner& c, std::span<const double> r, std::span<double> z);

// Block Jacobi: inverse free 3x3 diagonal blocks into w.preconditioner, 1 / t.
void build_block_jacobi(const Model& m, Scratch& w, double tool_diagonal);
void apply_block_jacobi(const Model& m, const Scratch& w, std::span<const double> r, std::span<double> z);

}  // namespace backsim
