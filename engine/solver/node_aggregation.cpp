#include "engine/solver/node_aggregation.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

Aggregation aggregate_strongly_coupled(const BlockSparsePattern& g, std::span<const double> s,
                                       std::span<const std::uint8_t> eligible, double theta) {
  const Index n = g.rows();
  Aggregation result;
  std::vector<Index>& agg = result.aggregate_of;
  agg.assign(n, kInvalidIndex);
  const auto strong = [&](Index i, Index p) {
    const Index j = g.columns[p];
    return j != i && eligible[j] != 0 &&
           std::abs(s[p]) >= theta * std::sqrt(std::abs(s[g.diagonal[i]] * s[g.diagonal[j]]));
  };
  Index& count = result.count;
  for (Index i = 0; i < n; ++i) {
    if (eligible[i] == 0 || agg[i] != kInvalidIndex) continue;
    bool all_unassigned = true;
    for (Index p = g.row_offsets[i]; p < g.row_offsets[i + 1] && all_unassigned; ++p)
      all_unassigned = !strong(i, p) || agg[g.columns[p]] == kInvalidIndex;
    if (!all_unassigned) continue;
    for (Index p = g.row_offsets[i]; p < g.row_offsets[i + 1]; ++p)
      if (strong(i, p)) agg[g.columns[p]] = count;
    agg[i] = count++;
  }
  const std::vector<Index> first = agg;  // pass 2 joins pass 1's aggregates only
  for (Index i = 0; i < n; ++i) {
    if (eligible[i] == 0 || agg[i] != kInvalidIndex) continue;
    double best = 0;
    for (Index p = g.row_offsets[i]; p < g.row_offsets[i + 1]; ++p)
      if (strong(i, p) && first[g.columns[p]] != kInvalidIndex && std::abs(s[p]) > best) {
        best = std::abs(s[p]);
        agg[i] = first[g.columns[p]];
      }
  }
  for (Index i = 0; i < n; ++i) {
    if (eligible[i] == 0 || agg[i] != kInvalidIndex) continue;
    for (Index p = g.row_offsets[i]; p < g.row_offsets[i + 1]; ++p)
      if (strong(i, p) && agg[g.columns[p]] == kInvalidIndex) agg[g.columns[p]] = count;
    agg[i] = count++;
  }
  return result;
}

void aggregate_members(const Aggregation& a, std::vector<Index>& offsets, std::vector<Index>& members) {
  const auto n = static_cast<Index>(a.aggregate_of.size());
  offsets.assign(a.count + 1, 0);
  for (Index i = 0; i < n; ++i)
    if (a.aggregate_of[i] != kInvalidIndex) ++offsets[a.aggregate_of[i] + 1];
  for (Index k = 0; k < a.count; ++k) offsets[k + 1] += offsets[k];
  members.assign(offsets[a.count], 0);
  std::vector<Index> next(offsets.begin(), offsets.end() - 1);
  for (Index i = 0; i < n; ++i)
    if (a.aggregate_of[i] != kInvalidIndex) members[next[a.aggregate_of[i]]++] = i;
}

void aggregate_graph(const BlockSparsePattern& fine, const Aggregation& a, BlockSparsePattern& coarse,
                     std::vector<Index>& coarse_block) {
  const std::vector<Index>& agg = a.aggregate_of;
  std::vector<Index> offsets, members;
  aggregate_members(a, offsets, members);
  coarse.row_offsets.assign(a.count + 1, 0);
  coarse.columns.clear();
  coarse.diagonal.assign(a.count, 0);
  std::vector<Index> row;
  for (Index k = 0; k < a.count; ++k) {
    row.clear();
    for (Index m = offsets[k]; m < offsets[k + 1]; ++m) {
      const Index i = members[m];
      for (Index p = fine.row_offsets[i]; p < fine.row_offsets[i + 1]; ++p)
        if (agg[fine.columns[p]] != kInvalidIndex) row.push_back(agg[fine.columns[p]]);
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (Index b : row) {
      if (b == k) coarse.diagonal[k] = static_cast<Index>(coarse.columns.size());
      coarse.columns.push_back(b);
    }
    coarse.row_offsets[k + 1] = static_cast<Index>(coarse.columns.size());
  }
  coarse_block.assign(fine.block_count(), kInvalidIndex);
  for (Index i = 0; i < fine.rows(); ++i) {
    if (agg[i] == kInvalidIndex) continue;
    for (Index p = fine.row_offsets[i]; p < fine.row_offsets[i + 1]; ++p)
      if (agg[fine.columns[p]] != kInvalidIndex) coarse_block[p] = coarse.find(agg[i], agg[fine.columns[p]]);
  }
}

}  // namespace backsim
