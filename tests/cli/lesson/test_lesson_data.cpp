// The pieces of the lesson page that are computed, not drawn: colour bar ranges, the
// frames shown, region labels, the skin surface and the line through the tissue
// under each point of it.
#include "cli/lesson/colour_scale.hpp"
#include "cli/lesson/lesson_data.hpp"
#include "cli/lesson/skin_surface.hpp"
#include "cli/lesson/tissue_column.hpp"
#include "engine/mesh/block_mesher.hpp"
#include "engine/mesh/boundary_surface.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace backsim;
using namespace backsim::cli;

TEST_CASE("colour bars run between round numbers that hold the data", "[lesson]") {
  struct Case {
    double lo, hi;
    double min, max, step;
    int decimals;
  };
  for (const Case& c : {Case{0.0, 9.3, 0.0, 10.0, 2.0, 0},            // displacement in mm
                        Case{-14.2, 9.1, -15.0, 10.0, 5.0, 0},        // pressure in kPa, both signs
                        Case{2.73, 3.23, 2.7, 3.3, 0.1, 1},           // tone in % activation
                        Case{0.8, 1.0, 0.8, 1.0, 0.05, 2},            // perfusion at rest and below
                        Case{0.0, 1.25, 0.0, 1.25, 0.25, 2},
                        Case{120.0, 870.0, 0.0, 1000.0, 200.0, 0}}) {
    INFO("[" << c.lo << ", " << c.hi << "]");
    const ColourScale s = round_colour_scale(c.lo, c.hi);
    // 1e-12 and Approx: ends and ticks are multiples of a decimal step held in binary.
    CHECK(s.min == Approx(c.min).margin(1e-12));
    CHECK(s.max == Approx(c.max).margin(1e-12));
    CHECK(s.decimals == c.decimals);
    REQUIRE(s.ticks.size() >= 3);
    CHECK(s.ticks.size() <= 8);
    CHECK(s.ticks.front() == Approx(s.min).margin(1e-12));
    CHECK(s.ticks.back() == Approx(s.max).margin(1e-12));
    for (std::size_t i = 1; i < s.ticks.size(); ++i) CHECK(s.ticks[i] - s.ticks[i - 1] == Approx(c.step));
    CHECK(s.min <= c.lo);
    CHECK(s.max >= c.hi);
  }
}

TEST_CASE("a long run shows evenly spread frames with its first and last", "[lesson]") {
  CHECK(shown_frames(5, 120) == std::vector<Index>{0, 1, 2, 3, 4});
  const std::vector<Index> shown = shown_frames(721, 120);
  REQUIRE(shown.size() == 120);
  CHECK(shown.front() == 0);
  CHECK(shown.back() == 720);
  for (std::size_t i = 1; i < shown.size(); ++i) {
    CHECK(shown[i] > shown[i - 1]);
    CHECK(shown[i] - shown[i - 1] <= 7);  // 720 / 119 = 6.05, rounded either way
  }
}

TEST_CASE("region names read as labels", "[lesson]") {
  CHECK(region_label("erector_spinae_thoracic_left") == "Erector spinae thoracic (left)");
  CHECK(region_label("trapezius_upper_right") == "Trapezius upper (right)");
  CHECK(region_label("skin") == "Skin");
  CHECK(region_label("tissue") == "Tissue");
}

TEST_CASE("the skin of a block is its top face, and the line under it crosses the whole block", "[lesson]") {
  BlockGeometry geometry;
  geometry.size = Vec3(0.06, 0.04, 0.02);
  geometry.cells = {6, 4, 3};
  geometry.grading = 2;  // uneven cells: the walk must not depend on a regular grid
  const TetMesh mesh = mesh_block(geometry);
  const SkinSurface skin = extract_skin_surface(mesh, 0.25);
  REQUIRE(skin.tri_count() == 2 * 6 * 4);  // each top cell face splits in two triangles
  // Approx and 1e-15: normals, areas and the top plane come out of floating-point
  // cross products and the mesher's plane coordinates; the top is z = 0 to round-off.
  for (Index t = 0; t < skin.tri_count(); ++t) {
    CHECK(skin.normal[t].z() == Approx(1.0));
    for (const Index v : skin.tris[t]) CHECK(mesh.nodes[skin.mesh_node[v]].z() == Approx(0.0).margin(1e-15));
  }
  double area = 0;
  for (const double a : skin.area) area += a;
  CHECK(area == Approx(0.06 * 0.04));

  const TetFaceNeighbours neighbours = tet_face_neighbours(mesh);
  // Every face is shared both ways or is on the boundary.
  std::size_t boundary_faces = 0;
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    for (const Index n : neighbours[t]) {
      if (n == kInvalidIndex) {
        ++boundary_faces;
        continue;
      }
      const auto& back = neighbours[n];
      CHECK(std::find(back.begin(), back.end(), t) != back.end());
    }
  }
  CHECK(boundary_faces == extract_boundary_surface(mesh).tris.size());

  for (Index t = 0; t < skin.tri_count(); ++t) {
    const Tri& tri = skin.tris[t];
    const Vec3 centre = (mesh.nodes[skin.mesh_node[tri[0]]] + mesh.nodes[skin.mesh_node[tri[1]]] +
                         mesh.nodes[skin.mesh_node[tri[2]]]) / 3.0;
    // Straight down: through cell corners and diagonal faces of the Kuhn split.
    const std::vector<ColumnSegment> down = tissue_column(mesh, neighbours, skin.tet_of_tri[t], centre, Vec3(0, 0, -1));
    REQUIRE(!down.empty());
    CHECK(down.front().entry == 0.0);
    for (std::size_t i = 1; i < down.size(); ++i) CHECK(down[i].entry == down[i - 1].exit);
    // 1e-12 m: round-off of the plane intersections, far below any layer's thickness.
    CHECK(down.back().exit == Approx(0.02).margin(1e-12));
  }
  // Slanted, from the middle of the top: the line leaves through the bottom after
  // depth / cos(angle).
  const Vec3 slant = Vec3(0.2, 0.1, -1.0).normalized();
  int slanted = 0;
  for (Index t = 0; t < skin.tri_count(); ++t) {
    const Tri& tri = skin.tris[t];
    const Vec3 centre = (mesh.nodes[skin.mesh_node[tri[0]]] + mesh.nodes[skin.mesh_node[tri[1]]] +
                         mesh.nodes[skin.mesh_node[tri[2]]]) / 3.0;
    if (std::abs(centre.x()) > 0.01 || std::abs(centre.y()) > 0.01) continue;  // exits through the sides
    const std::vector<ColumnSegment> column = tissue_column(mesh, neighbours, skin.tet_of_tri[t], centre, slant);
    CHECK(column.back().exit == Approx(0.02 / -slant.z()).margin(1e-12));  // round-off, as above
    ++slanted;
  }
  CHECK(slanted >= 8);  // the graded cells are finest in the middle: many faces there
}
