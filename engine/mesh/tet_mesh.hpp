// A linear tetrahedral mesh: the reference geometry of the tissue.
#pragma once

#include "engine/core/types.hpp"

#include <string>
#include <vector>

namespace backsim {

struct TetMesh {
  std::vector<Vec3> nodes;            // [node_count] reference positions, m
  std::vector<Tet> tets;              // [tet_count] node ids, positively oriented
  std::vector<std::int32_t> region;   // [tet_count] region id (see region_names)
  std::vector<Vec3> fibre;            // [tet_count] unit fibre direction, or empty
  std::vector<std::string> region_names;  // [region count] name of region id i

  Index node_count() const { return static_cast<Index>(nodes.size()); }
  Index tet_count() const { return static_cast<Index>(tets.size()); }
};

// Signed volume of a tetrahedron (positive when (b-a, c-a, d-a) is right-handed).
double signed_volume(const Vec3& a, const Vec3& b, const Vec3& c, const Vec3& d);
double signed_volume(const TetMesh& mesh, Index tet);

// Quality of a mesh, reported by mesh generators and importers.
struct MeshQuality {
  double min_volume = 0;          // m^3
  double min_dihedral_deg = 0;    // smallest dihedral angle over all tets
  double max_dihedral_deg = 0;    // largest dihedral angle over all tets
  double worst_aspect_ratio = 0;  // max over tets of (longest edge / inradius) / (2 sqrt 6); 1 = regular
  Index inverted_or_degenerate = 0;  // tets with volume <= 0
};
MeshQuality mesh_quality(const TetMesh& mesh);

}  // namespace backsim
