#include "engine/mesh/boundary_surface.hpp"

#include <algorithm>

namespace backsim {

BoundarySurface extract_boundary_surface(const TetMesh& mesh) {
  // Faces of a positively oriented tet (a, b, c, d), each counter-clockwise seen
  // from outside: (a, c, b), (a, b, d), (a, d, c), (b, c, d).
  static constexpr int kFaces[4][3] = {{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}};
  struct Face {
    Tri key;    // sorted node ids
    Tri nodes;  // oriented
    Index tet;
  };
  std::vector<Face> faces;
  faces.reserve(4 * static_cast<std::size_t>(mesh.tet_count()));
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const Tet& tet = mesh.tets[t];
    for (const auto& f : kFaces) {
      Tri nodes{tet[f[0]], tet[f[1]], tet[f[2]]};
      Tri key = nodes;
      std::sort(key.begin(), key.end());
      faces.push_back({key, nodes, t});
    }
  }
  std::sort(faces.begin(), faces.end(), [](const Face& a, const Face& b) {
    return a.key != b.key ? a.key < b.key : a.tet < b.tet;
  });

  BoundarySurface surface;
  for (std::size_t i = 0; i < faces.size();) {
    std::size_t j = i + 1;
    while (j < faces.size() && faces[j].key == faces[i].key) ++j;
    if (j - i == 1) {
      surface.tris.push_back(faces[i].nodes);
      surface.tet_of_tri.push_back(faces[i].tet);
    }
    i = j;
  }
  for (const Tri& tri : surface.tris) surface.nodes.insert(surface.nodes.end(), tri.begin(), tri.end());
  std::sort(surface.nodes.begin(), surface.nodes.end());
  surface.nodes.erase(std::unique(surface.nodes.begin(), surface.nodes.end()), surface.nodes.end());
  return surface;
}

}  // namespace backsim
