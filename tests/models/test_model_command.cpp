// `backsim model`: exit codes, the HDF5 file and its layout.
#include "cli/exit_codes.hpp"
#include "cli/model_command.hpp"
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

using namespace backsim;

namespace {

std::vector<hsize_t> dims_of(hid_t file, const char* path) {
  INFO(path);
  REQUIRE(H5Lexists(file, path, H5P_DEFAULT) > 0);
  const hid_t set = H5Dopen2(file, path, H5P_DEFAULT);
  const hid_t space = H5Dget_space(set);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  H5Dclose(set);
  return dims;
}

}  // namespace

TEST_CASE("backsim model writes the back to HDF5", "[models][cli]") {
  const auto dir = test::scratch_directory("model_command");
  cli::ModelCommandOptions options;
  options.preset = "desk-worker";
  options.resolution = "coarse";
  options.output = dir / "back.h5";
  options.subject_overrides = {{"fat_scale", 1.1}};
  options.quiet = true;
  REQUIRE(cli::run_model_command(options) == exit_code::ok);
  CHECK_FALSE(std::filesystem::exists(dir / "back.h5.partial"));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen((dir / "back.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const auto nodes = dims_of(file, "/mesh/nodes");
  const auto tets = dims_of(file, "/mesh/tets");
  CHECK(nodes[1] == 3);
  CHECK(tets[1] == 4);
  CHECK(dims_of(file, "/mesh/region")[0] == tets[0]);
  CHECK(dims_of(file, "/mesh/fibre") == std::vector<hsize_t>{tets[0], 3});
  CHECK(dims_of(file, "/tone/element")[0] == tets[0]);
  CHECK(dims_of(file, "/tone/trigger_point_centre") == std::vector<hsize_t>{4, 3});
  for (const char* path : {"/mesh/region_names", "/mesh/held_nodes", "/mesh/bone_tris", "/mesh/bone", "/landmarks/names",
                           "/landmarks/skin", "/materials/youngs_modulus"})
    dims_of(file, path);
  H5Fclose(file);

  // a seeded cohort subject
  options.seed = 42;
  options.subject_index = 3;
  options.output = dir / "subject3.h5";
  CHECK(cli::run_model_command(options) == exit_code::ok);
}

TEST_CASE("backsim model rejects bad options with the documented exit codes", "[models][cli]") {
  const auto dir = test::scratch_directory("model_command_errors");
  cli::ModelCommandOptions options;
  options.output = dir / "back.h5";
  options.quiet = true;
  options.resolution = "coarse";
  options.preset = "athlete";
  CHECK(cli::run_model_command(options) == exit_code::usage);
  options.preset = "healthy";
  options.resolution = "ultra";
  CHECK(cli::run_model_command(options) == exit_code::usage);
  options.resolution = "coarse";
  options.subject_overrides = {{"height", 1.8}};
  CHECK(cli::run_model_command(options) == exit_code::usage);
  options.subject_overrides = {{"fat_scale", 50}};
  CHECK(cli::run_model_command(options) == exit_code::invalid_input);
  options.subject_overrides = {};
  options.output = dir / "no_such_directory" / "back.h5";
  CHECK(cli::run_model_command(options) == exit_code::output_failure);
}
