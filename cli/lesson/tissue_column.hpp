// The tets that a straight line crosses from a surface face inward: what a needle
// pushed in perpendicular to the skin would pass through. The lesson page uses it for
// the layers under each point of the skin (shown on hover) and for the muscle whose
// tone and blood flow a point of the skin shows.
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <array>
#include <vector>

namespace backsim::cli {

// [M][k]: the tet across the face opposite node k of each tet, kInvalidIndex on the
// boundary.
using TetFaceNeighbours = std::vector<std::array<Index, 4>>;
TetFaceNeighbours tet_face_neighbours(const TetMesh& mesh);

struct ColumnSegment {
  Index tet;
  double entry;  // m along the line from its origin
  double exit;   // m
};

// Walks from `first_tet` (whose boundary contains `origin`) along the unit vector
// `direction`, tet to tet across shared faces, until the line leaves the mesh.
// Segments come out in order, entry of one = exit of the one before.
std::vector<ColumnSegment> tissue_column(const TetMesh& mesh, const TetFaceNeighbours& neighbours, Index first_tet,
                                         const Vec3& origin, const Vec3& direction);

}  // namespace backsim::cli
