// Gmsh MSH 4.1 meshes, ASCII and binary (https://gmsh.info/doc/texinfo/gmsh.html,
// section "MSH file format").
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "models/import/mesh_import.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace backsim::models {

// Tets (type 4) and triangles (type 2) with the physical group of their entity
// (group key: the physical tag; name from $PhysicalNames); lines and points are
// skipped; any other 3D element is an error. `fibre_field` names an $ElementData view
// with 3 components per tet (empty: none).
RawMesh read_gmsh_msh(const std::filesystem::path& path, const std::string& fibre_field);

// Writes one volume entity and physical group per region (tag = region id + 1, named
// after the region), the bone triangles as surface physical group `bone_group`
// (tag = region count + 1) and the fibres as $ElementData "fibre". Tets keep their
// order (one element block per run of equal regions). Throws OutputFailure.
void write_gmsh_msh(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris,
                    const std::string& bone_group, bool binary);

}  // namespace backsim::models
