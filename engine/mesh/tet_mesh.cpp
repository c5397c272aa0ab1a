#include "engine/mesh/tet_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace backsim {

double signed_volume(const Vec3& a, const Vec3& b, const Vec3& c, const Vec3& d) {
  return (b - a).dot((c - a).cross(d - a)) / 6.0;
}

double signed_volume(const TetMesh& mesh, Index tet) {
  const Tet& t = mesh.tets[tet];
  return signed_volume(mesh.nodes[t[0]], mesh.nodes[t[1]], mesh.nodes[t[2]], mesh.nodes[t[3]]);
}

namespace {

// The six dihedral angles of a tet, from the outward face normals: the angle at the
// edge shared by faces i and j is pi - angle(n_i, n_j).
void dihedral_range(const std::array<Vec3, 4>& p, double& min_deg, double& max_deg) {
  // Face i is opposite vertex i.
  std::array<Vec3, 4> n;
  for (int i = 0; i < 4; ++i) {
    const Vec3& a = p[(i + 1) % 4];
    const Vec3& b = p[(i + 2) % 4];
    const Vec3& c = p[(i + 3) % 4];
    Vec3 normal = (b - a).cross(c - a);
    // Orient outward: away from the opposite vertex.
    if (normal.dot(p[i] - a) > 0) normal = -normal;
    n[i] = normal.normalized();
  }
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j) {
      const double c = std::clamp(-n[i].dot(n[j]), -1.0, 1.0);
      const double angle = std::acos(c) * 180.0 / std::numbers::pi;
      min_deg = std::min(min_deg, angle);
      max_deg = std::max(max_deg, angle);
    }
}

}  // namespace

MeshQuality mesh_quality(const TetMesh& mesh) {
  MeshQuality q;
  q.min_volume = std::numeric_limits<double>::infinity();
  q.min_dihedral_deg = 180.0;
  q.max_dihedral_deg = 0.0;
  q.worst_aspect_ratio = 0.0;
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const Tet& tet = mesh.tets[t];
    const std::array<Vec3, 4> p{mesh.nodes[tet[0]], mesh.nodes[tet[1]], mesh.nodes[tet[2]],
                                mesh.nodes[tet[3]]};
    const double v = signed_volume(p[0], p[1], p[2], p[3]);
    q.min_volume = std::min(q.min_volume, v);
    if (!(v > 0)) {
      ++q.inverted_or_degenerate;
      continue;
    }
    dihedral_range(p, q.min_dihedral_deg, q.max_dihedral_deg);
    double longest = 0, area = 0;
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j) longest = std::max(longest, (p[i] - p[j]).norm());
    for (int i = 0; i < 4; ++i)
      area += 0.5 * (p[(i + 2) % 4] - p[(i + 1) % 4]).cross(p[(i + 3) % 4] - p[(i + 1) % 4]).norm();
    const double inradius = 3.0 * v / area;
    // For a regular tet longest/inradius = 2 sqrt(6): normalise so that regular = 1.
    q.worst_aspect_ratio = std::max(q.worst_aspect_ratio, longest / inradius / (2.0 * std::sqrt(6.0)));
  }
  if (mesh.tet_count() == 0) q.min_volume = 0;
  return q;
}

}  // namespace backsim
