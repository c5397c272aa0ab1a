// `backsim view` end to end, without a browser: the page it writes, its sizes, the
// frames it keeps, optional landmarks, and its errors and exit codes.
#include "../../io/hdf5_test_reader.hpp"
#include "../../io/scratch_directory.hpp"
#include "../process.hpp"
#include "cli/exit_codes.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace backsim;
using namespace backsim::test;

namespace {

// BACKSIM_TEST_DATA_DIR is relative to the suite folder one level up; this one is nested.
const std::filesystem::path kData = std::filesystem::path(BACKSIM_SOURCE_DIR) / "tests" / "data";

// The small block run of the command-line tests: 11 frames, about 2 s on one thread.
void make_small_run(const ScratchDirectory& dir, const std::string& output) {
  const ProcessResult r =
      run_backsim({"run", (kData / "cli" / "small_glide.toml").string(), "-o", output, "-q", "--threads", "1"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
}

// Adds /anatomy/landmark_names and /anatomy/landmark_points, the layout that back runs
// are to carry (issue 8); the page reads any names dataset with a N x 3 points beside it.
void add_landmarks(const std::filesystem::path& file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  FileHandle f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  REQUIRE(f.valid());
  io_detail::GroupHandle group(H5Gcreate2(f.get(), "/anatomy", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(group.valid());
  const char* names[2] = {"T7", "scapula_inferior_angle_left"};
  const hsize_t two[1] = {2};
  DataspaceHandle names_space(H5Screate_simple(1, two, nullptr));
  DatatypeHandle text = utf8_string_type();
  DatasetHandle names_set(H5Dcreate2(f.get(), "/anatomy/landmark_names", text.get(), names_space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(H5Dwrite(names_set.get(), text.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0);
  const double points[6] = {0.0, 0.01, 0.0, -0.02, -0.01, 0.0};
  const hsize_t two_by_three[2] = {2, 3};
  DataspaceHandle points_space(H5Screate_simple(2, two_by_three, nullptr));
  DatasetHandle points_set(H5Dcreate2(f.get(), "/anatomy/landmark_points", H5T_IEEE_F64LE, points_space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(H5Dwrite(points_set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, points) >= 0);
}

}  // namespace

TEST_CASE("backsim view writes one self-contained page", "[lesson][cli]") {
  ScratchDirectory dir("lesson-view");
  make_small_run(dir, "small.h5");
  const ProcessResult r = run_backsim({"view", "small.h5", "-o", "page.html"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  CHECK(r.out.find("11 of 11 frames") != std::string::npos);
  REQUIRE(std::filesystem::exists(dir / "page.html"));
  CHECK_FALSE(std::filesystem::exists(dir / "page.html.partial"));
  const std::string page = slurp(dir / "page.html");
  // Offline: nothing is loaded from elsewhere, three.js and its licence are inside.
  CHECK(page.find("<script src") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("Copyright 2010-2026 Three.js Authors") != std::string::npos);
  CHECK(page.find("class OrbitControls") != std::string::npos);
  CHECK(page.find("@@") == std::string::npos);  // every template marker filled
  CHECK(page.find("\"generator\":\"backsim view\"") != std::string::npos);
  // A block has no muscle: no tone, no muscle blood flow; the rest is there.
  CHECK(page.find("\"key\":\"pressure\"") != std::string::npos);
  CHECK(page.find("\"key\":\"displacement\"") != std::string::npos);
  CHECK(page.find("\"key\":\"tone\"") == std::string::npos);
  CHECK(page.find("\"shape\":\"sphere\",\"radius\":0.01") != std::string::npos);  // small_glide.toml's tool
  CHECK(page.find("\"model\":\"block\"") != std::string::npos);
  // three.js is 0.79 MB of it; a small run's data is a few hundred kB at most.
  CHECK(page.size() > 700'000);
  CHECK(page.size() < 1'500'000);
}

TEST_CASE("backsim view keeps a long run's first and last frames and spreads the rest", "[lesson][cli]") {
  ScratchDirectory dir("lesson-frames");
  make_small_run(dir, "small.h5");
  const ProcessResult r = run_backsim({"view", "small.h5", "--max-frames", "3", "-o", "page.html"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  CHECK(r.out.find("3 of 11 frames") != std::string::npos);
  const std::string page = slurp(dir / "page.html");
  CHECK(page.find("\"frame_index\":[0,5,10]") != std::string::npos);
  CHECK(page.find("\"run_frames\":11") != std::string::npos);
}

TEST_CASE("backsim view shows the landmarks of a run that has them", "[lesson][cli]") {
  ScratchDirectory dir("lesson-landmarks");
  make_small_run(dir, "small.h5");
  add_landmarks(dir / "small.h5");
  const ProcessResult r = run_backsim({"view", "small.h5", "-o", "page.html", "-q"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  const std::string page = slurp(dir / "page.html");
  CHECK(page.find("{\"name\":\"T7\",\"position\":[0,0.01,0]}") != std::string::npos);
  CHECK(page.find("\"name\":\"scapula_inferior_angle_left\"") != std::string::npos);
}

TEST_CASE("backsim view rejects what it cannot show with a message and its exit code", "[lesson][cli]") {
  ScratchDirectory dir("lesson-errors");
  make_small_run(dir, "small.h5");
  {
    std::ofstream text(dir / "notes.h5");
    text << "not a run\n";
  }
  struct Case {
    std::vector<std::string> args;
    int exit;
    const char* message;
  };
  const ProcessResult model = run_backsim({"model", "--resolution", "coarse", "-o", "model.h5", "-q"}, dir.path());
  REQUIRE(model.exit_code == exit_code::ok);
  for (const Case& c : {
           Case{{"view"}, exit_code::usage, "runs is required"},
           Case{{"view", "missing.h5"}, exit_code::usage, "does not exist"},
           Case{{"view", "small.h5", "small.h5", "small.h5"}, exit_code::usage, "At Most 2"},
           Case{{"view", "small.h5", "--max-frames", "1"}, exit_code::usage, "--max-frames"},
           Case{{"view", "notes.h5"}, exit_code::invalid_input, "notes.h5: not an HDF5 file"},
           Case{{"view", "model.h5"}, exit_code::invalid_input, "model.h5: not a backsim run file"},
           Case{{"view", "small.h5", "-o", "no/such/dir/page.html"}, exit_code::output_failure, "does not exist"},
       }) {
    const ProcessResult r = run_backsim(c.args, dir.path());
    INFO(c.args.back() << "\n" << r.err);
    CHECK(r.exit_code == c.exit);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "no"));
}
