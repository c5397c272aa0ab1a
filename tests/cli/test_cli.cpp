// The backsim program end to end: exit codes, outputs, determinism across thread
// counts, crash safety, diagnostics.
#include "../io/hdf5_test_reader.hpp"
#include "../io/scratch_directory.hpp"
#include "cli/exit_codes.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

using namespace backsim;
using namespace backsim::test;

namespace {
const std::filesystem::path kData = BACKSIM_TEST_DATA_DIR;

// The float64 dataset `path` holds the same bits in both files (and is not empty).
void check_bit_identical(const FileHandle& one, const FileHandle& two, const char* path) {
  INFO(path);
  const auto a = read_float64(one.get(), path);
  const auto b = read_float64(two.get(), path);
  REQUIRE(a.dims == b.dims);
  REQUIRE(!a.values.empty());
  CHECK(std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)) == 0);
}

}  // namespace

TEST_CASE("backsim run with no file runs the demo and summarises it", "[cli]") {
  ScratchDirectory dir("cli-demo");
  const ProcessResult r = run_backsim({"run"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  for (const char* line : {"peak depth", "peak force", "Newton", "CG", "wall time"}) CHECK(r.out.find(line) != std::string::npos);
  REQUIRE(std::filesystem::exists(dir / "backsim-demo.h5"));
  CHECK_FALSE(std::filesystem::exists(dir / "backsim-demo.h5.partial"));
  FileHandle file = open_read_only(dir / "backsim-demo.h5");
  CHECK(read_string_attribute(file.get(), "status") == "ok");
  const auto time = read_float64(file.get(), "/frames/time");
  const auto disp = read_float64(file.get(), "/frames/displacement");
  REQUIRE(time.dims[0] >= 10);
  CHECK(disp.dims[0] == time.dims[0]);
  // The demo presses 8 mm: the largest downward displacement is close to that.
  double deepest = 0;
  for (std::size_t i = 2; i < disp.values.size(); i += 3) deepest = std::min(deepest, disp.values[i]);
  CHECK(deepest < -0.007);
  CHECK(deepest > -0.009);
}

TEST_CASE("a scenario on the procedural back runs", "[cli][models]") {
  ScratchDirectory dir("cli-back");
  const ProcessResult r = run_backsim(
      {"run", std::string(BACKSIM_SOURCE_DIR) + "/scenarios/examples/back_press_coarse.toml", "-o", "b.h5"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  FileHandle file = open_read_only(dir / "b.h5");
  const auto force = read_float64(file.get(), "/tool/force");
  const auto depth = read_float64(file.get(), "/tool/depth");
  // A 4 mm press of an 8 cm ball on the back: the tissue pushes back, by a few to a
  // few tens of newtons (light to moderate effleurage).
  double peak = 0;
  for (std::size_t k = 2; k < force.values.size(); k += 3) peak = std::max(peak, force.values[k]);
  CHECK(peak > 2.0);
  CHECK(peak < 60.0);
  CHECK(depth.values.back() == Approx(0.004));
}

TEST_CASE("the same scenario on 1 and 2 threads writes bit-identical arrays", "[cli][determinism]") {
  ScratchDirectory dir("cli-threads");
  const std::string scenario = (kData / "cli" / "small_glide.toml").string();
  REQUIRE(run_backsim({"run", scenario, "-o", "one.h5", "--threads", "1", "-q"}, dir.path()).exit_code == 0);
  REQUIRE(run_backsim({"run", scenario, "-o", "two.h5", "--threads", "2", "-q"}, dir.path()).exit_code == 0);
  FileHandle one = open_read_only(dir / "one.h5");
  FileHandle two = open_read_only(dir / "two.h5");
  for (const char* path : {"/frames/time", "/frames/displacement", "/tool/position", "/tool/force", "/tool/depth",
                           "/solver/residual", "/solver/energy", "/solver/min_volume_ratio"})
    check_bit_identical(one, two, path);
  const auto newton_a = read_int32(one.get(), "/solver/cg_iterations");
  const auto newton_b = read_int32(two.get(), "/solver/cg_iterations");
  CHECK(newton_a.values == newton_b.values);
}

TEST_CASE("every malformed scenario is rejected with file:line:col and exit code 3", "[cli][validation]") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "malformed")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    const std::string first_line = slurp(entry.path()).substr(0, slurp(entry.path()).find('\n'));
    std::smatch m;
    REQUIRE(std::regex_search(first_line, m, std::regex(R"(# expect: (\d+):(\d+):)")));
    ScratchDirectory dir("cli-malformed");
    const ProcessResult r = run_backsim({"validate", entry.path().string()}, dir.path());
    INFO(entry.path().filename().string() << "\n" << r.err);
    CHECK(r.exit_code == exit_code::invalid_input);
    CHECK(r.err.find(entry.path().string() + ":" + m[1].str() + ":" + m[2].str() + ": ") != std::string::npos);
  }
  CHECK(files >= 10);
}

TEST_CASE("usage errors and valid files give their exit codes", "[cli]") {
  ScratchDirectory dir("cli-usage");
  CHECK(run_backsim({}, dir.path()).exit_code == exit_code::usage);
  CHECK(run_backsim({"frobnicate"}, dir.path()).exit_code == exit_code::usage);
  CHECK(run_backsim({"run", "no-such-file.toml"}, dir.path()).exit_code == exit_code::usage);
  const ProcessResult ok = run_backsim({"validate", (kData / "cli" / "small_glide.toml").string()}, dir.path());
  CHECK(ok.exit_code == exit_code::ok);
  CHECK(ok.out.find("valid") != std::string::npos);
  // A run that cannot write its output: the directory does not exist.
  const ProcessResult bad =
      run_backsim({"run", (kData / "cli" / "small_glide.toml").string(), "-o", "missing/dir/out.h5"}, dir.path());
  CHECK(bad.exit_code == exit_code::output_failure);
}

TEST_CASE("a failing solve stops with a diagnostic, exit code 4, and keeps the frames", "[cli][failure]") {
  ScratchDirectory dir("cli-failure");
  const ProcessResult r = run_backsim({"run", (kData / "cli" / "newton_starved.toml").string(), "-o", "f.h5"}, dir.path());
  INFO(r.err);
  CHECK(r.exit_code == exit_code::solver_failure);
  CHECK(r.err.find("Newton did not converge") != std::string::npos);
  CHECK(r.err.find("step 1") != std::string::npos);
  REQUIRE(std::filesystem::exists(dir / "f.h5"));
  FileHandle file = open_read_only(dir / "f.h5");
  CHECK(read_string_attribute(file.get(), "status") == "solver_failure");
  CHECK(read_string_attribute(file.get(), "error").find("Newton") != std::string::npos);
  CHECK(read_float64(file.get(), "/frames/time").dims[0] >= 1);  // the initial frame is kept
}

TEST_CASE("a run killed with SIGKILL leaves a readable file with the frames so far", "[cli][crash]") {
  // long_press.toml: 2975 nodes and 13,824 tets (24 x 16 x 6 cells), a frame every
  // step. The file grows per flushed frame by one displacement frame (2975 x 3
  // doubles = 71 kB) and five per-tet fields (5 x 13,824 doubles = 553 kB); once it
  // passes the mesh (about 350 kB) and four frames, at least two frames are on disk
  // whatever the build's speed. Then it is killed at different moments.
  const std::uintmax_t frame_bytes = 2975u * 3u * 8u + 5u * 13824u * 8u;
  const std::uintmax_t threshold = 350000u + 4u * frame_bytes;
  for (const int extra_ms : {0, 700}) {
    ScratchDirectory dir("cli-kill-" + std::to_string(extra_ms));
    const pid_t pid = start_backsim({"run", (kData / "cli" / "long_press.toml").string(), "-o", "k.h5"}, dir.path());
    const std::filesystem::path partial = dir / "k.h5.partial";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    std::error_code ec;
    while (std::chrono::steady_clock::now() < deadline &&
           !(std::filesystem::exists(partial, ec) && std::filesystem::file_size(partial, ec) >= threshold))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(extra_ms));
    REQUIRE(kill(pid, SIGKILL) == 0);
    const ProcessResult r = wait_backsim(pid, dir.path());
    REQUIRE(r.exit_code == -1);  // killed, not finished: the run takes longer than this
    CHECK_FALSE(std::filesystem::exists(dir / "k.h5"));
    REQUIRE(std::filesystem::exists(partial));
    FileHandle file = open_read_only(partial);
    CHECK(read_string_attribute(file.get(), "status") == "running");
    const auto time = read_float64(file.get(), "/frames/time");
    const auto disp = read_float64(file.get(), "/frames/displacement");
    INFO("killed " << extra_ms << " ms after the threshold with " << time.dims[0] << " frames");
    REQUIRE(time.dims[0] >= 2);
    // A killed file may hold one displacement row more than its time count (docs/output.md).
    CHECK((disp.dims[0] == time.dims[0] || disp.dims[0] == time.dims[0] + 1));
    for (std::size_t k = 1; k < time.dims[0]; ++k) CHECK(time.values[k] > time.values[k - 1]);
    for (double v : disp.values) REQUIRE(std::isfinite(v));
  }
}

TEST_CASE("SIGINT stops a run with exit code 130 and keeps the frames in the .partial file", "[cli][crash]") {
  ScratchDirectory dir("cli-sigint");
  const pid_t pid = start_backsim({"run", (kData / "cli" / "long_press.toml").string(), "-o", "i.h5"}, dir.path());
  const std::filesystem::path partial = dir / "i.h5.partial";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::error_code ec;
  // Wait until a few frames are on disk (see the SIGKILL test for the size).
  while (std::chrono::steady_clock::now() < deadline &&
         !(std::filesystem::exists(partial, ec) && std::filesystem::file_size(partial, ec) >= 350000u + 4u * 71400u))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(kill(pid, SIGINT) == 0);
  const ProcessResult r = wait_backsim(pid, dir.path());
  INFO(r.err);
  CHECK(r.exit_code == exit_code::interrupted);
  CHECK(r.err.find("interrupted") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "i.h5"));
  FileHandle file = open_read_only(partial);
  CHECK(read_float64(file.get(), "/frames/time").dims[0] >= 2);
}

namespace {

// Runs `scenario` without stopping, then again killed (SIGKILL) at a random moment
// after its first checkpoint and resumed with --resume (on 2 threads: the result may
// depend on neither), and checks that both files hold the same bytes in every
// dataset but the steps' wall-clock times.
void check_killed_and_resumed(const std::string& name, const std::filesystem::path& scenario) {
  ScratchDirectory dir("cli-resume-" + name);
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult ref = run_backsim({"run", scenario.string(), "-o", "ref.h5", "-q", "-t", "1", "--no-checkpoints"},
                                        dir.path());
  REQUIRE(ref.exit_code == exit_code::ok);
  const double ref_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_FALSE(std::filesystem::exists(dir / "ref.h5.checkpoint"));

  // A random point: anywhere in the first 60 % of the run (checkpoints every step
  // make the killed run slower than the reference, so it is still running then).
  std::random_device entropy;
  std::mt19937 random(entropy());
  const double delay = std::uniform_real_distribution<double>(0.0, 0.6 * ref_seconds)(random);
  INFO(name << ": killed " << delay << " s after the first checkpoint; the run takes " << ref_seconds << " s");
  const pid_t pid =
      start_backsim({"run", scenario.string(), "-o", "k.h5", "-q", "-t", "1", "--checkpoint-every", "0"}, dir.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && !std::filesystem::exists(dir / "k.h5.checkpoint"))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));
  REQUIRE(kill(pid, SIGKILL) == 0);
  REQUIRE(wait_backsim(pid, dir.path()).exit_code == -1);  // killed, not finished
  REQUIRE(std::filesystem::exists(dir / "k.h5.partial"));
  REQUIRE(std::filesystem::exists(dir / "k.h5.checkpoint"));

  const ProcessResult resumed = run_backsim({"run", scenario.string(), "-o", "k.h5", "-q", "-t", "2", "--resume"},
                                            dir.path());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == exit_code::ok);
  CHECK(resumed.err.find("resuming k.h5 at t = ") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "k.h5.partial"));
  CHECK_FALSE(std::filesystem::exists(dir / "k.h5.checkpoint"));  // a finished run has nothing to resume
  const std::vector<std::string> differ = differing_datasets(dir / "ref.h5", dir / "k.h5", {"/solver/wall_seconds"});
  INFO("datasets that differ: " << differ.size() << (differ.empty() ? "" : ", first " + differ.front()));
  CHECK(differ.empty());
  FileHandle file = open_read_only(dir / "k.h5");
  CHECK(read_string_attribute(file.get(), "status") == "ok");
  CHECK(has_attribute(file.get(), "resumed_utc"));
}

}  // namespace

TEST_CASE("a run killed at a random step and resumed matches the run that never stopped", "[cli][resume]") {
  check_killed_and_resumed("block", kData / "cli" / "resume_block.toml");
}

TEST_CASE("a session with cycle jumps, tone and circulation killed and resumed matches", "[cli][resume]") {
  check_killed_and_resumed("back", kData / "cli" / "resume_back.toml");
}

TEST_CASE("resume: SIGINT leaves a checkpoint - a finished run or another scenario is not resumed", "[cli][resume]") {
  ScratchDirectory dir("cli-resume-misc");
  const std::string scenario = (kData / "cli" / "resume_block.toml").string();
  const pid_t pid = start_backsim({"run", scenario, "-o", "i.h5", "-t", "1"}, dir.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code ec;
  while (std::chrono::steady_clock::now() < deadline &&
         !(std::filesystem::exists(dir / "i.h5.partial", ec) && std::filesystem::file_size(dir / "i.h5.partial", ec) > 200000))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(kill(pid, SIGINT) == 0);
  const ProcessResult stopped = wait_backsim(pid, dir.path());
  INFO(stopped.err);
  REQUIRE(stopped.exit_code == exit_code::interrupted);
  CHECK(stopped.err.find("--resume") != std::string::npos);
  REQUIRE(std::filesystem::exists(dir / "i.h5.checkpoint"));  // written where it stopped

  // another scenario's checkpoint is refused, and left in place
  const ProcessResult other = run_backsim(
      {"run", (kData / "cli" / "small_glide.toml").string(), "-o", "i.h5", "-q", "--resume"}, dir.path());
  CHECK(other.exit_code == exit_code::invalid_input);
  CHECK(other.err.find("is of another scenario") != std::string::npos);
  CHECK(std::filesystem::exists(dir / "i.h5.checkpoint"));

  REQUIRE(run_backsim({"run", scenario, "-o", "i.h5", "-q", "--resume"}, dir.path()).exit_code == exit_code::ok);
  const ProcessResult again = run_backsim({"run", scenario, "-o", "i.h5", "-q", "--resume"}, dir.path());
  CHECK(again.exit_code == exit_code::ok);
  CHECK(again.err.find("is a finished run; nothing to resume") != std::string::npos);
}

TEST_CASE("the summary's before is the state at the motion's start, wherever the frames fall", "[cli][metrics]") {
  // Frames every 0.5 s put the first one after the start (0.3 s) under the pressing
  // palm, frames every 0.1 s at the start itself: the "before" must not depend on it
  // (it did: it was the first frame at or after the start, docs/output.md).
  ScratchDirectory dir("cli-before");
  const auto scenario = [&](const char* name, const char* interval) {
    std::ofstream(dir / name) << "[geometry]\ntype = \"back\"\nresolution = \"coarse\"\n"
                                 "[motion]\ntechnique = \"effleurage\"\ncontrol = \"kinematic\"\npress_depth = \"6 mm\"\n"
                                 "path = [[\"L1\", \"-5.5 cm\"], [\"L3\", \"-5.5 cm\"]]\npress_time = \"0.3 s\"\n"
                                 "start_time = \"0.3 s\"\n"
                                 "[solver]\ntime_step = \"0.1 s\"\nduration = \"0.8 s\"\n"
                                 "[output]\ninterval = \""
                              << interval << "\"\n";
    return (dir / name).string();
  };
  REQUIRE(run_backsim({"run", scenario("sparse.toml", "0.5 s"), "-o", "sparse.h5", "-q"}, dir.path()).exit_code == 0);
  REQUIRE(run_backsim({"run", scenario("dense.toml", "0.1 s"), "-o", "dense.h5", "-q"}, dir.path()).exit_code == 0);
  FileHandle sparse = open_read_only(dir / "sparse.h5");
  FileHandle dense = open_read_only(dir / "dense.h5");
  const auto time = read_float64(dense.get(), "/frames/time");
  REQUIRE(time.values.size() > 4);
  CHECK(time.values[3] == Approx(0.3));  // the dense run has a frame at the start
  for (const char* path : {"/metrics/summary/active_tension_before", "/metrics/summary/shear_modulus_before",
                           "/metrics/summary/active_tension_after", "/metrics/summary/tension_relief_percent"})
    check_bit_identical(sparse, dense, path);
  // and the relief series is 0 at the start's frame: measured against that very state
  const auto relief = read_float64(dense.get(), "/metrics/regions/tension_relief_percent");
  const std::size_t regions = relief.values.size() / time.values.size();
  for (std::size_t r = 0; r < regions; ++r) CHECK(relief.values[3 * regions + r] == 0.0);
}
