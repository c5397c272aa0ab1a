// Sparse LDL^T factorization of a symmetric matrix of B x B blocks (B = 1: scalar
// entries; B = 3: the node blocks of a 3D mesh), with a fill-reducing ordering.
//
// Setup is separate from use:
//   analyse(pattern, order)  once per sparsity pattern: elimination tree, column
//                            counts, the split into two independent halves, every
//                            array of the factor sized (allocates);
//   factorize(values)        numeric L D L^T of P A P^T (allocates nothing);
//   solve(b, x)              x = (L D L^T)^-1 b in the original numbering
//                            (allocates nothing).
//
// Algorithm: the up-looking LDL^T of T. A. Davis, "Algorithm 849: A concise sparse
// Cholesky factorization package", ACM TOMS 31(4):587-591, 2005 (ldl_symbolic and
// ldl_numeric), lifted to blocks. Row k of L is the solution of a sparse triangular
// system with the k-th column of the upper triangle as right-hand side, whose
// nonzero pattern is the reach of that column in the elimination tree:
//
//   L11 D1 l = a   =>   y = L11^-1 a (blocks y_i, i in the reach, topological order),
//                       L(k, i) = y_i^T D_i^-1,   D_k = A_kk - sum_i L(k, i) y_i.
//
// With B = 3, L is unit block lower triangular and each 3x3 D_k is factored again as
// L_k d_k L_k^T (scalar, unpivoted): the result is the scalar LDL^T of the expanded
// matrix in the node-contiguous order, computed with 27 multiply-adds per index.
//
// Threads, deterministically: analyse splits the elimination tree into two groups of
// disjoint subtrees of about equal factor size and the "top" (their ancestors), and
// renumbers the rows [group 0 | group 1 | top] (a topological reordering of the tree:
// same fill). A row of L only reads columns of its own subtree, so the two groups are
// factored in parallel and the top after them, with exactly the arithmetic of a
// serial factorization. The forward solve runs the groups in parallel, each summing
// its updates of the top rows into its own buffer, added in group order; the
// backward solve does the top first, then the groups in parallel. The split depends
// only on the pattern, never on the thread count: results are bit-identical for any
// number of threads.
//
// Pivots: a symmetric positive semi-definite matrix (held dofs, a free body, round
// off) can meet a scalar pivot d <= 0, and an indefinite one a negative pivot. Each
// scalar pivot d <= tau (tau = pivot_tolerance * the largest diagonal entry of A) is
// replaced by max(|d|, tau) and counted, and elimination goes on: the factor is then
// the exact L D L^T of A + E with E diagonal and non-negative, so it is always a
// symmetric positive definite preconditioner (static pivoting, as in modified
// Cholesky: Gill, Murray & Wright, "Practical Optimization", 1981, sec. 4.4.2.2).
// For a consistent singular system (b in the range of A) the shifted pivot adds no
// large null-space component: (A + tau e e^T) x = b forces e^T x = 0.
// A NaN pivot stays NaN, so non-finite input surfaces in the solve.
#pragma once

#include "engine/core/types.hpp"
#include "engine/solver/block_sparse_matrix.hpp"

#include <array>
#include <span>
#include <vector>

namespace backsim {

struct LdltReport {
  Index shifted_pivots = 0;  // scalar pivots <= tau replaced by max(|d|, tau)
  double min_pivot = 0;      // smallest scalar pivot before any shift
  double tau = 0;            // the pivot threshold used
};

// Fill-reducing orders of a symmetric pattern stored with both triangles (the
// diagonal in every row): order[k] is the original row eliminated k-th. Both
// allocate, and are deterministic.
// Approximate minimum degree (Amestoy, Davis & Duff 1996; Eigen's port of cs_amd).
std::vector<Index> minimum_degree_order(const BlockSparsePattern& pattern);
// Multilevel nested dissection (METIS_NodeND, Karypis & Kumar 1998), fixed seed: on
// 3D meshes of 10^4 nodes about half the factorization work of minimum degree.
std::vector<Index> nested_dissection_order(const BlockSparsePattern& pattern);

// Real: the storage of L (double, or float to halve the memory traffic of the
// solves when the factor is only a preconditioner; all arithmetic is in double).
template <int B, class Real = double>
class SparseLdlt {
 public:
  using Block = Eigen::Matrix<double, B, B>;
  using Vector = Eigen::Matrix<double, B, 1>;
  using StoredBlock = Eigen::Matrix<Real, B, B>;

  // Scalar pivots at most pivot_tolerance times the largest diagonal entry are shifted.
  double pivot_tolerance = 1e-12;

  // Symbolic analysis of P A P^T for the pattern of a symmetric matrix stored with
  // both triangles (rows ascending, a diagonal block in every row) and a
  // fill-reducing elimination order (order[k]: original row eliminated k-th; empty:
  // natural). The rows are then renumbered for the two-group split (order() gives
  // the final order). The pattern must outlive the factor.
  void analyse(const BlockSparsePattern& pattern, std::span<const Index> order);

  // Numeric factorization of the matrix with `values` (one block per pattern entry,
  // in the pattern's order; symmetric: entry (i, j) is entry (j, i) transposed).
  LdltReport factorize(std::span<const Block> values);

  // x = (L D L^T)^-1 b, with b and x of B * rows() entries in the original numbering
  // (b and x may be the same array).
  void solve(std::span<const double> b, std::span<double> x);

  Index rows() const { return n_; }
  bool analysed() const { return pattern_ != nullptr; }
  std::size_t factor_blocks() const { return row_index_.size(); }  // blocks of L below the diagonal
  // B x B multiply-adds of one factorization: the sum over the columns of L of
  // c (c + 3) / 2 for c blocks (a measure of its cost).
  double factor_block_operations() const;
  // Rows of group 0, group 1 and the top, in the final order.
  std::array<Index, 3> group_sizes() const { return {split_[0], split_[1] - split_[0], n_ - split_[1]}; }
  // The final elimination order, and D_k^-1 of its row k (after any pivot shift).
  std::span<const Index> order() const { return order_; }
  const Block& diagonal_inverse(Index k) const { return diagonal_inverse_[k]; }

 private:
  // Elimination tree (parent_) and blocks per column of L (count) for order_.
  void eliminate_symbolically(std::vector<Index>& count);
  // Renumbers order_ as [group 0 | group 1 | top] (see the header comment).
  void split_tree(const std::vector<Index>& count);
  // Rows [begin, end) of the numeric factorization, with `reach` as stack.
  void factorize_rows(std::span<const Block> values, Index begin, Index end, Index* reach, LdltReport& report);

  const BlockSparsePattern* pattern_ = nullptr;
  Index n_ = 0;
  std::array<Index, 2> split_{0, 0};  // group 0: [0, split_[0]), group 1: [split_[0], split_[1]), top: the rest
  std::vector<Index> order_;         // [n] original row of permuted row k
  std::vector<Index> position_;      // [n] permuted row of original row i (inverse of order_)
  std::vector<Index> parent_;        // [n] elimination tree of P A P^T (kInvalidIndex: a root)
  std::vector<Index> column_start_;  // [n + 1] range of each column of L in row_index_ / values_
  std::vector<Index> row_index_;     // [nnz(L)] row of each block of L, ascending within a column
  std::vector<StoredBlock> values_;  // [nnz(L)] blocks of L (strictly lower, unit diagonal implied)
  std::vector<Block> diagonal_inverse_;  // [n] D_k^-1
  // numeric workspace (indexed by row, so the two groups never share an entry)
  std::vector<Block> y_;             // [n] the sparse right-hand side of the current row
  std::vector<Index> reach_;         // [2 n] pattern of the current row of L, one stack per group
  std::vector<Index> flag_;          // [n] visit marks
  std::vector<Index> filled_;        // [n] blocks of each column of L computed so far
  std::vector<Vector> work_;         // [n] the permuted vector of a solve
  std::vector<Vector> top_update_;   // [2 * top rows] each group's forward-solve updates of the top rows
};

extern template class SparseLdlt<1, double>;
extern template class SparseLdlt<3, double>;
extern template class SparseLdlt<3, float>;

}  // namespace backsim
