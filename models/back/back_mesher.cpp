#include "models/back/back_mesher.hpp"

#include "engine/core/error.hpp"
#include "engine/mesh/block_mesher.hpp"
#include "engine/mesh/boundary_surface.hpp"
#include "models/back/back_regions.hpp"
#include "models/back/tissue_materials.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

namespace backsim::models {
namespace {

constexpr std::array<std::pair<std::string_view, Resolution>, 3> kResolutions{{
    {"coarse", Resolution::coarse}, {"standard", Resolution::standard}, {"fine", Resolution::fine}}};

// The 6 tets of the Kuhn split are the monotone paths from corner 000 to 111; corner
// c has offsets (c & 1, (c >> 1) & 1, (c >> 2) & 1) along (lateral, cranial, depth).
constexpr int kAxisOrders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

}  // namespace

std::string_view resolution_name(Resolution resolution) {
  for (const auto& [name, value] : kResolutions)
    if (value == resolution) return name;
  return {};
}

std::optional<Resolution> resolution_from_name(std::string_view name) {
  for (const auto& [text, value] : kResolutions)
    if (text == name) return value;
  return std::nullopt;
}

std::string resolution_names() { return "\"coarse\", \"standard\", \"fine\""; }

Index GridSize::depth_cells() const {
  Index n = 0;
  for (Index d : depth) n += d;
  return n;
}

std::size_t GridSize::tet_count() const {
  return 6 * static_cast<std::size_t>(lateral) * cranial * depth_cells();
}

GridSize grid_size(Resolution resolution) {
  // Cells through skin, fat, fascia, superficial, intermediate and deep muscle. The
  // thin layers keep one cell at every resolution; fat and deep muscle refine.
  switch (resolution) {
    case Resolution::coarse: return GridSize{14, 16, {1, 1, 1, 1, 1, 2}, 3.0};        // 9,408 tets
    case Resolution::standard: return GridSize{28, 34, {1, 2, 1, 1, 1, 3}, 3.0};      // 51,408 tets
    case Resolution::fine: return GridSize{56, 68, {1, 3, 1, 1, 1, 5}, 3.0};          // 274,176 tets
  }
  return {};
}

BackModel generate_back(const SubjectParams& subject, Resolution resolution) {
  BackModel model = generate_back(subject, grid_size(resolution));
  model.resolution = resolution;
  return model;
}

BackModel generate_back(const SubjectParams& subject, const GridSize& grid) {
  const auto start = std::chrono::steady_clock::now();
  validate_subject(subject);
  BACKSIM_ASSERT(grid.lateral >= 4 && grid.lateral % 2 == 0 && grid.cranial >= 1,
                 "the lateral cell count must be even and >= 4 (midline and ridge are grid planes)");
  for (Index d : grid.depth) BACKSIM_ASSERT(d >= 1, "every layer needs at least one cell");
  const BackAnatomy anatomy(subject);
  const BackGeometry& g = anatomy.geometry;

  BackModel model;
  model.subject = subject;
  model.grid = grid;
  const Index ni = grid.lateral, nj = grid.cranial, nk = grid.depth_cells();
  const Index mid = ni / 2;  // the midline column

  // depth cell k -> layer and the centre of the cell through its layer
  std::vector<Layer> layer_of_cell(nk);
  std::vector<double> fraction_in_layer(nk);
  Index first_muscle_plane = 0;  // the fascia / muscle interface
  {
    Index k = 0;
    for (int l = 0; l < kLayerCount; ++l) {
      const Index n = grid.depth[static_cast<std::size_t>(l)];
      if (static_cast<Layer>(l) == Layer::muscle_superficial) first_muscle_plane = k;
      for (Index c = 0; c < n; ++c, ++k) {
        layer_of_cell[k] = static_cast<Layer>(l);
        fraction_in_layer[k] = (c + 0.5) / n;
      }
    }
  }

  // Lateral planes of each row: the midline, the two sides of the ridge of spinous
  // processes at +-spinous_half_width, then cells growing toward the lateral edge
  // (fine next to the spine, where strokes run along the paraspinal muscles).
  const double ridge = anatomy.profile.spinous_half_width();
  const Index side_cells = mid - 1;
  std::vector<double> growth(side_cells + 1);  // 0 at the ridge .. 1 at the edge
  {
    const std::vector<double> p = graded_planes(1.0, side_cells, grid.lateral_grading, false);  // -1 .. 0, fine at 0
    for (Index n = 0; n <= side_cells; ++n) growth[n] = -p[side_cells - n];
  }

  // nodes: columns hang from the skin along the inward normal
  std::vector<Vec2> column_xy((ni + 1) * static_cast<std::size_t>(nj + 1));
  auto column = [&](Index i, Index j) { return j * (ni + 1) + i; };
  auto node_id = [&](Index i, Index j, Index k) { return column(i, j) * (nk + 1) + k; };
  std::vector<Vec3> nodes(column_xy.size() * (nk + 1));
  for (Index j = 0; j <= nj; ++j) {
    const double t = static_cast<double>(j) / nj;
    const double half = g.row_half_width(t);
    BACKSIM_ASSERT(half > 2.0 * ridge, "the back is wider than its spine");
    for (Index i = 0; i <= ni; ++i) {
      const double side = i < mid ? -1.0 : 1.0;
      const Index n = i < mid ? mid - i : i - mid;  // planes away from the midline
      const double x = n == 0 ? 0.0 : side * (ridge + (half - ridge) * growth[n - 1]);
      const Vec2 xy = g.footprint(x / half, t);
      column_xy[column(i, j)] = xy;
      const LayerThickness th = anatomy.profile.at(xy.x(), xy.y());
      const Vec3 skin = g.skin_point(xy.x(), xy.y());
      const Vec3 inward = -g.outward_normal(xy.x(), xy.y());
      double depth = 0.0;
      Index k = 0;
      nodes[node_id(i, j, k)] = skin;
      for (int l = 0; l < kLayerCount; ++l) {
        const Index cells = grid.depth[static_cast<std::size_t>(l)];
        const double step = th.t[static_cast<std::size_t>(l)] / cells;
        for (Index c = 0; c < cells; ++c) {
          depth += step;
          nodes[node_id(i, j, ++k)] = skin + depth * inward;
        }
      }
    }
  }

  // Held nodes: the deep plane (bone, or the abdominal wall) and the ridge of spinous
  // processes below the fascia (columns mid - 1 .. mid + 1).
  std::vector<std::uint8_t> held(nodes.size(), 0);
  for (Index j = 0; j <= nj; ++j)
    for (Index i = 0; i <= ni; ++i) {
      held[node_id(i, j, nk)] = 1;
      if (i + 1 >= mid && i <= mid + 1)
        for (Index k = first_muscle_plane; k <= nk; ++k) held[node_id(i, j, k)] = 1;
    }

  // tets, labelled per hex from the atlas at the column centre; the muscle hexes of
  // the ridge are bone and left out
  TetMesh mesh;
  const std::size_t tet_total = grid.tet_count();
  mesh.tets.reserve(tet_total);
  mesh.region.reserve(tet_total);
  mesh.fibre.reserve(tet_total);
  model.tet_layer.reserve(tet_total);
  model.tet_footprint.reserve(tet_total);
  mesh.region_names = back_region_names();
  Index non_positive = 0;
  for (Index j = 0; j < nj; ++j)
    for (Index i = 0; i < ni; ++i) {
      const bool in_ridge = i + 1 == mid || i == mid;
      const Vec2 centre = 0.25 * (column_xy[column(i, j)] + column_xy[column(i + 1, j)] +
                                  column_xy[column(i, j + 1)] + column_xy[column(i + 1, j + 1)]);
      for (Index k = 0; k < nk; ++k) {
        if (in_ridge && k >= first_muscle_plane) break;
        const AtlasLabel label = anatomy.atlas.label(centre.x(), centre.y(), layer_of_cell[k], fraction_in_layer[k]);
        const Vec3 fibre = label.fibre.isZero() ? Vec3::Zero()
                                                : g.surface_direction(centre.x(), centre.y(), label.fibre);
        auto corner = [&](int c) { return node_id(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)); };
        for (const auto& order : kAxisOrders) {
          int c = 0;
          Tet tet{};
          tet[0] = corner(c);
          for (int a = 0; a < 3; ++a) {
            c |= 1 << order[a];
            tet[a + 1] = corner(c);
          }
          // Depth grows inward, so the mapped hex is mirrored: swap to orient positively.
          double v = signed_volume(nodes[tet[0]], nodes[tet[1]], nodes[tet[2]], nodes[tet[3]]);
          if (v < 0) {
            std::swap(tet[2], tet[3]);
            v = -v;
          }
          if (!(v > 0)) ++non_positive;
          mesh.tets.push_back(tet);
          mesh.region.push_back(label.region);
          mesh.fibre.push_back(fibre);
          model.tet_layer.push_back(static_cast<std::uint8_t>(layer_of_cell[k]));
          model.tet_footprint.push_back(centre);
        }
      }
    }

  // Compact: the nodes inside the ridge belong to no tet.
  std::vector<Index> new_id(nodes.size(), kInvalidIndex);
  std::vector<Vec2> node_xy;
  for (Tet& tet : mesh.tets)
    for (Index& v : tet) {
      if (new_id[v] == kInvalidIndex) {
        new_id[v] = static_cast<Index>(mesh.nodes.size());
        mesh.nodes.push_back(nodes[v]);
        node_xy.push_back(column_xy[v / (nk + 1)]);
      }
      v = new_id[v];
    }
  for (std::size_t v = 0; v < nodes.size(); ++v)
    if (held[v] && new_id[v] != kInvalidIndex) model.held_nodes.push_back(new_id[v]);
  std::sort(model.held_nodes.begin(), model.held_nodes.end());
  const auto edge = [&](std::vector<Index>& out, auto on_edge) {
    for (Index j = 0; j <= nj; ++j)
      for (Index i = 0; i <= ni; ++i)
        if (on_edge(i, j))
          for (Index k = 0; k <= nk; ++k) {
            const Index v = node_id(i, j, k);
            if (!held[v] && new_id[v] != kInvalidIndex) out.push_back(new_id[v]);
          }
    std::sort(out.begin(), out.end());
  };
  edge(model.left_edge_nodes, [&](Index i, Index) { return i == 0; });
  edge(model.right_edge_nodes, [&](Index i, Index) { return i == ni; });
  edge(model.caudal_edge_nodes, [&](Index, Index j) { return j == 0; });
  edge(model.cranial_edge_nodes, [&](Index, Index j) { return j == nj; });
  model.mesh = std::move(mesh);
  const TetMesh& m = model.mesh;

  model.quality = mesh_quality(m);
  if (non_positive > 0 || model.quality.inverted_or_degenerate > 0) {
    throw InvalidInput(fmt::format(
        "the back of this subject has {} degenerate or inverted tets: the tissue is deeper than "
        "the curvature of the skin allows; reduce fat_scale, muscle_scale or the kyphosis/lordosis",
        std::max(non_positive, model.quality.inverted_or_degenerate)));
  }

  // The bone surface: boundary faces whose three nodes are held (the deep plane and
  // the top and walls of the ridge), oriented out of the tissue.
  std::vector<std::uint8_t> node_held(m.node_count(), 0);
  for (Index v : model.held_nodes) node_held[v] = 1;
  const BoundarySurface boundary = extract_boundary_surface(m);
  for (Index f = 0; f < boundary.tri_count(); ++f) {
    const Tri& tri = boundary.tris[f];
    if (!(node_held[tri[0]] && node_held[tri[1]] && node_held[tri[2]])) continue;
    const Vec2 centroid = (node_xy[tri[0]] + node_xy[tri[1]] + node_xy[tri[2]]) / 3.0;
    const bool on_ridge = std::fabs(centroid.x()) <= ridge * (1.0 + 1e-9);
    model.bone_surface.tris.push_back(tri);
    model.bone_surface.bone.push_back(on_ridge ? Bone::spinous_process : anatomy.bones.at(centroid.x(), centroid.y()));
    model.bone_surface.tet_of_tri.push_back(boundary.tet_of_tri[f]);
  }

  model.region_material = back_region_materials(subject);
  model.landmarks = anatomy.landmarks.all();
  model.trigger_points = place_trigger_points(anatomy);
  model.tet_tone = element_tone(anatomy, m, model.tet_footprint, model.trigger_points);
  model.generation_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return model;
}

}  // namespace backsim::models
