// Meshes from a user's segmentation: Gmsh MSH 4.1 (ASCII, binary) and VTK (legacy
// .vtk, ASCII; XML .vtu, ASCII, base64, appended and zlib-compressed), mapped to
// regions, materials and held (bone) nodes through a region table.
//
// A format reader fills a RawMesh (cells with the group they belong to); then
// finish_import applies the region table and checks the result, so that every
// format gives the same errors for the same problem.
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "engine/sim/simulation_spec.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backsim::models {

enum class MeshFormat : std::uint8_t { msh, vtk, vtu };
std::string_view mesh_format_name(MeshFormat format);
std::optional<MeshFormat> mesh_format_from_name(std::string_view name);
// From the extension: .msh, .vtk, .vtu (case-sensitive); nullopt otherwise.
std::optional<MeshFormat> mesh_format_from_path(const std::filesystem::path& path);

// One entry of the region table: the cells of group `source` become region `region`.
struct RegionRule {
  // A physical group's name or tag (MSH), or a value of the region cell field (VTK),
  // written as text ("muscle", "3").
  std::string source;
  std::string region;           // region name in the model; several sources may share one
  bool bone = false;            // rigid bone: tets removed, their nodes (and triangles') held
  MaterialParams material;      // unused for bone
  std::optional<Vec3> fibre;    // constant fibre direction of the region (unit after import)
};

struct MeshImportOptions {
  std::vector<RegionRule> regions;
  double length_scale = 1.0;              // file length unit in m (0.001 for mm)
  std::string region_field = "region";    // VTK: the integer cell field holding the group
  std::string fibre_field;                // per-element 3-vector field; empty = none
};

// The cells of a file before the region table is applied.
struct RawMesh {
  std::vector<Vec3> nodes;                 // in file units
  std::vector<Tet> tets;                   // node indices (0-based)
  std::vector<std::string> tet_group;      // [tet] group key ("3" or the name; see group_names)
  std::vector<std::uint64_t> tet_label;    // [tet] element tag (MSH) or cell index (VTK), for messages
  std::vector<Tri> tris;                   // surface triangles (kept only in bone groups)
  std::vector<std::string> tri_group;
  std::vector<Vec3> fibre;                 // [tet] when a fibre field was read, else empty
  // Every group of the file: its key and, for MSH physical groups, its name.
  struct Group {
    std::string key;
    std::string name;
  };
  std::vector<Group> groups;
  std::string element_word = "element";    // "element" (MSH) or "cell" (VTK)
};

struct ImportedMesh {
  TetMesh mesh;                             // regions in order of first appearance in the table
  std::vector<MaterialParams> region_material;  // [region]
  std::vector<Index> held_nodes;            // ascending
  std::vector<Tri> bone_tris;               // triangles of bone groups (surface meshes of bone)
  std::vector<Index> bone_tri_region;       // [bone tri] index of the bone rule's region name in bone_names
  std::vector<std::string> bone_names;
  MeshQuality quality;
};

// Reads, maps and checks a mesh. Throws InvalidInput as "FILE[:LINE]: message" for an
// unreadable, truncated or corrupt file, non-tetrahedral 3D elements, non-finite
// coordinates, inverted or degenerate tets, table entries naming groups that are not
// in the file, tets of groups the table does not map, and a model with no held node.
ImportedMesh import_mesh(const std::filesystem::path& path, MeshFormat format, const MeshImportOptions& options);
ImportedMesh import_mesh(const std::filesystem::path& path, const MeshImportOptions& options);

// Applies the table to a raw mesh (shared by the formats).
ImportedMesh finish_import(RawMesh raw, const MeshImportOptions& options, const std::string& file);

}  // namespace backsim::models
