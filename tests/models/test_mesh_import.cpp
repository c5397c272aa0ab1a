// Import round trip (generated back -> MSH ASCII/binary, VTU, VTK -> same mesh) and
// the error of each corrupt-file case.
#include "models/import/base64.hpp"
#include "models/import/gmsh_msh.hpp"
#include "models/import/mesh_import.hpp"
#include "models/import/text_cursor.hpp"
#include "models/import/vtk_binary.hpp"
#include "models/import/vtk_mesh.hpp"
#include "engine/core/error.hpp"
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <string_view>

using namespace backsim;
using namespace backsim::models;

namespace {

// The region table that maps a generated back's files back to its regions: MSH by
// physical name, VTK by the region id; the bone surface is held.
MeshImportOptions table_for(const BackModel& model, bool by_name) {
  MeshImportOptions o;
  for (std::size_t r = 0; r < model.mesh.region_names.size(); ++r)
    o.regions.push_back(RegionRule{by_name ? model.mesh.region_names[r] : std::to_string(r), model.mesh.region_names[r],
                                   false, model.region_material[r], std::nullopt});
  o.regions.push_back(RegionRule{by_name ? "bone_surface" : std::to_string(model.mesh.region_names.size()), "bone", true, {}, std::nullopt});
  o.fibre_field = "fibre";
  return o;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A two-tet MSH 4.1 file: physical groups 1 "tissue" (a tet), 3 (unnamed, a tet)
// and 2 "bone" (a triangle).
std::string small_msh(const std::string& elements_block, const std::string& node3 = "0 0 1") {
  return "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$PhysicalNames\n2\n3 1 \"tissue\"\n2 2 \"bone\"\n$EndPhysicalNames\n"
         "$Entities\n0 0 1 2\n1 0 0 0 1 1 1 1 2 0\n1 0 0 0 1 1 1 1 1 0\n2 0 0 0 1 1 1 1 3 0\n$EndEntities\n"
         "$Nodes\n1 5 1 5\n3 1 0 5\n1\n2\n3\n4\n5\n0 0 0\n1 0 0\n0 1 0\n" + node3 + "\n1 1 1\n$EndNodes\n" + elements_block;
}
const std::string kGoodElements =
    "$Elements\n3 3 1 3\n3 1 4 1\n1 1 2 3 4\n3 2 4 1\n2 2 3 4 5\n2 1 2 1\n3 1 2 3\n$EndElements\n";
const std::string kInvertedElements =
    "$Elements\n3 3 1 3\n3 1 4 1\n1 2 1 3 4\n3 2 4 1\n2 2 3 4 5\n2 1 2 1\n3 1 2 3\n$EndElements\n";

MeshImportOptions small_table() {
  MeshImportOptions o;
  o.regions = {RegionRule{"tissue", "fat", false, {}, std::nullopt}, RegionRule{"3", "vertebra", true, {}, std::nullopt},
               RegionRule{"bone", "bone", true, {}, std::nullopt}};
  return o;
}

void require_error(const std::filesystem::path& path, const MeshImportOptions& options, const std::string& substring) {
  INFO(path.filename().string() << ": expected an error containing \"" << substring << "\"");
  try {
    import_mesh(path, options);
    FAIL("accepted");
  } catch (const InvalidInput& error) {
    INFO("reported: " << error.what());
    CHECK_THAT(std::string(error.what()), Catch::Contains(substring));
    CHECK_THAT(std::string(error.what()), Catch::StartsWith(path.string()));
  }
}

}  // namespace

TEST_CASE("a generated back written as MSH, VTU and VTK reads back as the same mesh", "[models][import]") {
  const BackModel& model = test::healthy_back(Resolution::coarse);
  const auto dir = test::scratch_directory("roundtrip");
  const std::vector<Tri>& bone = model.bone_surface.tris;
  const std::vector<std::pair<std::filesystem::path, bool>> files{
      {dir / "back_ascii.msh", true}, {dir / "back_binary.msh", true}, {dir / "back.vtu", false}, {dir / "back.vtk", false}};
  write_gmsh_msh(files[0].first, model.mesh, bone, "bone_surface", false);
  write_gmsh_msh(files[1].first, model.mesh, bone, "bone_surface", true);
  write_vtu(files[2].first, model.mesh, bone);
  write_vtk_legacy(files[3].first, model.mesh, bone);
  for (const auto& [path, by_name] : files) {
    INFO(path.filename().string());
    const ImportedMesh in = import_mesh(path, table_for(model, by_name));
    // 17 significant digits (ASCII) and raw doubles (binary): the same bits
    CHECK(in.mesh.nodes == model.mesh.nodes);
    CHECK(in.mesh.tets == model.mesh.tets);
    CHECK(in.mesh.region == model.mesh.region);
    CHECK(in.mesh.region_names == model.mesh.region_names);
    CHECK(in.held_nodes == model.held_nodes);
    CHECK(in.bone_tris == bone);
    // fibres: unit vectors are kept as written, so they read back bit for bit
    CHECK(in.mesh.fibre == model.mesh.fibre);
    CHECK(in.quality.inverted_or_degenerate == 0);
  }
}

TEST_CASE("a small MSH file maps groups by name and tag, bone tets and triangles are held", "[models][import]") {
  const auto dir = test::scratch_directory("small");
  write_text(dir / "ok.msh", small_msh(kGoodElements));
  const ImportedMesh in = import_mesh(dir / "ok.msh", small_table());
  CHECK(in.mesh.tet_count() == 1);          // the bone tet is removed
  CHECK(in.mesh.region_names == std::vector<std::string>{"fat"});
  CHECK(in.held_nodes.size() == 4);         // nodes of the bone tet and triangle in the tissue
  CHECK(in.bone_tris.size() == 1);
  MeshImportOptions mm = small_table();
  mm.length_scale = 0.001;
  CHECK(import_mesh(dir / "ok.msh", mm).mesh.nodes[1].x() == 0.001);
}

TEST_CASE("each corrupt mesh gives its error and never crashes", "[models][import]") {
  const auto dir = test::scratch_directory("corrupt");
  const MeshImportOptions table = small_table();
  // non-tetrahedral 3D elements
  write_text(dir / "hex.msh", small_msh("$Elements\n1 1 1 1\n3 1 5 1\n1 1 2 3 4 5 1 2 3\n$EndElements\n"));
  require_error(dir / "hex.msh", table, "hexahedron); only linear tetrahedra (type 4) are supported");
  // inverted: two nodes swapped
  write_text(dir / "inverted.msh", small_msh(kInvertedElements));
  require_error(dir / "inverted.msh", table, "element 1 is inverted");
  // degenerate: the fourth node in the plane of the others
  write_text(dir / "flat.msh", small_msh(kGoodElements, "0.5 0.5 0"));
  require_error(dir / "flat.msh", table, "element 1 is degenerate");
  // non-finite coordinate
  write_text(dir / "nan.msh", small_msh(kGoodElements, "0 nan 1"));
  require_error(dir / "nan.msh", table, "node 4 has a non-finite coordinate");
  // a table entry naming a group that is not in the file
  MeshImportOptions missing = table;
  missing.regions.push_back(RegionRule{"muscle", "muscle", false, {}, std::nullopt});
  write_text(dir / "ok.msh", small_msh(kGoodElements));
  require_error(dir / "ok.msh", missing, "names group \"muscle\" (region \"muscle\"), which is not in the file");
  // a group of tets the table does not map
  MeshImportOptions unmapped;
  unmapped.regions = {RegionRule{"bone", "bone", true, {}, std::nullopt}, RegionRule{"3", "vertebra", true, {}, std::nullopt}};
  require_error(dir / "ok.msh", unmapped, "element 1 belongs to group 1 \"tissue\", which the region table does not map");
  // no held node
  MeshImportOptions unheld;
  unheld.regions = {RegionRule{"tissue", "fat", false, {}, std::nullopt}, RegionRule{"3", "fat", false, {}, std::nullopt},
                    RegionRule{"bone", "fat", false, {}, std::nullopt}};
  require_error(dir / "ok.msh", unheld, "no node is held");
  // a missing fibre view, an unknown version, garbage, an empty file
  MeshImportOptions fibre = table;
  fibre.fibre_field = "fibre";
  require_error(dir / "ok.msh", fibre, "no $ElementData view named \"fibre\"");
  write_text(dir / "v2.msh", "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n");
  require_error(dir / "v2.msh", table, "MSH version \"2.2\" is not supported");
  write_text(dir / "garbage.msh", std::string("\x01\x02garbage\xff\xfe"));
  require_error(dir / "garbage.msh", table, "expected \"$MeshFormat\"");
  write_text(dir / "empty.msh", "");
  require_error(dir / "empty.msh", table, "empty file");
  require_error(dir / "absent.msh", table, "no such file");
  // VTK: a hexahedron cell, a missing region field, garbage
  write_text(dir / "hex.vtk", "# vtk DataFile Version 3.0\nx\nASCII\nDATASET UNSTRUCTURED_GRID\nPOINTS 4 double\n0 0 0 1 0 0 0 1 0 0 0 1\n"
                              "CELLS 1 9\n8 0 1 2 3 0 1 2 3\nCELL_TYPES 1\n12\nCELL_DATA 1\nSCALARS region int 1\nLOOKUP_TABLE default\n1\n");
  require_error(dir / "hex.vtk", table, "cell 0 is a hexahedron (VTK type 12)");
  write_text(dir / "noregion.vtk", "# vtk DataFile Version 3.0\nx\nASCII\nDATASET UNSTRUCTURED_GRID\nPOINTS 4 double\n0 0 0 1 0 0 0 1 0 0 0 1\n"
                                   "CELLS 1 5\n4 0 1 2 3\nCELL_TYPES 1\n10\n");
  require_error(dir / "noregion.vtk", table, "no cell field \"region\"");
  write_text(dir / "binary.vtk", "# vtk DataFile Version 3.0\nx\nBINARY\n");
  require_error(dir / "binary.vtk", table, "encoding \"BINARY\" is not supported");
  write_text(dir / "garbage.vtu", "<VTKFile type=\"UnstructuredGrid\"><Piece NumberOfPoints=\"zz\"");
  require_error(dir / "garbage.vtu", table, "no closing </VTKFile>");
}

TEST_CASE("truncated files fail with an error at every cut, never a crash", "[models][import]") {
  // The coarse back is too large to cut everywhere: a 2-tet file in each format,
  // cut at every byte.
  const auto dir = test::scratch_directory("truncated");
  TetMesh mesh;
  mesh.nodes = {Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1), Vec3(1, 1, 1)};
  mesh.tets = {Tet{0, 1, 2, 3}, Tet{1, 2, 4, 3}};
  if (signed_volume(mesh, 1) < 0) std::swap(mesh.tets[1][2], mesh.tets[1][3]);
  mesh.region = {0, 0};
  mesh.region_names = {"fat"};
  mesh.fibre = {Vec3(1, 0, 0), Vec3(0, 1, 0)};
  const std::vector<Tri> bone{Tri{0, 1, 2}};
  MeshImportOptions by_name;
  by_name.regions = {RegionRule{"fat", "fat", false, {}, std::nullopt}, RegionRule{"bone_surface", "bone", true, {}, std::nullopt}};
  by_name.fibre_field = "fibre";
  MeshImportOptions by_value;
  by_value.regions = {RegionRule{"0", "fat", false, {}, std::nullopt}, RegionRule{"1", "bone", true, {}, std::nullopt}};
  by_value.fibre_field = "fibre";
  write_gmsh_msh(dir / "full_ascii.msh", mesh, bone, "bone_surface", false);
  write_gmsh_msh(dir / "full_binary.msh", mesh, bone, "bone_surface", true);
  write_vtu(dir / "full.vtu", mesh, bone);
  write_vtk_legacy(dir / "full.vtk", mesh, bone);
  for (const auto& [name, options] : {std::pair{std::string("full_ascii.msh"), by_name}, std::pair{std::string("full_binary.msh"), by_name},
                                      std::pair{std::string("full.vtu"), by_value}, std::pair{std::string("full.vtk"), by_value}}) {
    const std::string text = backsim::models::read_file_bytes(dir / name);
    REQUIRE(import_mesh(dir / name, options).mesh.tet_count() == 2);
    const std::filesystem::path cut = dir / ("cut" + std::filesystem::path(name).extension().string());
    int rejected = 0;
    for (std::size_t n = 0; n + 1 < text.size(); ++n) {
      write_text(cut, text.substr(0, n));
      try {
        import_mesh(cut, options);
      } catch (const InvalidInput&) {
        ++rejected;
      }
    }
    INFO(name << ": " << rejected << " of " << text.size() - 1 << " truncations rejected");
    // A cut inside the trailing section terminators or whitespace may still describe
    // the whole mesh; everything shorter must be rejected. At least 90 % are.
    CHECK(rejected >= static_cast<int>(0.9 * static_cast<double>(text.size())));
  }
}

namespace {

// The binary VTU layouts of ParaView (inline base64, appended raw, zlib) and meshio
// (appended base64), with one- and eight-byte headers and many small zlib blocks.
std::vector<std::pair<std::string, VtuWriteOptions>> binary_vtu_layouts() {
  return {{"binary", {VtuEncoding::binary, false, false, 32768}},
          {"binary_uint64", {VtuEncoding::binary, false, true, 32768}},
          {"appended_raw", {VtuEncoding::appended_raw, false, false, 32768}},
          {"appended_base64", {VtuEncoding::appended_base64, false, true, 32768}},
          {"binary_zlib", {VtuEncoding::binary, true, false, 32768}},
          {"appended_raw_zlib", {VtuEncoding::appended_raw, true, false, 4096}},
          {"appended_base64_zlib", {VtuEncoding::appended_base64, true, true, 1000}}};
}

// The small two-tet mesh of the truncation test, with a bone triangle.
TetMesh two_tets() {
  TetMesh mesh;
  mesh.nodes = {Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1), Vec3(1, 1, 1)};
  mesh.tets = {Tet{0, 1, 2, 3}, Tet{1, 2, 4, 3}};
  if (signed_volume(mesh, 1) < 0) std::swap(mesh.tets[1][2], mesh.tets[1][3]);
  mesh.region = {0, 0};
  mesh.region_names = {"fat"};
  mesh.fibre = {Vec3(1, 0, 0), Vec3(0, 1, 0)};
  return mesh;
}

MeshImportOptions two_tets_table() {
  MeshImportOptions o;
  o.regions = {RegionRule{"0", "fat", false, {}, std::nullopt}, RegionRule{"1", "bone", true, {}, std::nullopt}};
  o.fibre_field = "fibre";
  return o;
}

// [begin, end) of the n-th DataArray's content in a .vtu text.
std::pair<std::size_t, std::size_t> array_content(const std::string& text, int n) {
  std::size_t pos = 0;
  for (int i = 0; i <= n; ++i) pos = text.find("<DataArray", pos + 1);
  const std::size_t begin = text.find('>', pos) + 1;
  return {begin, text.find("</DataArray>", begin)};
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a generated back written as binary, appended and zlib VTU reads back bit for bit", "[models][import]") {
  const BackModel& model = test::healthy_back(Resolution::coarse);
  const auto dir = test::scratch_directory("roundtrip_binary_vtu");
  const std::vector<Tri>& bone = model.bone_surface.tris;
  for (const auto& [name, options] : binary_vtu_layouts()) {
    INFO(name);
    const auto path = dir / (name + ".vtu");
    write_vtu(path, model.mesh, bone, options);
    const ImportedMesh in = import_mesh(path, table_for(model, false));
    CHECK(in.mesh.nodes == model.mesh.nodes);
    CHECK(in.mesh.tets == model.mesh.tets);
    CHECK(in.mesh.region == model.mesh.region);
    CHECK(in.mesh.region_names == model.mesh.region_names);
    CHECK(in.held_nodes == model.held_nodes);
    CHECK(in.bone_tris == bone);
    CHECK(in.mesh.fibre == model.mesh.fibre);
  }
}

TEST_CASE("base64 encodes and decodes, also VTK's separately padded header and data", "[models][import]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n < 8; ++n) {
    std::string out;
    const std::string text = base64_encode(bytes.substr(0, n));  // the stream holds a view
    Base64Stream stream(text);
    CHECK(stream.read_until(out, n).empty());
    CHECK(out == bytes.substr(0, n));
    CHECK(stream.only_whitespace_left());
  }
  std::string out;
  const std::string two_runs = base64_encode("head") + "\n " + base64_encode(bytes);
  Base64Stream joined(two_runs);
  CHECK(joined.read_until(out, 4 + bytes.size()).empty());
  CHECK(out == "head" + bytes);
  out.clear();
  CHECK_THAT(Base64Stream("AA*A").read_until(out, 1), Catch::Contains("invalid base64 character '*'"));
  CHECK_THAT(Base64Stream("A===").read_until(out, 1), Catch::Contains("misplaced base64 padding"));
  CHECK_THAT(Base64Stream("AAA").read_until(out, 1), Catch::Contains("ends inside a 4-character group"));
  CHECK_THAT(Base64Stream("AAAA").read_until(out, 4), Catch::Contains("ends after 3 of 4 bytes"));
}

TEST_CASE("a VTU written by VTK with separately encoded headers reads back", "[models][import]") {
  const auto dir = test::scratch_directory("vtk_style_vtu");
  const TetMesh mesh = two_tets();
  const std::vector<Tri> bone{Tri{0, 1, 2}};
  write_vtu(dir / "joint.vtu", mesh, bone, {VtuEncoding::binary, false, false, 32768});
  std::string text = read_file_bytes(dir / "joint.vtu");
  // re-encode each array as VTK does: base64(header) then base64(data)
  for (int n = 0; n < 6; ++n) {
    const auto [begin, end] = array_content(text, n);
    std::string block;
    REQUIRE(Base64Stream(text.substr(begin, end - begin)).read_until(block, 4).empty());
    std::uint32_t size = 0;
    std::memcpy(&size, block.data(), 4);
    block.clear();
    REQUIRE(Base64Stream(text.substr(begin, end - begin)).read_until(block, 4 + size).empty());
    text.replace(begin, end - begin, "\n  " + base64_encode(block.substr(0, 4)) + base64_encode(block.substr(4)) + "\n");
  }
  write_text(dir / "separate.vtu", text);
  const ImportedMesh in = import_mesh(dir / "separate.vtu", two_tets_table());
  CHECK(in.mesh.nodes == mesh.nodes);
  CHECK(in.mesh.tets == mesh.tets);
  CHECK(in.mesh.fibre == mesh.fibre);
}

TEST_CASE("each corrupt binary VTU gives its error and never crashes", "[models][import]") {
  const auto dir = test::scratch_directory("corrupt_binary_vtu");
  const TetMesh mesh = two_tets();
  const std::vector<Tri> bone{Tri{0, 1, 2}};
  const MeshImportOptions table = two_tets_table();
  const auto text_of = [&](const VtuWriteOptions& options) {
    write_vtu(dir / "good.vtu", mesh, bone, options);
    return read_file_bytes(dir / "good.vtu");
  };
  const std::string inline_text = text_of({VtuEncoding::binary, false, false, 32768});
  const std::string raw_text = text_of({VtuEncoding::appended_raw, false, false, 32768});
  const std::string zlib_text = text_of({VtuEncoding::appended_raw, true, false, 32768});

  // bad base64 in the points
  std::string bad = inline_text;
  bad[array_content(bad, 0).first + 5] = '*';
  write_text(dir / "bad_base64.vtu", bad);
  require_error(dir / "bad_base64.vtu", table, "DataArray \"Points\": invalid base64 character '*'");

  // a byte count that does not match the data: 8 bytes fewer, 8 bytes more
  for (const int delta : {-8, 8}) {
    std::string wrong = inline_text;
    const auto [begin, end] = array_content(wrong, 0);
    std::string block;
    REQUIRE(Base64Stream(wrong.substr(begin, end - begin)).read_until(block, 4 + 5 * 24).empty());
    std::uint32_t size = 0;
    std::memcpy(&size, block.data(), 4);
    size = static_cast<std::uint32_t>(static_cast<int>(size) + delta);
    std::memcpy(block.data(), &size, 4);
    wrong.replace(begin, end - begin, base64_encode(block));
    write_text(dir / "wrong_count.vtu", wrong);
    require_error(dir / "wrong_count.vtu", table,
                  delta < 0 ? "DataArray \"Points\": more data than the 116 bytes its header declares"
                            : "DataArray \"Points\": the header declares 128 bytes, more than the 126 left");
  }

  // appended raw data cut short: the last array (fibre) is truncated
  const std::size_t appended_end = raw_text.rfind("\n</AppendedData>");
  write_text(dir / "truncated_appended.vtu", std::string(raw_text).erase(appended_end - 10, 10));
  require_error(dir / "truncated_appended.vtu", table, "DataArray \"fibre\": the header declares 72 bytes, more than the 67 left");
  // an offset past the end of the appended data
  const std::size_t fibre_offset = raw_text.find("offset=", raw_text.find("Name=\"fibre\""));
  write_text(dir / "offset.vtu", std::string(raw_text).replace(fibre_offset, 7, "offset=\"99999\" x="));
  require_error(dir / "offset.vtu", table, "DataArray \"fibre\": offset 99999 is past the end of the appended data");
  // a bad zlib stream: the first compressed byte of the points (the zlib header) zeroed
  std::string bad_zlib = zlib_text;
  bad_zlib[bad_zlib.find('_', bad_zlib.find("<AppendedData")) + 1 + 16] = '\0';
  write_text(dir / "bad_zlib.vtu", bad_zlib);
  require_error(dir / "bad_zlib.vtu", table, "DataArray \"Points\": zlib block 1 of 1 does not decompress");
  // big-endian files, unknown compressors, appended arrays without <AppendedData>
  write_text(dir / "big_endian.vtu", replaced(inline_text, "LittleEndian", "BigEndian"));
  require_error(dir / "big_endian.vtu", table, "byte_order \"BigEndian\" is not supported");
  write_text(dir / "lz4.vtu", replaced(zlib_text, "vtkZLibDataCompressor", "vtkLZ4DataCompressor"));
  require_error(dir / "lz4.vtu", table, "compressor \"vtkLZ4DataCompressor\" is not supported");

  // every byte of the appended block of each layout set to 0xff in turn: an error or a
  // mesh, never a crash, an out-of-bounds read or a floating-point trap
  for (const std::string& text : {raw_text, zlib_text}) {
    const std::size_t begin = text.find('_', text.find("<AppendedData")) + 1;
    int rejected = 0;
    for (std::size_t i = begin; i < appended_end && i < text.size(); ++i) {
      std::string flipped = text;
      flipped[i] = static_cast<char>(0xff);
      write_text(dir / "flipped.vtu", flipped);
      try {
        import_mesh(dir / "flipped.vtu", table);
      } catch (const InvalidInput&) {
        ++rejected;
      }
    }
    CHECK(rejected > 0);
  }
}

TEST_CASE("truncated binary VTU files fail with an error at every cut, never a crash", "[models][import]") {
  const auto dir = test::scratch_directory("truncated_binary_vtu");
  const TetMesh mesh = two_tets();
  const std::vector<Tri> bone{Tri{0, 1, 2}};
  for (const auto& [name, options] : binary_vtu_layouts()) {
    write_vtu(dir / "full.vtu", mesh, bone, options);
    const std::string text = read_file_bytes(dir / "full.vtu");
    REQUIRE(import_mesh(dir / "full.vtu", two_tets_table()).mesh.tet_count() == 2);
    int rejected = 0;
    for (std::size_t n = 0; n + 1 < text.size(); ++n) {
      write_text(dir / "cut.vtu", text.substr(0, n));
      try {
        import_mesh(dir / "cut.vtu", two_tets_table());
      } catch (const InvalidInput&) {
        ++rejected;
      }
    }
    INFO(name << ": " << rejected << " of " << text.size() - 1 << " truncations rejected");
    CHECK(rejected >= static_cast<int>(0.9 * static_cast<double>(text.size())));
  }
}
