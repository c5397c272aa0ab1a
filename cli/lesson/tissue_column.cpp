#include "cli/lesson/tissue_column.hpp"

#include <algorithm>
#include <limits>

namespace backsim::cli {

TetFaceNeighbours tet_face_neighbours(const TetMesh& mesh) {
  struct Face {
    Tri key;  // sorted node ids
    Index tet;
    int opposite;  // the tet's node not on the face
  };
  std::vector<Face> faces;
  faces.reserve(4 * mesh.tets.size());
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    for (int k = 0; k < 4; ++k) {
      Tri key{};
      int n = 0;
      for (int j = 0; j < 4; ++j)
        if (j != k) key[static_cast<std::size_t>(n++)] = mesh.tets[t][static_cast<std::size_t>(j)];
      std::sort(key.begin(), key.end());
      faces.push_back({key, t, k});
    }
  }
  std::sort(faces.begin(), faces.end(), [](const Face& a, const Face& b) { return a.key < b.key; });
  TetFaceNeighbours across(mesh.tets.size(), {kInvalidIndex, kInvalidIndex, kInvalidIndex, kInvalidIndex});
  for (std::size_t i = 0; i + 1 < faces.size(); ++i) {
    if (faces[i].key != faces[i + 1].key) continue;
    across[faces[i].tet][static_cast<std::size_t>(faces[i].opposite)] = faces[i + 1].tet;
    across[faces[i + 1].tet][static_cast<std::size_t>(faces[i + 1].opposite)] = faces[i].tet;
  }
  return across;
}

std::vector<ColumnSegment> tissue_column(const TetMesh& mesh, const TetFaceNeighbours& neighbours, Index first_tet,
                                         const Vec3& origin, const Vec3& direction) {
  std::vector<ColumnSegment> column;
  Index tet = first_tet;
  double entry = 0;
  // A line crosses each tet at most once: more steps than tets means a numerical loop.
  for (Index step = 0; tet != kInvalidIndex && step < mesh.tet_count(); ++step) {
    const Tet& nodes = mesh.tets[tet];
    double exit = std::numeric_limits<double>::infinity();
    int exit_face = -1;
    for (int k = 0; k < 4; ++k) {
      // The face opposite node k, with its normal pointing away from node k (outward).
      const Vec3& a = mesh.nodes[nodes[static_cast<std::size_t>((k + 1) % 4)]];
      const Vec3& b = mesh.nodes[nodes[static_cast<std::size_t>((k + 2) % 4)]];
      const Vec3& c = mesh.nodes[nodes[static_cast<std::size_t>((k + 3) % 4)]];
      Vec3 normal = (b - a).cross(c - a);
      if (normal.dot(a - mesh.nodes[nodes[static_cast<std::size_t>(k)]]) < 0) normal = -normal;
      const double rate = normal.dot(direction);
      if (!(rate > 0)) continue;  // the line enters through this face or runs along it
      const double s = normal.dot(a - origin) / rate;
      if (s < exit) {
        exit = s;
        exit_face = k;
      }
    }
    if (exit_face < 0) break;  // cannot happen for a tet with volume; stop rather than loop
    exit = std::max(exit, entry);  // a line through an edge or a node: round-off only
    column.push_back({tet, entry, exit});
    entry = exit;
    tet = neighbours[tet][static_cast<std::size_t>(exit_face)];
  }
  return column;
}

}  // namespace backsim::cli
