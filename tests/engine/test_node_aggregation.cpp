// Aggregation along strong couplings (engine/solver/node_aggregation.hpp): the
// aggregates partition the eligible vertices, never cross a weak coupling, and the
// aggregate graph maps every block between aggregated vertices to its coarse block.
#include "engine/solver/node_aggregation.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace backsim;

namespace {

// The pattern of a chain 0 - 1 - ... - n-1 (both triangles, diagonals) and a
// Laplacian on it: edge (i, i+1) weighted w[i], row sums zero.
struct Chain {
  BlockSparsePattern pattern;
  std::vector<double> laplacian;
};

Chain chain(const std::vector<double>& w) {
  const auto n = static_cast<Index>(w.size() + 1);
  Chain c;
  c.pattern.row_offsets.assign(n + 1, 0);
  c.pattern.diagonal.assign(n, 0);
  for (Index i = 0; i < n; ++i) {
    for (Index j = i == 0 ? 0 : i - 1; j <= std::min(i + 1, n - 1); ++j) {
      if (j == i) c.pattern.diagonal[i] = static_cast<Index>(c.pattern.columns.size());
      c.pattern.columns.push_back(j);
      double v = 0;
      if (j == i) {
        if (i > 0) v += w[i - 1];
        if (i + 1 < n) v += w[i];
      } else {
        v = -w[std::min(i, j)];
      }
      c.laplacian.push_back(v);
    }
    c.pattern.row_offsets[i + 1] = static_cast<Index>(c.pattern.columns.size());
  }
  return c;
}

}  // namespace

TEST_CASE("aggregates partition the eligible vertices and follow strong couplings only", "[aggregation]") {
  // Two stiff segments (weight 1) joined by a link 1e-4 as strong: with theta 0.04 the
  // link is weak (1e-4 < 0.04 sqrt(~1 * ~1)) and no aggregate may contain both of its ends.
  std::vector<double> w(19, 1.0);
  w[9] = 1e-4;  // between vertices 9 and 10
  const Chain c = chain(w);
  std::vector<std::uint8_t> eligible(20, 1);
  eligible[0] = 0;  // a held vertex
  const Aggregation a = aggregate_strongly_coupled(c.pattern, c.laplacian, eligible, 0.04);
  REQUIRE(a.aggregate_of.size() == 20);
  CHECK(a.aggregate_of[0] == kInvalidIndex);
  std::set<Index> used;
  for (Index i = 1; i < 20; ++i) {
    REQUIRE(a.aggregate_of[i] != kInvalidIndex);
    REQUIRE(a.aggregate_of[i] < a.count);
    used.insert(a.aggregate_of[i]);
  }
  CHECK(static_cast<Index>(used.size()) == a.count);  // no empty aggregate
  CHECK(a.aggregate_of[9] != a.aggregate_of[10]);
  // a chain's vertex and its two neighbours: aggregates of 2 to 3 vertices
  CHECK(a.count >= 19 / 3);
  CHECK(a.count <= 10);
  // with the link as strong as the rest, the two segments may share an aggregate
  w[9] = 1.0;
  const Chain uniform = chain(w);
  const Aggregation b = aggregate_strongly_coupled(uniform.pattern, uniform.laplacian, eligible, 0.04);
  bool crosses = false;
  for (Index i = 1; i + 1 < 20; ++i) crosses = crosses || b.aggregate_of[i] == b.aggregate_of[i + 1];
  CHECK(crosses);
}

TEST_CASE("the aggregate graph maps each block between aggregated vertices to its coarse block", "[aggregation]") {
  const Chain c = chain(std::vector<double>(11, 1.0));
  std::vector<std::uint8_t> eligible(12, 1);
  eligible[5] = 0;
  const Aggregation a = aggregate_strongly_coupled(c.pattern, c.laplacian, eligible, 0.04);
  BlockSparsePattern coarse;
  std::vector<Index> coarse_block;
  aggregate_graph(c.pattern, a, coarse, coarse_block);
  REQUIRE(coarse.rows() == a.count);
  for (Index k = 0; k < coarse.rows(); ++k) CHECK(coarse.columns[coarse.diagonal[k]] == k);
  for (Index i = 0; i < c.pattern.rows(); ++i)
    for (Index p = c.pattern.row_offsets[i]; p < c.pattern.row_offsets[i + 1]; ++p) {
      const Index j = c.pattern.columns[p];
      if (a.aggregate_of[i] == kInvalidIndex || a.aggregate_of[j] == kInvalidIndex) {
        CHECK(coarse_block[p] == kInvalidIndex);
        continue;
      }
      REQUIRE(coarse_block[p] != kInvalidIndex);
      CHECK(coarse_block[p] == coarse.find(a.aggregate_of[i], a.aggregate_of[j]));
    }
  // symmetric: (a, b) present iff (b, a)
  for (Index k = 0; k < coarse.rows(); ++k)
    for (Index p = coarse.row_offsets[k]; p < coarse.row_offsets[k + 1]; ++p) {
      const Index l = coarse.columns[p];
      bool back = false;
      for (Index q = coarse.row_offsets[l]; q < coarse.row_offsets[l + 1]; ++q) back = back || coarse.columns[q] == k;
      CHECK(back);
    }
  std::vector<Index> offsets, members;
  aggregate_members(a, offsets, members);
  CHECK(members.size() == 11);  // every eligible vertex once
}
