// Crash safety: a writer process killed with SIGKILL at an arbitrary moment leaves
// a `.partial` file that a plain H5Fopen(RDONLY, H5P_DEFAULT) opens and that holds
// every frame flushed before the kill, each intact (docs/output.md). The frame
// count is len(/frames/time); /frames/displacement may hold one more row, written
// but not yet committed when the kill came.
#include "engine/io/run_writer.hpp"

#include "hdf5_test_reader.hpp"
#include "scratch_directory.hpp"

#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace backsim;
using namespace backsim::test;

namespace {

constexpr std::size_t kNodeCount = 10000;
constexpr auto kFramePeriod = std::chrono::milliseconds(20);
constexpr int kMaxFrames = 1500;  // 30 s: the child stops by itself if never killed

double frame_time(int frame) { return 0.001 * frame; }

TetMesh grid_mesh() {
  TetMesh mesh;
  for (std::size_t n = 0; n < kNodeCount; ++n) {
    mesh.nodes.emplace_back(0.001 * static_cast<double>(n % 100),
                            0.001 * static_cast<double>(n / 100), 0.0);
  }
  mesh.tets = {Tet{0, 1, 100, 101}};
  mesh.region = {0};
  mesh.region_names = {"tissue"};
  return mesh;
}

// The child: writes frame f with every displacement component equal to f, one
// frame every kFramePeriod, until killed. Tells the parent (one byte on
// `ready_fd`) once the first frame is flushed. Never returns.
[[noreturn]] void write_frames_until_killed(const std::filesystem::path& path, int ready_fd) {
  int exit_code = 0;
  try {
    const TetMesh mesh = grid_mesh();
    Provenance provenance;
    provenance.scenario = "crash test";
    RunWriter writer(path, mesh, provenance);
    std::vector<Vec3> displacement(kNodeCount);
    for (int f = 0; f < kMaxFrames; ++f) {
      StepStats step;
      step.time = frame_time(f);
      writer.append_step(step);
      for (Vec3& u : displacement) u.setConstant(f);
      writer.append_frame(frame_time(f), displacement);
      if (f == 0) {
        const char ready = 'r';
        if (::write(ready_fd, &ready, 1) != 1) _exit(4);
      }
      std::this_thread::sleep_for(kFramePeriod);
    }
    exit_code = 3;  // never killed: the parent reports it
  } catch (...) {
    exit_code = 2;
  }
  // _exit, not exit or return: the child must not run Catch2 or static destructors.
  _exit(exit_code);
}

void kill_writer_and_check(const std::filesystem::path& path, std::chrono::milliseconds delay) {
  int ready_pipe[2];
  REQUIRE(::pipe(ready_pipe) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready_pipe[0]);
    write_frames_until_killed(path, ready_pipe[1]);
  }
  ::close(ready_pipe[1]);
  char ready = 0;
  const ssize_t got = ::read(ready_pipe[0], &ready, 1);
  ::close(ready_pipe[0]);
  if (got != 1) {  // the child died before its first frame
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    FAIL("writer process ended before its first frame");
  }
  std::this_thread::sleep_for(delay);
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("child exit status " << status);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  CHECK_FALSE(std::filesystem::exists(path));
  const std::filesystem::path partial = path.string() + ".partial";
  REQUIRE(std::filesystem::exists(partial));
  const FileHandle file = open_read_only(partial);  // plain H5Fopen, RDONLY, H5P_DEFAULT

  const Hdf5Array<double> time = read_float64(file.get(), "/frames/time");
  REQUIRE(time.dims.size() == 1);
  const hsize_t frames = time.dims[0];
  INFO("frames in the killed run's file: " << frames);
  REQUIRE(frames >= 1);
  // About delay / period frames were flushed; allow for a slow machine.
  CHECK(frames <= static_cast<hsize_t>(delay / kFramePeriod) + 2);

  const Hdf5Array<double> displacement = read_float64(file.get(), "/frames/displacement");
  REQUIRE(displacement.dims.size() == 3);
  const hsize_t displacement_rows = displacement.dims[0];
  CHECK((displacement_rows == frames || displacement_rows == frames + 1));
  CHECK(displacement.dims[1] == kNodeCount);
  CHECK(displacement.dims[2] == 3);
  const std::size_t values_per_frame = kNodeCount * 3;
  for (hsize_t f = 0; f < frames; ++f) {
    INFO("frame " << f);
    CHECK(time.values[f] == frame_time(static_cast<int>(f)));
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < values_per_frame; ++i) {
      if (displacement.values[f * values_per_frame + i] != static_cast<double>(f)) ++wrong;
    }
    CHECK(wrong == 0);
  }
  // One step per frame, written with the frame's displacement.
  const Hdf5Array<double> step_time = read_float64(file.get(), "/solver/time");
  CHECK(step_time.dims == std::vector<hsize_t>{displacement_rows});
  CHECK(read_string_attribute(file.get(), "status") == "running");
  CHECK_FALSE(has_attribute(file.get(), "finished_utc"));
}

}  // namespace

TEST_CASE("RunWriter: a SIGKILLed run leaves a readable .partial with every flushed frame") {
  const ScratchDirectory directory("run-writer-crash");
  // Different kill times: right after the first frame, mid-run, later; none a
  // multiple of the frame period, so the kill lands at different points of a frame.
  for (const int delay_ms : {0, 170, 530, 1130}) {
    DYNAMIC_SECTION("killed " << delay_ms << " ms after the first frame") {
      kill_writer_and_check(directory / ("run-" + std::to_string(delay_ms) + ".h5"),
                            std::chrono::milliseconds(delay_ms));
    }
  }
}
