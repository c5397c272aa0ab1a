// VTK unstructured grids: the legacy format (.vtk, ASCII, classic CELLS layout or the
// 5.1 OFFSETS/CONNECTIVITY layout) and the XML format (.vtu, ASCII data arrays).
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "models/import/mesh_import.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace backsim::models {

// Tets (cell type 10) and triangles (5); vertices, lines and polygons (1-4, 6, 7, 9)
// are skipped; any other cell type is an error. The group of a cell is the value of
// the integer cell field `region_field`; `fibre_field` names a 3-component cell field
// (empty: none).
RawMesh read_vtk_legacy(const std::filesystem::path& path, const std::string& region_field,
                        const std::string& fibre_field);
RawMesh read_vtu(const std::filesystem::path& path, const std::string& region_field, const std::string& fibre_field);

// Writes the tets (and the bone triangles, region value = region count) with the cell
// fields "region" (Int32) and "fibre" (Float64 x 3), ASCII, 17 significant digits.
// Throws OutputFailure.
void write_vtu(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris);
void write_vtk_legacy(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris);

}  // namespace backsim::models
