// The procedural back: a structured hex grid in curvilinear coordinates (lateral s,
// cranio-caudal t, depth through the layers) mapped onto the curved back and split
// into 6 positively oriented tets per hex (Kuhn split, as engine/mesh/block_mesher).
// Layer interfaces lie on grid planes, so the layers conform.
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "engine/sim/simulation_spec.hpp"
#include "models/back/back_anatomy.hpp"
#include "models/back/bone_atlas.hpp"
#include "models/back/tone_map.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backsim::models {

enum class Resolution : std::uint8_t { coarse, standard, fine };
std::string_view resolution_name(Resolution resolution);
std::optional<Resolution> resolution_from_name(std::string_view name);
std::string resolution_names();  // "\"coarse\", \"standard\", \"fine\""

struct GridSize {
  Index lateral = 0;   // cells across (even: the midline is a grid plane)
  Index cranial = 0;   // cells from S1 to the neck base
  std::array<Index, kLayerCount> depth{};  // cells through each layer, skin first
  double lateral_grading = 3.0;  // largest / smallest lateral cell (finest at the midline)
  Index depth_cells() const;
  std::size_t tet_count() const;
};
GridSize grid_size(Resolution resolution);

// The deepest soft-tissue surface, where bone (or the abdominal wall) holds the tissue.
struct BoneSurface {
  std::vector<Tri> tris;          // [tri] node ids, normal pointing out of the tissue (into the bone)
  std::vector<Bone> bone;         // [tri] what lies beneath
  std::vector<Index> tet_of_tri;  // [tri] the tet the face belongs to
};

struct BackModel {
  SubjectParams subject;
  Resolution resolution = Resolution::standard;
  GridSize grid;
  TetMesh mesh;                                  // regions: back_region_names(); fibre zero in non-fibrous tissue
  std::vector<MaterialParams> region_material;   // [region]
  std::vector<Index> held_nodes;                 // [held] ascending: nodes of the deep surface and of the spinous ridge
  // Where the model is cut from the body: the free (not held) nodes of the lateral
  // edges and of the bottom (S1) and top (neck and shoulders) edges, ascending.
  // body_supports.hpp puts the table or the seat there.
  std::vector<Index> left_edge_nodes;            // patient's left, x < 0
  std::vector<Index> right_edge_nodes;
  std::vector<Index> caudal_edge_nodes;          // S1
  std::vector<Index> cranial_edge_nodes;
  BoneSurface bone_surface;
  std::vector<std::uint8_t> tet_layer;           // [tet] Layer
  std::vector<Vec2> tet_footprint;               // [tet] (x, y) of the tet's grid column centre, m
  std::vector<double> tet_tone;                  // [tet] resting activation in [0, 1]
  std::vector<Landmark> landmarks;
  std::vector<PlacedTriggerPoint> trigger_points;
  MeshQuality quality;
  double generation_seconds = 0;
};

// Validates the subject (InvalidInput) and builds its back.
BackModel generate_back(const SubjectParams& subject, Resolution resolution);
// The same with an explicit grid (tests, studies of convergence).
BackModel generate_back(const SubjectParams& subject, const GridSize& grid);

}  // namespace backsim::models
