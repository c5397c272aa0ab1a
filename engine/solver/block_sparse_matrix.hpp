// Symmetric sparse matrix of 3x3 blocks (one block per pair of nodes that share an
// element), stored row-wise in full (both triangles) so that rows can be
// multiplied in parallel without races.
#pragma once

#include "engine/core/types.hpp"

#include <span>
#include <vector>

namespace backsim {

struct BlockSparsePattern {
  std::vector<Index> row_offsets;  // [rows + 1] range of each block row in `columns`
  std::vector<Index> columns;      // [blocks] column of each block, ascending within a row
  std::vector<Index> diagonal;     // [rows] index of the diagonal block of each row

  Index rows() const { return static_cast<Index>(row_offsets.size()) - 1; }
  Index block_count() const { return static_cast<Index>(columns.size()); }
  // Index of block (row, col); asserts that it exists.
  Index find(Index row, Index col) const;
};

// The pattern of all node pairs sharing an element (`nodes_per_element` ids each).
BlockSparsePattern pattern_from_elements(std::span<const Index> element_nodes,
                                         Index nodes_per_element, Index node_count);

// For each element, the block index of every (a, b) pair of its nodes, a-major:
// [element][a * nodes_per_element + b].
std::vector<Index> element_block_indices(const BlockSparsePattern& pattern,
                                         std::span<const Index> element_nodes,
                                         Index nodes_per_element);

struct BlockSparseMatrix {
  const BlockSparsePattern* pattern = nullptr;
  std::vector<Mat3> blocks;  // [pattern->block_count()]

  void bind(const BlockSparsePattern& p);
  void set_zero();
  // y = A x over the 3 * rows entries (parallel over rows, deterministic).
  void multiply(std::span<const double> x, std::span<double> y) const;
};

}  // namespace backsim
