// The two-level preconditioner of the Newton system (solver.preconditioner =
// two_level), for layered tissue:
//
//   M^-1 r = G^-1 r + R^T A_c^-1 R r
//
// G: the diagonal blocks of P A P (+ identity on held dofs) over groups of strongly
// coupled nodes, each factored densely (group Jacobi); R: the restriction that sums
// the free dofs of a coarse aggregate (its translations: unsmoothed aggregation);
// A_c = R P A P R^T, factored by the sparse LDL^T. The additive two-level form of
// Schwarz methods (Toselli & Widlund, "Domain Decomposition Methods", 2005, ch. 2).
//
// Why: with skin and fascia ~200 times as stiff as fat and thin tets, block Jacobi
// leaves two kinds of error to CG: the through-thickness coupling of a node with its
// stiff neighbours (local, strong) and smooth modes over the whole back (global).
// Groups are the strongly coupled neighbourhoods (node_aggregation.hpp on a tissue-
// weighted Laplacian, theta kGroupCoupling), which removes the first; aggregates of
// groups along their summed couplings (kCoarseningPasses more passes) span the second.
// Measured on the standard back, one force-controlled palm stroke, 2 threads: ~150
// CG iterations per Newton iteration with block Jacobi, ~42 with this (docs/engine.md).
//
// Setup once per model (allocates): groups, aggregates, patterns, the coarse factor's
// symbolic analysis, dense storage. Per Newton iteration (allocates nothing): each
// group's block gathered and Cholesky-factored in place (where it is not positive
// definite, as the exact Hessian may be, its diagonal stands in) and inverted (the
// ~40 applications per factorisation are then one small dense product each: two
// triangular solves of Eigen's dynamic-size kernels took 13 % of a session's profile
// on the standard back, and the first 5 s of it went from 25.8 to 22.5 s,
// docs/engine.md); the coarse matrix
// summed row by row and factored at the first Newton iteration of each step (it is
// kept for the step's later iterations: CG corrects for the drift, and a step still
// depends only on its start state). Parallel over groups and coarse rows, each written
// by one thread in a fixed order: deterministic for any thread count.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/solver/block_sparse_matrix.hpp"
#include "engine/solver/sparse_ldlt.hpp"

#include <span>
#include <vector>

namespace backsim {

struct TwoLevelPreconditioner {
  // groups of strongly coupled free nodes
  std::vector<Index> group_offsets;        // [groups + 1] into group_members
  std::vector<Index> group_members;        // nodes of each group, ascending
  std::vector<Index> group_factor_offsets; // [groups + 1] into group_factors
  std::vector<double> group_factors;       // per group: lower Cholesky factor (3k x 3k, column-major)
  std::vector<double> group_inverses;      // per group: G^-1 from that factor (3k x 3k, column-major)
  std::vector<double> gathered;            // [3 free nodes] r of each group
  std::vector<double> gathered_product;    // [3 free nodes] G^-1 r of each group
  // the coarse level: aggregates of groups
  std::vector<Index> aggregate_of;         // [nodes] kInvalidIndex: held node
  std::vector<Index> aggregate_offsets;    // [aggregates + 1] into aggregate_members
  std::vector<Index> aggregate_members;    // nodes of each aggregate, ascending
  BlockSparsePattern coarse_pattern;       // aggregate adjacency
  std::vector<Index> coarse_block;         // [fine blocks] coarse block it adds to; kInvalidIndex: none
  std::vector<Mat3> coarse_blocks;         // A_c
  SparseLdlt<3, double> coarse_factor;
  std::vector<double> coarse_residual;     // [3 aggregates] R r, then A_c^-1 R r
  bool coarse_valid = false;               // factored at an earlier Newton iteration of this step
  double tool_inverse = 1;                 // 1 / t for the tool depth (1 while it is held)

  Index group_count() const { return static_cast<Index>(group_offsets.size()) - 1; }
  Index aggregate_count() const { return coarse_pattern.rows(); }
};

// Groups, aggregates, patterns, storage and symbolic analysis (allocates: once per model).
void build_two_level(const Model& m, TwoLevelPreconditioner& p);

// Numeric set-up from the current Hessian (allocates nothing); tool_diagonal: the
// regularised tool-depth entry t.
void factorize_two_level(const Model& m, const BlockSparseMatrix& hessian, std::span<const double> dof_free,
                         double tool_diagonal, TwoLevelPreconditioner& p);

// z = M^-1 r.
void apply_two_level(const Model& m, std::span<const double> dof_free, TwoLevelPreconditioner& p,
                     std::span<const double> r, std::span<double> z);

}  // namespace backsim
