// The boundary of a tet mesh: faces that belong to exactly one tet.
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <vector>

namespace backsim {

struct BoundarySurface {
  std::vector<Tri> tris;         // [tri_count] node ids, counter-clockwise seen from outside
  std::vector<Index> tet_of_tri; // [tri_count] the tet each face belongs to
  std::vector<Index> nodes;      // [surface node count] sorted ids of the nodes on the boundary

  Index tri_count() const { return static_cast<Index>(tris.size()); }
};

// Deterministic: triangles come out sorted by their sorted node triple.
BoundarySurface extract_boundary_surface(const TetMesh& mesh);

}  // namespace backsim
