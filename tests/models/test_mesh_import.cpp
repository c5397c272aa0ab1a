// Import round trip (generated back -> MSH ASCII/binary, VTU, VTK -> same mesh) and
// the error of each corrupt-file case.
#include "models/import/gmsh_msh.hpp"
#include "models/import/mesh_import.hpp"
#include "models/import/text_cursor.hpp"
#include "models/import/vtk_mesh.hpp"
#include "engine/core/error.hpp"
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

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
