#include "engine/solver/block_sparse_matrix.hpp"

#include "engine/core/error.hpp"

#include <algorithm>

namespace backsim {

Index BlockSparsePattern::find(Index row, Index col) const {
  const auto begin = columns.begin() + row_offsets[row];
  const auto end = columns.begin() + row_offsets[row + 1];
  const auto it = std::lower_bound(begin, end, col);
  BACKSIM_ASSERT(it != end && *it == col, "block not in the sparsity pattern");
  return static_cast<Index>(it - columns.begin());
}

BlockSparsePattern pattern_from_elements(std::span<const Index> element_nodes,
                                         Index nodes_per_element, Index node_count) {
  std::vector<std::vector<Index>> neighbours(node_count);
  const std::size_t element_count = element_nodes.size() / nodes_per_element;
  for (std::size_t e = 0; e < element_count; ++e)
    for (Index a = 0; a < nodes_per_element; ++a)
      for (Index b = 0; b < nodes_per_element; ++b)
        neighbours[element_nodes[e * nodes_per_element + a]].push_back(
            element_nodes[e * nodes_per_element + b]);
  BlockSparsePattern p;
  p.row_offsets.assign(node_count + 1, 0);
  p.diagonal.assign(node_count, 0);
  for (Index i = 0; i < node_count; ++i) {
    auto& n = neighbours[i];
    n.push_back(i);  // every row has its diagonal, even for an isolated node
    std::sort(n.begin(), n.end());
    n.erase(std::unique(n.begin(), n.end()), n.end());
    p.row_offsets[i + 1] = p.row_offsets[i] + static_cast<Index>(n.size());
  }
  p.columns.reserve(p.row_offsets.back());
  for (Index i = 0; i < node_count; ++i) {
    p.columns.insert(p.columns.end(), neighbours[i].begin(), neighbours[i].end());
    p.diagonal[i] = p.find(i, i);
  }
  return p;
}

std::vector<Index> element_block_indices(const BlockSparsePattern& pattern,
                                         std::span<const Index> element_nodes,
                                         Index nodes_per_element) {
  const std::size_t element_count = element_nodes.size() / nodes_per_element;
  const std::size_t per = static_cast<std::size_t>(nodes_per_element) * nodes_per_element;
  std::vector<Index> indices(element_count * per);
  for (std::size_t e = 0; e < element_count; ++e)
    for (Index a = 0; a < nodes_per_element; ++a)
      for (Index b = 0; b < nodes_per_element; ++b)
        indices[e * per + a * nodes_per_element + b] =
            pattern.find(element_nodes[e * nodes_per_element + a], element_nodes[e * nodes_per_element + b]);
  return indices;
}

void BlockSparseMatrix::bind(const BlockSparsePattern& p) {
  pattern = &p;
  blocks.assign(p.block_count(), Mat3::Zero());
}

void BlockSparseMatrix::set_zero() {
  const Index n = static_cast<Index>(blocks.size());
#pragma omp parallel for schedule(static)
  for (Index b = 0; b < n; ++b) blocks[b].setZero();
}

void BlockSparseMatrix::multiply(std::span<const double> x, std::span<double> y) const {
  const Index rows = pattern->rows();
  const Index* offsets = pattern->row_offsets.data();
  const Index* cols = pattern->columns.data();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < rows; ++i) {
    Vec3 sum = Vec3::Zero();
    for (Index k = offsets[i]; k < offsets[i + 1]; ++k)
      sum.noalias() += blocks[k] * Eigen::Map<const Vec3>(&x[3 * cols[k]]);
    Eigen::Map<Vec3>{&y[3 * i]} = sum;
  }
}

}  // namespace backsim
