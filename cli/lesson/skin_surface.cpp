#include "cli/lesson/skin_surface.hpp"

#include "engine/core/error.hpp"
#include "engine/mesh/boundary_surface.hpp"

#include <algorithm>

namespace backsim::cli {

SkinSurface extract_skin_surface(const TetMesh& mesh, double min_normal_z) {
  const BoundarySurface boundary = extract_boundary_surface(mesh);
  SkinSurface skin;
  std::vector<Tri> mesh_tris;
  for (Index f = 0; f < boundary.tri_count(); ++f) {
    const Tri& tri = boundary.tris[f];
    const Vec3 cross = (mesh.nodes[tri[1]] - mesh.nodes[tri[0]]).cross(mesh.nodes[tri[2]] - mesh.nodes[tri[0]]);
    const double twice_area = cross.norm();
    if (!(twice_area > 0)) continue;  // a degenerate face has no direction to look at
    const Vec3 normal = cross / twice_area;
    if (normal.z() <= min_normal_z) continue;
    mesh_tris.push_back(tri);
    skin.tet_of_tri.push_back(boundary.tet_of_tri[f]);
    skin.normal.push_back(normal);
    skin.area.push_back(0.5 * twice_area);
  }
  if (mesh_tris.empty())
    throw InvalidInput("the mesh has no boundary face looking out of the skin (+z): nothing to show from behind");

  for (const Tri& tri : mesh_tris) skin.mesh_node.insert(skin.mesh_node.end(), tri.begin(), tri.end());
  std::sort(skin.mesh_node.begin(), skin.mesh_node.end());
  skin.mesh_node.erase(std::unique(skin.mesh_node.begin(), skin.mesh_node.end()), skin.mesh_node.end());
  std::vector<Index> vertex_of_node(mesh.nodes.size(), kInvalidIndex);
  for (Index v = 0; v < skin.vertex_count(); ++v) vertex_of_node[skin.mesh_node[v]] = v;
  skin.tris.reserve(mesh_tris.size());
  for (const Tri& tri : mesh_tris)
    skin.tris.push_back({vertex_of_node[tri[0]], vertex_of_node[tri[1]], vertex_of_node[tri[2]]});
  return skin;
}

}  // namespace backsim::cli
