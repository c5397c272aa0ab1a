// RunWriter: what it writes (read back with the plain HDF5 C API), how a run ends
// (finish, fail, neither) and how it reports a destination it cannot write.
#include "engine/io/run_writer.hpp"

#include "engine/core/error.hpp"
#include "hdf5_test_reader.hpp"
#include "scratch_directory.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

using namespace backsim;
using namespace backsim::test;

namespace {

// Two tets sharing the face (1, 2, 3).
TetMesh two_tet_mesh(bool with_fibres) {
  TetMesh mesh;
  mesh.nodes = {Vec3(0, 0, 0), Vec3(0.01, 0, 0), Vec3(0, 0.01, 0), Vec3(0, 0, 0.01),
                Vec3(0.01, 0.01, 0.01)};
  mesh.tets = {Tet{0, 1, 2, 3}, Tet{1, 2, 4, 3}};
  mesh.region = {0, 1};
  mesh.region_names = {"muscle", "trapèze fascia"};  // non-ASCII: stored as UTF-8
  if (with_fibres) mesh.fibre = {Vec3(1, 0, 0), Vec3(0, 0.6, 0.8)};
  return mesh;
}

Provenance test_provenance() {
  Provenance provenance;
  provenance.backsim_version = "0.1.0";
  provenance.git_sha = "0123456789ab";
  provenance.compiler = "GNU 12.2.0";
  provenance.build_flags = "Release -O2";
  provenance.scenario = "[tool]\nshape = \"sphere\"\nradius = 0.02\n";
  provenance.scenario_sha256 = sha256_hex(provenance.scenario);
  provenance.seed = 0xFEDCBA9876543210ULL;  // above INT64_MAX: must be stored unsigned
  provenance.threads = 4;
  provenance.host = "testhost";
  provenance.started_utc = "2026-11-23T21:00:00Z";
  provenance.command_line = "backsim run scenario.toml --threads 4";
  return provenance;
}

// Step i's record: every field distinct, so that a column mix-up shows.
StepStats test_step(int i) {
  StepStats step;
  step.time = 0.01 * (i + 1);
  step.dt = 0.01 + 0.001 * i;
  step.newton_iterations = i + 1;
  step.cg_iterations = 10 * i + 3;
  step.residual = 1e-9 * (i + 1);
  step.energy = -0.5 * i;
  step.min_line_search = 1.0 / (i + 1);
  step.min_volume_ratio = 0.9 + 0.01 * i;
  step.active_contacts = 2 * i;
  step.wall_seconds = 0.125 * i;
  step.tool_position = Vec3(i, 2.0 * i, -0.001 * i);
  step.tool_force = Vec3(0.5 * i, -1.0 * i, 3.0 * i);
  step.tool_depth = 0.001 * i;
  step.target_force = 5.0 * i;
  return step;
}

std::vector<Vec3> test_displacement(const TetMesh& mesh, int frame) {
  std::vector<Vec3> displacement;
  for (std::size_t n = 0; n < mesh.nodes.size(); ++n) {
    displacement.emplace_back(frame + 0.1 * static_cast<double>(n), -frame,
                              1e-3 * static_cast<double>(n) * frame);
  }
  return displacement;
}

double test_frame_time(int frame) { return 0.025 * frame; }

void check_frames(hid_t file, const TetMesh& mesh, int frame_count) {
  const Hdf5Array<double> time = read_float64(file, "/frames/time");
  REQUIRE(time.dims == std::vector<hsize_t>{hsize_t(frame_count)});
  for (int f = 0; f < frame_count; ++f) CHECK(time.values[f] == test_frame_time(f));

  const hsize_t node_count = mesh.nodes.size();
  const Hdf5Array<double> displacement = read_float64(file, "/frames/displacement");
  REQUIRE(displacement.dims == std::vector<hsize_t>{hsize_t(frame_count), node_count, 3});
  for (int f = 0; f < frame_count; ++f) {
    const std::vector<Vec3> expected = test_displacement(mesh, f);
    for (std::size_t n = 0; n < node_count; ++n) {
      for (int k = 0; k < 3; ++k) {
        CHECK(displacement.values[(f * node_count + n) * 3 + k] == expected[n][k]);
      }
    }
  }
}

void check_steps(hid_t file, int step_count) {
  const auto steps = static_cast<hsize_t>(step_count);
  auto check_column = [&](const char* path, auto field) {
    INFO(path);
    const Hdf5Array<double> column = read_float64(file, path);
    REQUIRE(column.dims == std::vector<hsize_t>{steps});
    for (int i = 0; i < step_count; ++i) CHECK(column.values[i] == field(test_step(i)));
  };
  auto check_int_column = [&](const char* path, auto field) {
    INFO(path);
    const Hdf5Array<std::int32_t> column = read_int32(file, path);
    REQUIRE(column.dims == std::vector<hsize_t>{steps});
    for (int i = 0; i < step_count; ++i) CHECK(column.values[i] == field(test_step(i)));
  };
  auto check_vec3_column = [&](const char* path, auto field) {
    INFO(path);
    const Hdf5Array<double> column = read_float64(file, path);
    REQUIRE(column.dims == std::vector<hsize_t>{steps, 3});
    for (int i = 0; i < step_count; ++i) {
      for (int k = 0; k < 3; ++k) CHECK(column.values[3 * i + k] == field(test_step(i))[k]);
    }
  };
  check_column("/tool/time", [](const StepStats& s) { return s.time; });
  check_vec3_column("/tool/position", [](const StepStats& s) { return s.tool_position; });
  check_vec3_column("/tool/force", [](const StepStats& s) { return s.tool_force; });
  check_column("/tool/depth", [](const StepStats& s) { return s.tool_depth; });
  check_column("/tool/target_force", [](const StepStats& s) { return s.target_force; });
  check_column("/solver/time", [](const StepStats& s) { return s.time; });
  check_column("/solver/dt", [](const StepStats& s) { return s.dt; });
  check_int_column("/solver/newton_iterations", [](const StepStats& s) { return s.newton_iterations; });
  check_int_column("/solver/cg_iterations", [](const StepStats& s) { return s.cg_iterations; });
  check_column("/solver/residual", [](const StepStats& s) { return s.residual; });
  check_column("/solver/energy", [](const StepStats& s) { return s.energy; });
  check_column("/solver/min_line_search", [](const StepStats& s) { return s.min_line_search; });
  check_column("/solver/min_volume_ratio", [](const StepStats& s) { return s.min_volume_ratio; });
  check_int_column("/solver/active_contacts", [](const StepStats& s) { return s.active_contacts; });
  check_column("/solver/wall_seconds", [](const StepStats& s) { return s.wall_seconds; });
}

void check_mesh(hid_t file, const TetMesh& mesh) {
  const Hdf5Array<double> nodes = read_float64(file, "/mesh/nodes");
  REQUIRE(nodes.dims == std::vector<hsize_t>{mesh.nodes.size(), 3});
  for (std::size_t n = 0; n < mesh.nodes.size(); ++n) {
    for (int k = 0; k < 3; ++k) CHECK(nodes.values[3 * n + k] == mesh.nodes[n][k]);
  }
  const Hdf5Array<std::int32_t> tets = read_int32(file, "/mesh/tets");
  REQUIRE(tets.dims == std::vector<hsize_t>{mesh.tets.size(), 4});
  for (std::size_t t = 0; t < mesh.tets.size(); ++t) {
    for (int k = 0; k < 4; ++k) CHECK(tets.values[4 * t + k] == std::int32_t(mesh.tets[t][k]));
  }
  const Hdf5Array<std::int32_t> region = read_int32(file, "/mesh/region");
  REQUIRE(region.dims == std::vector<hsize_t>{mesh.region.size()});
  CHECK(region.values == mesh.region);
  CHECK(read_strings(file, "/mesh/region_names") == mesh.region_names);
  if (mesh.fibre.empty()) {
    CHECK_FALSE(link_exists(file, "/mesh/fibre"));
  } else {
    const Hdf5Array<double> fibre = read_float64(file, "/mesh/fibre");
    REQUIRE(fibre.dims == std::vector<hsize_t>{mesh.fibre.size(), 3});
    for (std::size_t t = 0; t < mesh.fibre.size(); ++t) {
      for (int k = 0; k < 3; ++k) CHECK(fibre.values[3 * t + k] == mesh.fibre[t][k]);
    }
  }
}

void check_provenance(hid_t file, const Provenance& provenance) {
  const hid_t root = file;
  CHECK(read_string_attribute(root, "format") == "backsim-run");
  CHECK(read_scalar_attribute<std::int32_t>(root, "format_version", H5T_STD_I32LE,
                                            H5T_NATIVE_INT32) == 1);
  CHECK(read_string_attribute(root, "backsim_version") == provenance.backsim_version);
  CHECK(read_string_attribute(root, "git_sha") == provenance.git_sha);
  CHECK(read_string_attribute(root, "compiler") == provenance.compiler);
  CHECK(read_string_attribute(root, "build_flags") == provenance.build_flags);
  CHECK(read_string_attribute(root, "scenario") == provenance.scenario);
  CHECK(read_string_attribute(root, "scenario_sha256") == provenance.scenario_sha256);
  CHECK(read_scalar_attribute<std::uint64_t>(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64) ==
        provenance.seed);
  CHECK(read_scalar_attribute<std::int32_t>(root, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32) ==
        provenance.threads);
  CHECK(read_string_attribute(root, "host") == provenance.host);
  CHECK(read_string_attribute(root, "started_utc") == provenance.started_utc);
  CHECK(read_string_attribute(root, "command_line") == provenance.command_line);
}

void check_finished_utc(hid_t file) {
  const std::string finished = read_string_attribute(file, "finished_utc");
  CHECK(std::regex_match(finished, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

// Every dataset of the layout carries non-empty `units` and `description`.
void check_dataset_attributes(hid_t file, bool with_fibres) {
  std::vector<const char*> paths = {
      "/mesh/nodes", "/mesh/tets", "/mesh/region", "/mesh/region_names", "/frames/time",
      "/frames/displacement", "/tool/time", "/tool/position", "/tool/force", "/tool/depth",
      "/tool/target_force", "/solver/time", "/solver/dt", "/solver/newton_iterations",
      "/solver/cg_iterations", "/solver/residual", "/solver/energy", "/solver/min_line_search",
      "/solver/min_volume_ratio", "/solver/active_contacts", "/solver/wall_seconds"};
  if (with_fibres) paths.push_back("/mesh/fibre");
  for (const char* path : paths) {
    INFO(path);
    CHECK_FALSE(read_string_attribute(file, path, "units").empty());
    CHECK_FALSE(read_string_attribute(file, path, "description").empty());
  }
  CHECK(read_string_attribute(file, "/mesh/nodes", "units") == "m");
  CHECK(read_string_attribute(file, "/frames/displacement", "units") == "m");
  CHECK(read_string_attribute(file, "/frames/time", "units") == "s");
  CHECK(read_string_attribute(file, "/tool/force", "units") == "N");
  CHECK(read_string_attribute(file, "/solver/energy", "units") == "J");
  CHECK(read_string_attribute(file, "/solver/newton_iterations", "units") == "1");
}

}  // namespace

TEST_CASE("RunWriter: round trip of mesh, frames, steps and provenance") {
  const ScratchDirectory directory("run-writer-round-trip");
  const std::filesystem::path path = directory / "run.h5";
  const TetMesh mesh = two_tet_mesh(/*with_fibres=*/true);
  const Provenance provenance = test_provenance();

  // A stale `.partial` from an earlier, killed run is truncated, not appended to.
  std::ofstream(directory / "run.h5.partial") << "not an HDF5 file";

  {
    RunWriter writer(path, mesh, provenance);
    CHECK(writer.final_path() == path);
    CHECK(writer.partial_path() == directory / "run.h5.partial");
    // 7 steps, 3 frames: steps before the first frame, none between the last two
    // frames, and two after the last frame (written by finish()).
    for (int i = 0; i < 3; ++i) writer.append_step(test_step(i));
    writer.append_frame(test_frame_time(0), test_displacement(mesh, 0));
    for (int i = 3; i < 5; ++i) writer.append_step(test_step(i));
    writer.append_frame(test_frame_time(1), test_displacement(mesh, 1));
    writer.append_frame(test_frame_time(2), test_displacement(mesh, 2));
    for (int i = 5; i < 7; ++i) writer.append_step(test_step(i));
    CHECK(std::filesystem::exists(writer.partial_path()));
    CHECK_FALSE(std::filesystem::exists(path));
    writer.finish();
  }

  CHECK_FALSE(std::filesystem::exists(directory / "run.h5.partial"));
  REQUIRE(std::filesystem::exists(path));
  const FileHandle file = open_read_only(path);
  check_mesh(file.get(), mesh);
  check_frames(file.get(), mesh, 3);
  check_steps(file.get(), 7);
  check_provenance(file.get(), provenance);
  check_dataset_attributes(file.get(), /*with_fibres=*/true);
  CHECK(read_string_attribute(file.get(), "status") == "ok");
  check_finished_utc(file.get());
  CHECK_FALSE(has_attribute(file.get(), "error"));

  // Superblock version 0 has no "open for write" flag, which is what lets a
  // killed run's file open with a plain H5Fopen (see run_writer.cpp).
  H5F_info2_t info{};
  REQUIRE(H5Fget_info2(file.get(), &info) >= 0);
  CHECK(info.super.version == 0);
}

TEST_CASE("RunWriter: fail() keeps the frames and records the diagnostic") {
  const ScratchDirectory directory("run-writer-fail");
  const std::filesystem::path path = directory / "run.h5";
  const TetMesh mesh = two_tet_mesh(/*with_fibres=*/false);
  const std::string diagnostic =
      "Newton did not converge at t = 0.05 s: residual 3.2e-2 N after 50 iterations; "
      "tet 1 nearly inverted (J = 0.02). Try a smaller time step.";
  {
    RunWriter writer(path, mesh, test_provenance());
    for (int f = 0; f < 2; ++f) {
      writer.append_step(test_step(f));
      writer.append_frame(test_frame_time(f), test_displacement(mesh, f));
    }
    writer.append_step(test_step(2));  // the failing step's record is kept too
    writer.fail(diagnostic);
  }

  CHECK_FALSE(std::filesystem::exists(directory / "run.h5.partial"));
  const FileHandle file = open_read_only(path);
  CHECK(read_string_attribute(file.get(), "status") == "solver_failure");
  CHECK(read_string_attribute(file.get(), "error") == diagnostic);
  check_finished_utc(file.get());
  check_mesh(file.get(), mesh);
  check_frames(file.get(), mesh, 2);
  check_steps(file.get(), 3);
}

TEST_CASE("RunWriter: without finish() or fail() the file stays .partial and readable") {
  const ScratchDirectory directory("run-writer-abandoned");
  const std::filesystem::path path = directory / "run.h5";
  const TetMesh mesh = two_tet_mesh(/*with_fibres=*/true);
  {
    RunWriter writer(path, mesh, test_provenance());
    writer.append_step(test_step(0));
    writer.append_frame(test_frame_time(0), test_displacement(mesh, 0));
    writer.append_step(test_step(1));
    writer.append_frame(test_frame_time(1), test_displacement(mesh, 1));
    writer.append_step(test_step(2));  // buffered; the destructor still writes it
  }
  CHECK_FALSE(std::filesystem::exists(path));
  const FileHandle file = open_read_only(directory / "run.h5.partial");
  CHECK(read_string_attribute(file.get(), "status") == "running");
  CHECK_FALSE(has_attribute(file.get(), "finished_utc"));
  check_frames(file.get(), mesh, 2);
  check_steps(file.get(), 3);
}

TEST_CASE("RunWriter: a run with no frames still has its mesh and empty frame datasets") {
  const ScratchDirectory directory("run-writer-no-frames");
  const std::filesystem::path path = directory / "run.h5";
  const TetMesh mesh = two_tet_mesh(/*with_fibres=*/false);
  RunWriter(path, mesh, test_provenance()).finish();
  const FileHandle file = open_read_only(path);
  check_mesh(file.get(), mesh);
  check_frames(file.get(), mesh, 0);
  check_steps(file.get(), 0);
}

TEST_CASE("RunWriter: a missing destination directory is an OutputFailure naming the path") {
  const ScratchDirectory directory("run-writer-missing-dir");
  const std::filesystem::path path = directory / "no-such-dir" / "run.h5";
  try {
    RunWriter writer(path, two_tet_mesh(false), test_provenance());
    FAIL("RunWriter accepted a path in a missing directory");
  } catch (const OutputFailure& failure) {
    const std::string message = failure.what();
    INFO(message);
    CHECK(message.find(path.string()) != std::string::npos);
    CHECK(message.find("does not exist") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(directory / "no-such-dir"));
}

TEST_CASE("RunWriter: an HDF5 failure is an OutputFailure with HDF5's reason") {
  const ScratchDirectory directory("run-writer-hdf5-error");
  const std::filesystem::path path = directory / "run.h5";
  // A directory where the `.partial` file should go: H5Fcreate fails.
  std::filesystem::create_directory(directory / "run.h5.partial");
  try {
    RunWriter writer(path, two_tet_mesh(false), test_provenance());
    FAIL("RunWriter wrote over a directory");
  } catch (const OutputFailure& failure) {
    const std::string message = failure.what();
    INFO(message);
    CHECK(message.find((directory / "run.h5.partial").string()) != std::string::npos);
    CHECK(message.find("create file") != std::string::npos);
    CHECK(message.find("H5Fcreate") != std::string::npos);  // HDF5's own error stack
  }
  // Not created by the writer, so not removed by it.
  CHECK(std::filesystem::is_directory(directory / "run.h5.partial"));
}
