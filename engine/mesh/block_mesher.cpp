#include "engine/mesh/block_mesher.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace backsim {

std::vector<double> graded_planes(double length, Index cells, double grading, bool centred) {
  // Map uniform s in [0, 1] through g(s) = sinh(beta s) / sinh(beta). The cell size
  // is proportional to g'(s) = beta cosh(beta s) / sinh(beta), so the ratio of the
  // largest (s = 1) to the smallest (s = 0) cell is cosh(beta): beta = acosh(grading).
  const double beta = std::acosh(std::max(grading, 1.0));
  auto g = [beta](double s) { return beta < 1e-12 ? s : std::sinh(beta * s) / std::sinh(beta); };
  std::vector<double> planes(cells + 1);
  for (Index i = 0; i <= cells; ++i) {
    const double u = static_cast<double>(i) / cells;
    if (centred) {
      const double s = 2.0 * u - 1.0;  // -1 .. 1
      planes[i] = 0.5 * length * (s < 0 ? -g(-s) : g(s));
    } else {
      planes[i] = -length * g(u);  // 0 .. -length
    }
  }
  if (!centred) std::reverse(planes.begin(), planes.end());  // ascending: -length .. 0
  return planes;
}

TetMesh mesh_block(const BlockGeometry& geometry) {
  const auto [nx, ny, nz] = geometry.cells;
  BACKSIM_ASSERT(nx > 0 && ny > 0 && nz > 0, "block mesher needs at least one cell per axis");
  return mesh_tensor_grid(graded_planes(geometry.size.x(), nx, geometry.grading, true),
                          graded_planes(geometry.size.y(), ny, geometry.grading, true),
                          graded_planes(geometry.size.z(), nz, geometry.grading, false));
}

TetMesh mesh_tensor_grid(const std::vector<double>& px, const std::vector<double>& py,
                         const std::vector<double>& pz) {
  BACKSIM_ASSERT(px.size() > 1 && py.size() > 1 && pz.size() > 1, "a grid needs two planes per axis");
  const auto nx = static_cast<Index>(px.size() - 1);
  const auto ny = static_cast<Index>(py.size() - 1);
  const auto nz = static_cast<Index>(pz.size() - 1);
  TetMesh mesh;
  auto node_id = [&](Index i, Index j, Index k) { return (k * (ny + 1) + j) * (nx + 1) + i; };
  mesh.nodes.reserve(static_cast<std::size_t>(nx + 1) * (ny + 1) * (nz + 1));
  for (Index k = 0; k <= nz; ++k)
    for (Index j = 0; j <= ny; ++j)
      for (Index i = 0; i <= nx; ++i) mesh.nodes.emplace_back(px[i], py[j], pz[k]);

  // The 6 tets of the Kuhn split are the monotone paths from corner 000 to 111;
  // corner c has offsets (c & 1, (c >> 1) & 1, (c >> 2) & 1).
  static constexpr int kAxisOrders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                            {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  mesh.tets.reserve(6 * static_cast<std::size_t>(nx) * ny * nz);
  for (Index k = 0; k < nz; ++k)
    for (Index j = 0; j < ny; ++j)
      for (Index i = 0; i < nx; ++i) {
        auto corner = [&](int c) { return node_id(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)); };
        for (const auto& order : kAxisOrders) {
          int c = 0;
          Tet tet{};
          tet[0] = corner(c);
          for (int s = 0; s < 3; ++s) {
            c |= 1 << order[s];
            tet[s + 1] = corner(c);
          }
          if (signed_volume(mesh.nodes[tet[0]], mesh.nodes[tet[1]], mesh.nodes[tet[2]],
                            mesh.nodes[tet[3]]) < 0)
            std::swap(tet[2], tet[3]);
          mesh.tets.push_back(tet);
        }
      }
  mesh.region.assign(mesh.tets.size(), 0);
  mesh.region_names = {"tissue"};
  return mesh;
}

}  // namespace backsim
