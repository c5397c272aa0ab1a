#include "models/import/mesh_import.hpp"

#include "engine/core/error.hpp"
#include "models/import/gmsh_msh.hpp"
#include "models/import/vtk_mesh.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace backsim::models {
namespace {

// A tet whose volume is below this fraction of the regular tet on its longest edge
// (l^3 / (6 sqrt 2)) is degenerate: its four nodes are coplanar to rounding, and its
// stiffness would be singular.
constexpr double kDegenerateVolumeFraction = 1e-8;
constexpr double kMaxCoordinate = 1e3;  // m
constexpr double kMaxFibreComponent = 1e100;

// Eigen's allFinite() computes x - x, which raises FE_INVALID for an infinite value
// (a trap under the tests' floating-point exceptions); std::isfinite does not.
bool all_finite(const Vec3& v) { return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z()); }

std::string group_description(const RawMesh& raw, const std::string& key) {
  for (const RawMesh::Group& g : raw.groups)
    if (g.key == key) return g.name.empty() ? fmt::format("group {}", key) : fmt::format("group {} \"{}\"", key, g.name);
  return fmt::format("group {}", key);
}

bool rule_matches(const RegionRule& rule, const RawMesh::Group& group) {
  return rule.source == group.key || (!group.name.empty() && rule.source == group.name);
}

}  // namespace

std::string_view mesh_format_name(MeshFormat format) {
  switch (format) {
    case MeshFormat::msh: return "msh";
    case MeshFormat::vtk: return "vtk";
    case MeshFormat::vtu: return "vtu";
  }
  return {};
}

std::optional<MeshFormat> mesh_format_from_name(std::string_view name) {
  if (name == "msh") return MeshFormat::msh;
  if (name == "vtk") return MeshFormat::vtk;
  if (name == "vtu") return MeshFormat::vtu;
  return std::nullopt;
}

std::optional<MeshFormat> mesh_format_from_path(const std::filesystem::path& path) {
  return mesh_format_from_name(path.extension().string().substr(path.extension().empty() ? 0 : 1));
}

ImportedMesh import_mesh(const std::filesystem::path& path, const MeshImportOptions& options) {
  const auto format = mesh_format_from_path(path);
  if (!format)
    throw InvalidInput(fmt::format("{}: unknown mesh format \"{}\"; allowed extensions: .msh, .vtk, .vtu",
                                   path.string(), path.extension().string()));
  return import_mesh(path, *format, options);
}

ImportedMesh import_mesh(const std::filesystem::path& path, MeshFormat format, const MeshImportOptions& options) {
  if (!(options.length_scale > 0.0) || !std::isfinite(options.length_scale))
    throw InvalidInput(fmt::format("{}: length scale {} must be positive", path.string(), options.length_scale));
  if (options.regions.empty())
    throw InvalidInput(fmt::format("{}: the region table is empty; map each group of the file to a region", path.string()));
  RawMesh raw;
  switch (format) {
    case MeshFormat::msh: raw = read_gmsh_msh(path, options.fibre_field); break;
    case MeshFormat::vtk: raw = read_vtk_legacy(path, options.region_field, options.fibre_field); break;
    case MeshFormat::vtu: raw = read_vtu(path, options.region_field, options.fibre_field); break;
  }
  return finish_import(std::move(raw), options, path.string());
}

ImportedMesh finish_import(RawMesh raw, const MeshImportOptions& options, const std::string& file) {
  // every table entry must name a group of the file
  for (const RegionRule& rule : options.regions) {
    const bool present = std::any_of(raw.groups.begin(), raw.groups.end(),
                                     [&](const RawMesh::Group& g) { return rule_matches(rule, g); });
    if (!present) {
      std::string known;
      for (const RawMesh::Group& g : raw.groups)
        known += (known.empty() ? "" : ", ") + (g.name.empty() ? g.key : fmt::format("{} \"{}\"", g.key, g.name));
      throw InvalidInput(fmt::format("{}: the region table names group \"{}\" (region \"{}\"), which is not in the "
                                     "file; groups in the file: {}",
                                     file, rule.source, rule.region, known.empty() ? "none" : known));
    }
  }
  // group key -> rule
  std::map<std::string, const RegionRule*> rule_of;
  for (const RawMesh::Group& g : raw.groups)
    for (const RegionRule& rule : options.regions)
      if (rule_matches(rule, g) && !rule_of.count(g.key)) rule_of[g.key] = &rule;

  ImportedMesh out;
  std::map<std::string, std::int32_t> region_id;
  for (const RegionRule& rule : options.regions) {
    if (rule.bone) {
      if (std::find(out.bone_names.begin(), out.bone_names.end(), rule.region) == out.bone_names.end())
        out.bone_names.push_back(rule.region);
      continue;
    }
    if (region_id.count(rule.region)) continue;
    region_id[rule.region] = static_cast<std::int32_t>(out.mesh.region_names.size());
    out.mesh.region_names.push_back(rule.region);
    out.region_material.push_back(rule.material);
  }

  // coordinates
  for (std::size_t i = 0; i < raw.nodes.size(); ++i) {
    Vec3& x = raw.nodes[i];
    if (!all_finite(x))
      throw InvalidInput(fmt::format("{}: node {} has a non-finite coordinate ({}, {}, {})", file, i + 1, x.x(), x.y(), x.z()));
    x *= options.length_scale;
    // Beyond 1 km is a wrong unit or garbage (and cubing it could overflow).
    if (x.cwiseAbs().maxCoeff() > kMaxCoordinate)
      throw InvalidInput(fmt::format("{}: node {} lies {:.3g} m from the origin; a wrong length_scale or a corrupt file?",
                                     file, i + 1, x.cwiseAbs().maxCoeff()));
  }

  // tets: tissue kept, bone removed (its nodes held)
  std::vector<std::uint8_t> held(raw.nodes.size(), 0);
  std::vector<Index> new_id(raw.nodes.size(), kInvalidIndex);
  const bool has_fibre_field = !raw.fibre.empty();
  for (std::size_t t = 0; t < raw.tets.size(); ++t) {
    const auto found = rule_of.find(raw.tet_group[t]);
    if (found == rule_of.end())
      throw InvalidInput(fmt::format("{}: {} {} belongs to {}, which the region table does not map; add an "
                                     "entry for it (source = \"{}\")",
                                     file, raw.element_word, raw.tet_label[t], group_description(raw, raw.tet_group[t]),
                                     raw.tet_group[t]));
    const RegionRule& rule = *found->second;
    if (rule.bone) {
      for (Index v : raw.tets[t]) held[v] = 1;
      continue;
    }
    Tet tet = raw.tets[t];
    const std::array<Vec3, 4> p{raw.nodes[tet[0]], raw.nodes[tet[1]], raw.nodes[tet[2]], raw.nodes[tet[3]]};
    const double v = signed_volume(p[0], p[1], p[2], p[3]);
    double longest = 0;
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b) longest = std::max(longest, (p[a] - p[b]).norm());
    const double regular = longest * longest * longest / (6.0 * std::sqrt(2.0));
    if (!(std::fabs(v) > kDegenerateVolumeFraction * regular))
      throw InvalidInput(fmt::format("{}: {} {} is degenerate (volume {:.3g} m^3, its nodes are coplanar or "
                                     "repeated); remove or re-mesh it",
                                     file, raw.element_word, raw.tet_label[t], v));
    if (v < 0)
      throw InvalidInput(fmt::format("{}: {} {} is inverted (volume {:.3g} m^3): its nodes must be ordered so "
                                     "that (n1 - n0) . ((n2 - n0) x (n3 - n0)) > 0, as Gmsh and VTK write them",
                                     file, raw.element_word, raw.tet_label[t], v));
    Vec3 fibre = Vec3::Zero();
    const bool fibre_finite = has_fibre_field && all_finite(raw.fibre[t]) && raw.fibre[t].cwiseAbs().maxCoeff() < kMaxFibreComponent;
    if (fibre_finite && raw.fibre[t].norm() > 0) {
      // A vector already unit to rounding is kept as written, so that a written model
      // reads back bit for bit (normalising again would change its last bits).
      const double norm = raw.fibre[t].norm();
      fibre = std::fabs(norm - 1.0) <= 4.0 * std::numeric_limits<double>::epsilon() ? raw.fibre[t] : Vec3(raw.fibre[t] / norm);
    } else if (has_fibre_field && !fibre_finite) {
      throw InvalidInput(fmt::format("{}: {} {} has a non-finite fibre vector", file, raw.element_word, raw.tet_label[t]));
    } else if (rule.fibre) {
      fibre = rule.fibre->normalized();
    }
    for (Index& node : tet) {
      if (new_id[node] == kInvalidIndex) {
        new_id[node] = static_cast<Index>(out.mesh.nodes.size());
        out.mesh.nodes.push_back(raw.nodes[node]);
      }
      node = new_id[node];
    }
    out.mesh.tets.push_back(tet);
    out.mesh.region.push_back(region_id.at(rule.region));
    out.mesh.fibre.push_back(fibre);
  }
  if (out.mesh.tets.empty())
    throw InvalidInput(fmt::format("{}: no tissue tetrahedra: every tet is in a bone group or the file has none", file));

  // triangles of bone groups: their nodes are held, the triangles kept
  for (std::size_t f = 0; f < raw.tris.size(); ++f) {
    const auto found = rule_of.find(raw.tri_group[f]);
    if (found == rule_of.end() || !found->second->bone) continue;
    Tri tri = raw.tris[f];
    bool in_tissue = true;
    for (Index v : tri) {
      held[v] = 1;
      in_tissue = in_tissue && new_id[v] != kInvalidIndex;
    }
    if (!in_tissue) continue;
    for (Index& v : tri) v = new_id[v];
    out.bone_tris.push_back(tri);
    const auto name = std::find(out.bone_names.begin(), out.bone_names.end(), found->second->region);
    out.bone_tri_region.push_back(static_cast<Index>(name - out.bone_names.begin()));
  }
  for (std::size_t v = 0; v < raw.nodes.size(); ++v)
    if (held[v] && new_id[v] != kInvalidIndex) out.held_nodes.push_back(new_id[v]);
  std::sort(out.held_nodes.begin(), out.held_nodes.end());
  if (out.held_nodes.empty())
    throw InvalidInput(fmt::format("{}: no node is held: mark the bone group(s) in the region table (bone = true); "
                                   "a model without support has no equilibrium",
                                   file));
  out.quality = mesh_quality(out.mesh);
  return out;
}

}  // namespace backsim::models
