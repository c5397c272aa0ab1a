// Writes a generated back to HDF5 (plain C API), so that other tools can read the
// model a study used:
//
//   /mesh/nodes [N, 3] f64 (m)          /mesh/tets [T, 4] u32        /mesh/region [T] i32
//   /mesh/region_names [R] string       /mesh/fibre [T, 3] f64 (unit, or 0: isotropic)
//   /mesh/held_nodes [H] u32            /mesh/bone_tris [B, 3] u32   /mesh/bone [B] u8
//   /mesh/bone_names [6] string         /mesh/layer [T] u8           /mesh/layer_names [6] string
//   /materials/{youngs_modulus, poisson_ratio, density} [R] f64
//   /landmarks/names [L] string         /landmarks/skin [L, 3] f64   /landmarks/footprint [L, 2] f64
//   /tone/element [T] f64               /tone/trigger_point_names [P] string
//   /tone/trigger_point_centre [P, 3]   /tone/trigger_point_radius [P]  /tone/trigger_point_extra [P]
//   /subject: one f64 attribute per parameter, and the strings condition, posture
//   root attributes: resolution, generator ("backsim models")
//
// The file is written as PATH.partial and renamed to PATH when complete.
#pragma once

#include "models/back/back_mesher.hpp"

#include <filesystem>

namespace backsim::models {

// Throws OutputFailure when the file cannot be written.
void write_back_model_hdf5(const BackModel& model, const std::filesystem::path& path);

}  // namespace backsim::models
