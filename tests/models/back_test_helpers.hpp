// Shared helpers of the model tests: generated backs cached per resolution, point
// location and ray casting on the generated mesh.
#pragma once

#include "models/back/back_anatomy.hpp"
#include "models/back/back_mesher.hpp"
#include "models/back/back_regions.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>

namespace backsim::test {

inline const models::BackModel& healthy_back(models::Resolution resolution) {
  static const models::BackModel coarse = models::generate_back(models::preset_subject(models::Condition::healthy), models::Resolution::coarse);
  static const models::BackModel standard = models::generate_back(models::preset_subject(models::Condition::healthy), models::Resolution::standard);
  return resolution == models::Resolution::coarse ? coarse : standard;
}

// The tet containing p (barycentric coordinates >= -1e-9), or nullopt.
inline std::optional<Index> tet_containing(const TetMesh& mesh, const Vec3& p) {
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const Tet& tet = mesh.tets[t];
    Mat3 d;
    for (int k = 0; k < 3; ++k) d.col(k) = mesh.nodes[tet[k + 1]] - mesh.nodes[tet[0]];
    const Vec3 b = d.inverse() * (p - mesh.nodes[tet[0]]);
    if (b.minCoeff() >= -1e-9 && b.sum() <= 1.0 + 1e-9) return t;
  }
  return std::nullopt;
}

// Distance along the ray to the first triangle it crosses (Moller-Trumbore), with
// the triangle's index.
inline std::optional<std::pair<double, std::size_t>> first_hit(const TetMesh& mesh, const std::vector<Tri>& tris,
                                                               const Vec3& origin, const Vec3& direction) {
  std::optional<std::pair<double, std::size_t>> best;
  for (std::size_t f = 0; f < tris.size(); ++f) {
    const Vec3& a = mesh.nodes[tris[f][0]];
    const Vec3 e1 = mesh.nodes[tris[f][1]] - a;
    const Vec3 e2 = mesh.nodes[tris[f][2]] - a;
    const Vec3 p = direction.cross(e2);
    const double det = e1.dot(p);
    if (std::fabs(det) < 1e-18) continue;
    const Vec3 s = origin - a;
    const double u = s.dot(p) / det;
    const Vec3 q = s.cross(e1);
    const double v = direction.dot(q) / det;
    const double t = e2.dot(q) / det;
    if (u < -1e-9 || v < -1e-9 || u + v > 1.0 + 1e-9 || t < 0) continue;
    if (!best || t < best->first) best = std::pair(t, f);
  }
  return best;
}

inline std::filesystem::path scratch_directory(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("backsim_models_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace backsim::test
