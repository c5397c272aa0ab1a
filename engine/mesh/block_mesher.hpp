// Structured tetrahedral mesh of a rectangular block of tissue.
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "engine/sim/simulation_spec.hpp"

namespace backsim {

// Meshes the block [-sx/2, sx/2] x [-sy/2, sy/2] x [-sz, 0] with nx*ny*nz hexahedral
// cells, each split into 6 tets along its main diagonal (Kuhn/Freudenthal split:
// neighbouring cells share face diagonals, so the mesh is conforming). With
// grading > 1 the cells shrink toward the top centre (x = y = 0, z = 0) by a sinh
// map, the largest cell being `grading` times the smallest. One region, "tissue".
TetMesh mesh_block(const BlockGeometry& geometry);

// Tensor-product tet mesh of the grid with the given plane coordinates (each
// ascending), Kuhn split as above. One region, "tissue".
TetMesh mesh_tensor_grid(const std::vector<double>& px, const std::vector<double>& py,
                         const std::vector<double>& pz);

// Coordinates of the n+1 grid planes along one axis (exposed for tests).
// Two-sided (centred, fine at 0) when `centred`, else one-sided from 0 (fine) to -length.
std::vector<double> graded_planes(double length, Index cells, double grading, bool centred);

}  // namespace backsim
