#include "engine/solver/sparse_ldlt.hpp"

#include "engine/core/error.hpp"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>
#include <metis.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace backsim {

std::vector<Index> minimum_degree_order(const BlockSparsePattern& pattern) {
  const Index n = pattern.rows();
  // The pattern with every diagonal entry: Eigen's minimum_degree_ordering returns
  // the identity for a graph without its self-loops (Eigen 3.4).
  std::vector<Eigen::Triplet<int, int>> entries;
  entries.reserve(pattern.block_count() + n);
  for (Index i = 0; i < n; ++i) {
    entries.emplace_back(static_cast<int>(i), static_cast<int>(i), 1);
    for (Index p = pattern.row_offsets[i]; p < pattern.row_offsets[i + 1]; ++p)
      if (pattern.columns[p] != i)
        entries.emplace_back(static_cast<int>(i), static_cast<int>(pattern.columns[p]), 1);
  }
  Eigen::SparseMatrix<int, Eigen::ColMajor, int> graph(static_cast<int>(n), static_cast<int>(n));
  graph.setFromTriplets(entries.begin(), entries.end());
  Eigen::AMDOrdering<int>::PermutationType permutation;
  Eigen::AMDOrdering<int>()(graph, permutation);
  // Eigen returns cs_amd's vector: the k-th entry is the row eliminated k-th.
  std::vector<Index> order(n);
  for (Index k = 0; k < n; ++k) order[k] = static_cast<Index>(permutation.indices()[k]);
  return order;
}

std::vector<Index> nested_dissection_order(const BlockSparsePattern& pattern) {
  const Index n = pattern.rows();
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), Index{0});
  // METIS wants the graph without self-loops (CSR: xadj, adjncy).
  std::vector<idx_t> xadj(n + 1, 0), adjncy;
  adjncy.reserve(pattern.block_count());
  for (Index i = 0; i < n; ++i) {
    for (Index p = pattern.row_offsets[i]; p < pattern.row_offsets[i + 1]; ++p)
      if (pattern.columns[p] != i) adjncy.push_back(static_cast<idx_t>(pattern.columns[p]));
    xadj[i + 1] = static_cast<idx_t>(adjncy.size());
  }
  if (n < 3 || adjncy.empty()) return order;  // nothing to dissect
  idx_t vertices = static_cast<idx_t>(n);
  std::vector<idx_t> perm(n), iperm(n);
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_NUMBERING] = 0;
  options[METIS_OPTION_SEED] = 1;  // METIS randomises its matchings: fix them
  const int status = METIS_NodeND(&vertices, xadj.data(), adjncy.data(), nullptr, options, perm.data(), iperm.data());
  BACKSIM_ASSERT(status == METIS_OK, "METIS_NodeND failed (out of memory?)");
  // METIS: row i of the permuted matrix is row perm[i] of the original.
  for (Index k = 0; k < n; ++k) order[k] = static_cast<Index>(perm[k]);
  return order;
}

namespace {

// The factor of one symmetric B x B diagonal block, M = L d L^T (unit lower L,
// unpivoted, reading the lower triangle), with every scalar pivot d <= tau shifted to
// max(|d|, tau); returns M'^-1 = L^-T d^-1 L^-1 for the shifted M'.
template <int B>
Eigen::Matrix<double, B, B> pivot_block_inverse(const Eigen::Matrix<double, B, B>& m, double tau,
                                                LdltReport& report) {
  using Block = Eigen::Matrix<double, B, B>;
  Block l = Block::Identity();
  Eigen::Matrix<double, B, 1> d;
  for (int j = 0; j < B; ++j) {
    double dj = m(j, j);
    for (int k = 0; k < j; ++k) dj -= l(j, k) * l(j, k) * d(k);
    report.min_pivot = std::min(report.min_pivot, dj);
    if (dj <= tau) {  // semi-definite or indefinite: static pivot shift (see the header)
      dj = std::max(std::abs(dj), tau);
      ++report.shifted_pivots;
    }
    d(j) = dj;
    for (int i = j + 1; i < B; ++i) {
      double lij = m(i, j);
      for (int k = 0; k < j; ++k) lij -= l(i, k) * l(j, k) * d(k);
      l(i, j) = lij / dj;
    }
  }
  if constexpr (B == 1) {
    return Block::Constant(1.0 / d(0));
  } else {
    const Block l_inverse = l.template triangularView<Eigen::UnitLower>().solve(Block::Identity());
    return l_inverse.transpose() * d.cwiseInverse().asDiagonal() * l_inverse;
  }
}

}  // namespace

template <int B, class Real>
void SparseLdlt<B, Real>::eliminate_symbolically(std::vector<Index>& count) {
  // ldl_symbolic: row k of L is the reach of column k of the upper triangle of
  // P A P^T; walking up the tree from each entry until a node already marked for
  // row k visits exactly that reach.
  const BlockSparsePattern& a = *pattern_;
  const Index n = n_;
  parent_.assign(n, kInvalidIndex);
  flag_.assign(n, 0);
  count.assign(n, 0);
  for (Index k = 0; k < n; ++k) {
    flag_[k] = k;
    const Index kk = order_[k];
    for (Index p = a.row_offsets[kk]; p < a.row_offsets[kk + 1]; ++p) {
      for (Index i = position_[a.columns[p]]; i < k && flag_[i] != k; i = parent_[i]) {
        if (parent_[i] == kInvalidIndex) parent_[i] = k;
        ++count[i];
        flag_[i] = k;
      }
    }
  }
}

template <int B, class Real>
void SparseLdlt<B, Real>::split_tree(const std::vector<Index>& count) {
  const Index n = n_;
  // blocks of L (with the diagonal) in each subtree; children precede parents
  std::vector<double> weight(n, 0.0);
  std::vector<Index> first_child(n, kInvalidIndex), next_sibling(n, kInvalidIndex);
  double total = 0;
  for (Index j = 0; j < n; ++j) {
    weight[j] += count[j] + 1.0;
    total += count[j] + 1.0;
    if (parent_[j] != kInvalidIndex) weight[parent_[j]] += weight[j];
  }
  std::vector<Index> candidates;  // roots of the subtrees handed to the groups
  for (Index j = n; j-- > 0;) {
    if (parent_[j] == kInvalidIndex) {
      candidates.push_back(j);
    } else {
      next_sibling[j] = first_child[parent_[j]];
      first_child[parent_[j]] = j;
    }
  }
  // Move the heaviest subtree's root to the top, and its children to the candidates,
  // until a greedy (largest first) assignment of the candidates to the two groups is
  // balanced within 5%, or the top would hold more than a quarter of the factor.
  std::vector<std::uint8_t> group(n, 2);  // 0, 1, or 2: the top
  std::vector<std::uint8_t> is_top(n, 0);
  double top = 0;
  for (;;) {
    std::sort(candidates.begin(), candidates.end(),
              [&](Index x, Index y) { return weight[x] != weight[y] ? weight[x] > weight[y] : x < y; });
    std::array<double, 2> load{0, 0};
    for (Index c : candidates) {
      const int g = load[1] < load[0] ? 1 : 0;
      load[g] += weight[c];
      group[c] = static_cast<std::uint8_t>(g);
    }
    if (candidates.empty() || std::max(load[0], load[1]) <= 1.05 * 0.5 * (load[0] + load[1])) break;
    const Index heaviest = candidates.front();
    const double own = count[heaviest] + 1.0;
    if (first_child[heaviest] == kInvalidIndex || top + own > 0.25 * total) break;
    top += own;
    group[heaviest] = 2;
    is_top[heaviest] = 1;
    candidates.erase(candidates.begin());
    for (Index c = first_child[heaviest]; c != kInvalidIndex; c = next_sibling[c]) candidates.push_back(c);
  }
  // every other node belongs to the group of its nearest candidate ancestor: a node
  // that is neither top nor candidate has a parent, processed before it (descending)
  std::vector<std::uint8_t> is_root(n, 0);
  for (Index c : candidates) is_root[c] = 1;
  for (Index j = n; j-- > 0;)
    if (!is_root[j] && !is_top[j]) group[j] = group[parent_[j]];
  std::vector<Index> reordered;
  reordered.reserve(n);
  for (std::uint8_t g = 0; g < 3; ++g)
    for (Index k = 0; k < n; ++k)
      if (group[k] == g) reordered.push_back(order_[k]);
  split_[0] = static_cast<Index>(std::count(group.begin(), group.end(), std::uint8_t{0}));
  split_[1] = split_[0] + static_cast<Index>(std::count(group.begin(), group.end(), std::uint8_t{1}));
  order_ = std::move(reordered);
  for (Index k = 0; k < n; ++k) position_[order_[k]] = k;
}

template <int B, class Real>
void SparseLdlt<B, Real>::analyse(const BlockSparsePattern& pattern, std::span<const Index> order) {
  const Index n = pattern.rows();
  pattern_ = &pattern;
  n_ = n;
  order_.resize(n);
  if (order.empty()) {
    std::iota(order_.begin(), order_.end(), Index{0});
  } else {
    BACKSIM_ASSERT(order.size() == n, "the elimination order must list every row once");
    std::copy(order.begin(), order.end(), order_.begin());
  }
  position_.assign(n, kInvalidIndex);
  for (Index k = 0; k < n; ++k) {
    BACKSIM_ASSERT(order_[k] < n && position_[order_[k]] == kInvalidIndex,
                   "the elimination order must be a permutation of the rows");
    position_[order_[k]] = k;
  }

  std::vector<Index> count;
  eliminate_symbolically(count);
  split_tree(count);
  eliminate_symbolically(count);  // the same tree and counts, renumbered
  for (Index k = split_[0]; k < split_[1]; ++k)
    BACKSIM_ASSERT(parent_[k] == kInvalidIndex || parent_[k] >= split_[0], "the split mixes the groups");
  for (Index k = 0; k < split_[0]; ++k)
    BACKSIM_ASSERT(parent_[k] == kInvalidIndex || parent_[k] < split_[0] || parent_[k] >= split_[1],
                   "the split mixes the groups");

  column_start_.assign(n + 1, 0);
  for (Index k = 0; k < n; ++k) {
    BACKSIM_ASSERT(column_start_[k] + static_cast<std::uint64_t>(count[k]) < kInvalidIndex,
                   "the factor has more than 2^32 blocks: use a coarser mesh");
    column_start_[k + 1] = column_start_[k] + count[k];
  }
  row_index_.assign(column_start_[n], 0);
  values_.assign(column_start_[n], StoredBlock::Zero());
  diagonal_inverse_.assign(n, Block::Identity());
  y_.assign(n, Block::Zero());
  reach_.assign(2 * static_cast<std::size_t>(n), 0);
  filled_.assign(n, 0);
  work_.assign(n, Vector::Zero());
  top_update_.assign(2 * static_cast<std::size_t>(n - split_[1]), Vector::Zero());
}

template <int B, class Real>
double SparseLdlt<B, Real>::factor_block_operations() const {
  double ops = 0;
  for (Index j = 0; j < n_; ++j) {
    const double c = column_start_[j + 1] - column_start_[j];
    ops += c * (c + 3) / 2;
  }
  return ops;
}

template <int B, class Real>
void SparseLdlt<B, Real>::factorize_rows(std::span<const Block> values, Index begin, Index end, Index* reach,
                                   LdltReport& report) {
  const BlockSparsePattern& a = *pattern_;
  for (Index k = begin; k < end; ++k) {
    // scatter column k of the upper triangle of P A P^T into y, and find the
    // pattern of row k of L: the reach of those entries in the elimination tree
    flag_[k] = k;
    filled_[k] = 0;
    Index top = n_;
    Block d = Block::Zero();
    const Index kk = order_[k];
    for (Index p = a.row_offsets[kk]; p < a.row_offsets[kk + 1]; ++p) {
      Index i = position_[a.columns[p]];
      if (i > k) continue;
      if (i == k) {
        d += values[p];
        continue;
      }
      y_[i] += values[p].transpose();  // stored row kk holds A(k, i) = A(i, k)^T
      Index len = 0;
      for (; flag_[i] != k; i = parent_[i]) {
        reach[len++] = i;
        flag_[i] = k;
      }
      while (len > 0) reach[--top] = reach[--len];
    }
    // sparse triangular solve in topological order: y_i is final once reached
    for (; top < n_; ++top) {
      const Index i = reach[top];
      const Block yi = y_[i];
      y_[i].setZero();
      const Index first = column_start_[i];
      const Index last = first + filled_[i];
      for (Index p = first; p < last; ++p) y_[row_index_[p]].noalias() -= values_[p].template cast<double>() * yi;
      const StoredBlock lki = (yi.transpose() * diagonal_inverse_[i]).template cast<Real>();
      d.noalias() -= lki.template cast<double>() * yi;  // the stored L(k, i): a factor of a nearby matrix
      row_index_[last] = k;
      values_[last] = lki;
      ++filled_[i];
    }
    diagonal_inverse_[k] = pivot_block_inverse<B>(d, report.tau, report);
  }
}

template <int B, class Real>
LdltReport SparseLdlt<B, Real>::factorize(std::span<const Block> values) {
  BACKSIM_ASSERT(analysed(), "call analyse before factorize");
  const BlockSparsePattern& a = *pattern_;
  BACKSIM_ASSERT(values.size() == a.columns.size(), "one value block per pattern entry");
  const Index n = n_;

  // the pivot threshold, relative to the largest diagonal entry
  double largest = 0;
  for (Index i = 0; i < n; ++i)
    for (Index p = a.row_offsets[i]; p < a.row_offsets[i + 1]; ++p)
      if (a.columns[p] == i) largest = std::max(largest, values[p].diagonal().cwiseAbs().maxCoeff());
  std::array<LdltReport, 3> parts;
  for (LdltReport& r : parts) {
    r.tau = pivot_tolerance * (largest > 0 ? largest : 1.0);
    r.min_pivot = std::numeric_limits<double>::infinity();
  }

  // the two groups side by side, then the top (see the header)
#pragma omp parallel for schedule(static, 1)
  for (int g = 0; g < 2; ++g)
    factorize_rows(values, g == 0 ? 0 : split_[0], split_[g], reach_.data() + static_cast<std::size_t>(g) * n, parts[g]);
  factorize_rows(values, split_[1], n, reach_.data(), parts[2]);

  LdltReport report = parts[0];
  for (int g = 1; g < 3; ++g) {
    report.shifted_pivots += parts[g].shifted_pivots;
    report.min_pivot = std::min(report.min_pivot, parts[g].min_pivot);
  }
  return report;
}

template <int B, class Real>
void SparseLdlt<B, Real>::solve(std::span<const double> b, std::span<double> x) {
  BACKSIM_ASSERT(analysed(), "call analyse and factorize before solve");
  BACKSIM_ASSERT(b.size() == static_cast<std::size_t>(B) * n_ && x.size() == b.size(),
                 "solve: b and x need B * rows entries");
  const Index n = n_;
  const Index top = split_[1];
  const Index top_rows = n - top;
  for (Index k = 0; k < n; ++k) work_[k] = Eigen::Map<const Vector>(&b[B * order_[k]]);

  // L y = P b: each group forward (column-oriented) over its own rows, collecting its
  // updates of the top rows; the updates added in group order; then the top rows
#pragma omp parallel for schedule(static, 1)
  for (int g = 0; g < 2; ++g) {
    Vector* update = top_update_.data() + static_cast<std::size_t>(g) * top_rows;
    for (Index r = 0; r < top_rows; ++r) update[r].setZero();
    for (Index j = g == 0 ? 0 : split_[0]; j < split_[g]; ++j) {
      const Vector yj = work_[j];
      for (Index p = column_start_[j]; p < column_start_[j + 1]; ++p) {
        const Index r = row_index_[p];
        if (r < top) {
          work_[r].noalias() -= values_[p].template cast<double>() * yj;
        } else {
          update[r - top].noalias() += values_[p].template cast<double>() * yj;
        }
      }
    }
  }
  for (Index r = 0; r < top_rows; ++r) work_[top + r] -= top_update_[r] + top_update_[top_rows + r];
  for (Index j = top; j < n; ++j) {
    const Vector yj = work_[j];
    for (Index p = column_start_[j]; p < column_start_[j + 1]; ++p)
      work_[row_index_[p]].noalias() -= values_[p].template cast<double>() * yj;
  }
  // D z = y
  for (Index j = 0; j < n; ++j) work_[j] = diagonal_inverse_[j] * work_[j];
  // L^T w = z, backward over the columns of L: the top rows first, then each group
  const auto backward = [&](Index begin, Index end) {
    for (Index j = end; j-- > begin;) {
      Vector s = work_[j];
      for (Index p = column_start_[j]; p < column_start_[j + 1]; ++p)
        s.noalias() -= values_[p].transpose().template cast<double>() * work_[row_index_[p]];
      work_[j] = s;
    }
  };
  backward(top, n);
#pragma omp parallel for schedule(static, 1)
  for (int g = 0; g < 2; ++g) backward(g == 0 ? 0 : split_[0], split_[g]);
  for (Index k = 0; k < n; ++k) Eigen::Map<Vector>{&x[B * order_[k]]} = work_[k];
}

template class SparseLdlt<1, double>;
template class SparseLdlt<3, double>;
template class SparseLdlt<3, float>;

}  // namespace backsim
