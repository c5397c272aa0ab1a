// Block mesher, boundary extraction, colouring and sparsity pattern.
#include "engine/mesh/block_mesher.hpp"
#include "engine/mesh/boundary_surface.hpp"
#include "engine/mesh/element_colouring.hpp"
#include "engine/solver/block_sparse_matrix.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace backsim;

namespace {
BlockGeometry geometry(double grading) {
  BlockGeometry g;
  g.size = Vec3(0.2, 0.15, 0.04);
  g.cells = {7, 5, 3};
  g.grading = grading;
  return g;
}
}  // namespace

TEST_CASE("block mesh fills the block with positive, conforming tets", "[mesh]") {
  const double grading = GENERATE(1.0, 8.0);
  const TetMesh mesh = mesh_block(geometry(grading));
  REQUIRE(mesh.tet_count() == 6u * 7 * 5 * 3);
  REQUIRE(mesh.node_count() == 8u * 6 * 4);
  double volume = 0;
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const double v = signed_volume(mesh, t);
    REQUIRE(v > 0);
    volume += v;
  }
  CHECK(volume == Approx(0.2 * 0.15 * 0.04).epsilon(1e-12));  // exact up to round-off
  const MeshQuality q = mesh_quality(mesh);
  CHECK(q.inverted_or_degenerate == 0);
  CHECK(q.min_dihedral_deg > 0);
  CHECK(q.worst_aspect_ratio >= 1.0);

  // Conforming: every interior face is shared by exactly two tets, so the boundary
  // is a closed 2-manifold: each edge in exactly two boundary triangles.
  const BoundarySurface surface = extract_boundary_surface(mesh);
  std::map<std::pair<Index, Index>, int> edge_use;
  double area = 0;
  double divergence = 0;  // (1/3) sum over faces of (centroid . n) A = volume
  for (const Tri& t : surface.tris) {
    for (int k = 0; k < 3; ++k) {
      auto e = std::minmax(t[k], t[(k + 1) % 3]);
      ++edge_use[{e.first, e.second}];
    }
    const Vec3 a = mesh.nodes[t[0]], b = mesh.nodes[t[1]], c = mesh.nodes[t[2]];
    const Vec3 n2 = (b - a).cross(c - a);  // 2 A n, outward if oriented right
    area += 0.5 * n2.norm();
    divergence += ((a + b + c) / 3.0).dot(n2) / 6.0;
  }
  for (const auto& [edge, uses] : edge_use) REQUIRE(uses == 2);
  CHECK(area == Approx(2 * (0.2 * 0.15 + 0.2 * 0.04 + 0.15 * 0.04)).epsilon(1e-12));
  CHECK(divergence == Approx(volume).epsilon(1e-12));  // outward orientation
  CHECK(surface.nodes.size() == mesh.node_count() - 6u * 4 * 2);  // all but the interior nodes
}

TEST_CASE("graded planes shrink toward the top centre by the grading ratio", "[mesh]") {
  const std::vector<double> p = graded_planes(1.0, 20, 10.0, true);
  REQUIRE(p.front() == Approx(-0.5));
  REQUIRE(p.back() == Approx(0.5));
  for (std::size_t i = 1; i < p.size(); ++i) REQUIRE(p[i] > p[i - 1]);
  const double smallest = p[11] - p[10], largest = p[1] - p[0];
  // The continuous map gives cosh(beta) = 10 exactly; cells sample it over a finite width.
  CHECK(largest / smallest == Approx(10.0).epsilon(0.15));
  const std::vector<double> z = graded_planes(0.04, 6, 4.0, false);
  CHECK(z.front() == Approx(-0.04));
  CHECK(z.back() == Approx(0.0).margin(1e-15));
  CHECK(z[6] - z[5] < z[1] - z[0]);  // finest at the skin
}

TEST_CASE("colouring never puts two tets sharing a node in one colour", "[mesh]") {
  const TetMesh mesh = mesh_block(geometry(1.0));
  const std::span<const Index> nodes(mesh.tets.front().data(), mesh.tets.size() * 4);
  const ElementColouring c = colour_elements(nodes, 4, mesh.node_count());
  REQUIRE(c.elements.size() == mesh.tet_count());
  std::set<Index> all(c.elements.begin(), c.elements.end());
  REQUIRE(all.size() == mesh.tet_count());  // a permutation
  for (Index col = 0; col < c.colour_count(); ++col) {
    std::set<Index> used;
    for (Index k = c.colour_offsets[col]; k < c.colour_offsets[col + 1]; ++k)
      for (Index node : mesh.tets[c.elements[k]]) REQUIRE(used.insert(node).second);
  }
  CHECK(c.colour_count() < 40);  // greedy on a Kuhn grid needs a few dozen at most
}

TEST_CASE("block sparse pattern holds exactly the node pairs that share a tet", "[mesh]") {
  const TetMesh mesh = mesh_block(geometry(1.0));
  const std::span<const Index> nodes(mesh.tets.front().data(), mesh.tets.size() * 4);
  const BlockSparsePattern p = pattern_from_elements(nodes, 4, mesh.node_count());
  std::set<std::pair<Index, Index>> pairs;
  for (const Tet& t : mesh.tets)
    for (Index a : t)
      for (Index b : t) pairs.insert({a, b});
  CHECK(p.block_count() == pairs.size());
  for (const auto& [a, b] : pairs) CHECK(p.columns[p.find(a, b)] == b);
  // y = A x with A = identity blocks on the diagonal reproduces x.
  BlockSparseMatrix A;
  A.bind(p);
  for (Index i = 0; i < p.rows(); ++i) A.blocks[p.diagonal[i]] = Mat3::Identity() * (i + 1);
  std::vector<double> x(3 * p.rows()), y(3 * p.rows());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 7);
  A.multiply(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == x[i] * static_cast<double>(i / 3 + 1));
}
