// Aggregation of a graph's vertices along strong couplings, for the two-level
// preconditioner (engine/sim/two_level_preconditioner.hpp): the aggregation step of
// smoothed aggregation (Vanek, Mandel & Brezina, "Algebraic multigrid by smoothed
// aggregation for second and fourth order elliptic problems", Computing 56, 1996).
//
// j is a strong neighbour of i when |s_ij| >= theta sqrt(|s_ii s_jj|), s a symmetric
// coupling with one value per pattern block. Pass 1 makes an aggregate of every
// vertex whose strong neighbours are all unassigned, with them; pass 2 adds each
// left-over vertex to the aggregate of its strongest strong neighbour assigned in
// pass 1; pass 3 makes aggregates of what is left, each vertex with its unassigned
// strong neighbours. Serial, in vertex order: deterministic. Allocates (setup only).
#pragma once

#include "engine/solver/block_sparse_matrix.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace backsim {

struct Aggregation {
  std::vector<Index> aggregate_of;  // [vertices] kInvalidIndex: not eligible
  Index count = 0;
};

// Aggregates of the eligible vertices (eligible[i] != 0) of `graph`; `coupling` has
// one value per block of the pattern (both triangles, the diagonal included).
Aggregation aggregate_strongly_coupled(const BlockSparsePattern& graph, std::span<const double> coupling,
                                       std::span<const std::uint8_t> eligible, double theta);

// The graph of the aggregates (a and b coupled when a block of `graph` joins them;
// both triangles, the diagonal in every row) and, per block of `graph`, the block of
// the aggregate graph it falls in (kInvalidIndex where an end is in no aggregate).
void aggregate_graph(const BlockSparsePattern& graph, const Aggregation& aggregation, BlockSparsePattern& coarse,
                     std::vector<Index>& coarse_block);

// The vertices of each aggregate, ascending: offsets [count + 1] into members.
void aggregate_members(const Aggregation& aggregation, std::vector<Index>& offsets, std::vector<Index>& members);

}  // namespace backsim
