// Runs the tests of the pictures and sidecars look at, made once per build of
// backsim and shared by the test processes (ctest runs them side by side).
#pragma once

#include "../cli/process.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>
#include <sys/file.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace backsim::test {

// BACKSIM_BIN_DIR/../test-fixtures/<name>-<backsim's mtime>.h5, from the scenario
// file `scenario` (relative to tests/data). The first process to get the lock runs
// it; a rebuilt backsim gets a fresh run.
inline std::filesystem::path shared_run(const std::string& name, const std::string& scenario_file) {
  const std::filesystem::path bin = std::string(BACKSIM_BIN_DIR) + "/backsim";
  const auto stamp = static_cast<std::uint64_t>(std::filesystem::last_write_time(bin).time_since_epoch().count());
  const std::filesystem::path dir = std::filesystem::path(BACKSIM_BIN_DIR).parent_path() / "test-fixtures";
  std::filesystem::create_directories(dir);
  const std::filesystem::path run = dir / (name + "-" + std::to_string(stamp) + ".h5");
  const std::string lock_path = (dir / (name + ".lock")).string();
  const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(lock >= 0);
  REQUIRE(::flock(lock, LOCK_EX) == 0);
  if (!std::filesystem::exists(run)) {
    // runs of an older backsim go (under the lock: no other test reads them now)
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string file = entry.path().filename().string();
      if (file.rfind(name + "-", 0) == 0) std::filesystem::remove(entry.path());
    }
    const std::string scenario = std::string(BACKSIM_TEST_DATA_DIR) + "/" + scenario_file;
    const ProcessResult r = run_backsim({"run", scenario, "-o", run.string(), "-q", "--threads", "1"}, dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return run;
}

// A few steps of a ball on the coarse desk-worker back (tests/data/viz/back_touch.toml).
inline std::filesystem::path back_run() { return shared_run("back_touch", "viz/back_touch.toml"); }
// A sphere gliding on the block: no anatomy, one region (tests/data/cli/small_glide.toml).
inline std::filesystem::path block_run() { return shared_run("small_glide", "cli/small_glide.toml"); }

// A whole numeric dataset converted to double (ints included), with its shape.
struct DoubleArray {
  std::vector<hsize_t> dims;
  std::vector<double> values;
};

inline DoubleArray read_as_double(hid_t file, const std::string& path) {
  INFO("dataset " << path);
  const hid_t dataset = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  REQUIRE(dataset >= 0);
  const hid_t space = H5Dget_space(dataset);
  DoubleArray a;
  a.dims.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, a.dims.data(), nullptr);
  std::size_t count = 1;
  for (const hsize_t d : a.dims) count *= d;
  a.values.resize(count);
  if (count > 0) REQUIRE(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) >= 0);
  H5Sclose(space);
  H5Dclose(dataset);
  return a;
}

}  // namespace backsim::test
