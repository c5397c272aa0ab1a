// VTK unstructured grids: the legacy format (.vtk, ASCII, classic CELLS layout or the
// 5.1 OFFSETS/CONNECTIVITY layout) and the XML format (.vtu: ASCII, inline base64 and
// appended raw or base64 data arrays, optionally zlib-compressed; see vtk_binary.hpp).
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

// The binary layouts ParaView and meshio write, so that the reader is tested on them.
enum class VtuEncoding : std::uint8_t { ascii, binary, appended_raw, appended_base64 };
struct VtuWriteOptions {
  VtuEncoding encoding = VtuEncoding::ascii;
  bool zlib = false;                  // compressor="vtkZLibDataCompressor"
  bool header_uint64 = false;         // header_type="UInt64"
  std::size_t zlib_block_size = 32768;  // VTK's default; small values give many blocks
};
void write_vtu(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris,
               const VtuWriteOptions& options);
void write_vtk_legacy(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris);

}  // namespace backsim::models
