// Where contact is measured: quadrature points on the free boundary triangles.
//
// Contact is integrated over the skin surface, not lumped at nodes: each boundary
// triangle carries a 7-point Dunavant rule (exact for degree 5), so a tool cannot
// slip between surface nodes and the pressure integrates to the right force on
// coarse meshes (Bullet's node-only contact lets a sphere sink between nodes).
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/boundary_surface.hpp"

#include <span>
#include <vector>

namespace backsim {

struct ContactQuadrature {
  std::vector<Index> tri;            // [point] boundary triangle holding the point
  std::vector<Vec3> barycentric;     // [point] weights of the triangle's 3 nodes
  std::vector<double> area;          // [point] reference area the point stands for, m^2

  Index point_count() const { return static_cast<Index>(tri.size()); }
};

// Points on every boundary triangle whose three nodes are skin (`node_is_skin`
// is 1 for boundary nodes that tools may touch).
ContactQuadrature build_contact_quadrature(const std::vector<Vec3>& nodes,
                                           const BoundarySurface& surface,
                                           std::span<const std::uint8_t> node_is_skin);

}  // namespace backsim
