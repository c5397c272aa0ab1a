// The skin as the lesson page shows it: the boundary faces that look out of the back
// (docs/model.md: z is posterior, out of the skin), numbered compactly.
//
// The page views the back from behind, so the deep surface on the bone, the cut sides
// of the model and the walls of the spinous ridge are left out: they are hidden from
// that view and would only add to the file.
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <vector>

namespace backsim::cli {

struct SkinSurface {
  std::vector<Index> mesh_node;  // [V] mesh node id of each surface vertex (sorted)
  std::vector<Tri> tris;         // [T] surface vertex ids, counter-clockwise seen from outside
  std::vector<Index> tet_of_tri; // [T] the tet each face belongs to
  std::vector<Vec3> normal;      // [T] unit outward normal in the reference geometry
  std::vector<double> area;      // [T] m^2, reference geometry

  Index vertex_count() const { return static_cast<Index>(mesh_node.size()); }
  Index tri_count() const { return static_cast<Index>(tris.size()); }
};

// Boundary faces whose outward unit normal has z > min_normal_z. Throws InvalidInput
// when no face qualifies (a mesh with no upward-facing boundary).
SkinSurface extract_skin_surface(const TetMesh& mesh, double min_normal_z);

}  // namespace backsim::cli
