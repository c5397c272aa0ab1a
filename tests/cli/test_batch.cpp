// Studies end to end, as a user runs them: backsim expand, batch, aggregate, compare,
// on the tiny block of tests/data/study (a run takes a fraction of a second).
#include "engine/io/run_reader.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

using namespace backsim;
using namespace backsim::test;
namespace fs = std::filesystem;

namespace {

const fs::path kStudies = fs::path(BACKSIM_TEST_DATA_DIR) / "study";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("backsim_test_batch_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

std::string study(const char* name) { return (kStudies / name).string(); }

// Every frame's displacement and the tool's path of two run files, compared bit for bit.
void require_same_results(const fs::path& a, const fs::path& b) {
  const RunReader ra(a), rb(b);
  REQUIRE(ra.frame_times() == rb.frame_times());
  for (std::size_t f = 0; f < ra.frame_times().size(); ++f) REQUIRE(ra.displacement(f) == rb.displacement(f));
  REQUIRE(ra.tool_positions() == rb.tool_positions());
  REQUIRE(ra.values("/metrics/summary/shear_modulus_after") == rb.values("/metrics/summary/shear_modulus_after"));
  REQUIRE(ra.attribute("scenario_sha256") == rb.attribute("scenario_sha256"));
}

}  // namespace

TEST_CASE("backsim expand writes a scenario per run and the manifest and rejects a bad value with exit code 3") {
  const fs::path dir = fresh_dir("expand");
  const ProcessResult ok = run_backsim({"expand", study("cartesian.toml"), "-o", "out"}, dir);
  REQUIRE(ok.exit_code == 0);
  CHECK(lines(slurp(dir / "out/manifest.csv")) == 7);  // header + 6 runs
  for (int i = 1; i <= 6; ++i) CHECK(fs::is_regular_file(dir / fmt::format("out/scenarios/run-000{}.toml", i)));
  // a resolved scenario is a scenario: backsim validate accepts it
  CHECK(run_backsim({"validate", "out/scenarios/run-0003.toml"}, dir).exit_code == 0);

  const ProcessResult bad = run_backsim({"expand", study("bad_value.toml"), "-o", "bad"}, dir);
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err, Catch::Contains(study("bad_value.toml") + ":6:31: motion.press_depth"));
  CHECK(!fs::exists(dir / "bad/manifest.csv"));
}

TEST_CASE("backsim batch runs every run and aggregates summary.csv and study.h5 and compare reports") {
  const fs::path dir = fresh_dir("cartesian");
  const ProcessResult r = run_backsim({"batch", study("cartesian.toml"), "-o", "out"}, dir);
  REQUIRE(r.exit_code == 0);
  // not a terminal: one JSON object per line, a start and an end per run, and the batch's end
  CHECK(lines(r.out) == 13);
  CHECK_THAT(r.out, Catch::Contains("{\"event\":\"batch_end\",\"done\":6,\"failed\":0,\"total\":6"));
  const std::string summary = slurp(dir / "out/summary.csv");
  CHECK(lines(summary) == 7);
  CHECK_THAT(summary, Catch::StartsWith("run,status,exit_code,subject,repetition,scenario_sha256,motion.press_depth,"
                                        "material.youngs_modulus,run."));
  CHECK_THAT(summary, Catch::Contains("run-0006,ok,0,,0,"));
  CHECK(fs::is_regular_file(dir / "out/study.h5"));

  // aggregate rebuilds the same summary from the run files
  fs::remove(dir / "out/summary.csv");
  REQUIRE(run_backsim({"aggregate", "out", "-q"}, dir).exit_code == 0);
  CHECK(slurp(dir / "out/summary.csv") == summary);

  // compare: a dose-response curve for the swept depth, tables, one offline page
  const ProcessResult c = run_backsim({"compare", "out", "-o", "report", "--rank-by", "therapist_work_j"}, dir);
  REQUIRE(c.exit_code == 0);
  const std::string html = slurp(dir / "report/report.html");
  CHECK_THAT(html, Catch::Contains("<svg") && Catch::Contains("<polyline"));
  CHECK_THAT(html, !Catch::Contains("<script src") && !Catch::Contains("<link"));  // self-contained
  CHECK(fs::is_regular_file(dir / "report/report.md"));
  CHECK(fs::is_regular_file(dir / "report/plots/motion_press_depth_therapist_work_j.svg"));
  // ranked by work, least first: the shallowest press does the least work
  CHECK_THAT(slurp(dir / "report/ranking.csv"), Catch::Contains("motion.press_depth,1,2 mm,therapist_work_j,"));
  CHECK(lines(slurp(dir / "report/outcomes.csv")) == 1 + (3 + 2) * 7);  // (3 depths + 2 moduli) x 7 outcomes
  CHECK(run_backsim({"compare", "out", "--rank-by", "beauty"}, dir).exit_code == 2);
}

TEST_CASE("a batch killed mid-way and resumed gives the same summary.csv and reruns nothing complete") {
  const fs::path dir = fresh_dir("resume");
  // the reference: uninterrupted
  REQUIRE(run_backsim({"batch", study("resume.toml"), "-o", "whole", "-j", "1", "-t", "1", "-q"}, dir).exit_code == 0);

  const pid_t pid = start_backsim({"batch", study("resume.toml"), "-o", "killed", "-j", "1", "-t", "1", "-q"}, dir);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(dir / "killed/runs/run-0001.h5") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGKILL);
  (void)wait_backsim(pid, dir);
  std::map<fs::path, std::pair<ino_t, timespec>> complete;
  for (const auto& entry : fs::directory_iterator(dir / "killed/runs")) {
    if (entry.path().extension() != ".h5") continue;
    struct stat s {};
    REQUIRE(stat(entry.path().c_str(), &s) == 0);
    complete[entry.path()] = {s.st_ino, s.st_mtim};
  }
  INFO(complete.size() << " run files before the kill");
  REQUIRE(!complete.empty());
  REQUIRE(complete.size() < 12);  // else the kill came too late to test anything
  CHECK(!fs::exists(dir / "killed/summary.csv"));

  // the run in flight died with the batch (PR_SET_PDEATHSIG): nothing writes behind the resume
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& entry : fs::directory_iterator(dir / "killed/runs"))
    if (entry.path().extension() == ".h5") CHECK(complete.count(entry.path()) == 1);

  const ProcessResult resumed = run_backsim({"batch", study("resume.toml"), "-o", "killed", "--resume", "-j", "1", "-t", "1"}, dir);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Contains(fmt::format("({} to run, {} complete)", 12 - complete.size(), complete.size())));
  for (const auto& [path, id] : complete) {
    struct stat s {};
    REQUIRE(stat(path.c_str(), &s) == 0);
    CHECK(s.st_ino == id.first);  // the same file: not rewritten
    CHECK((s.st_mtim.tv_sec == id.second.tv_sec && s.st_mtim.tv_nsec == id.second.tv_nsec));
  }
  CHECK(slurp(dir / "killed/summary.csv") == slurp(dir / "whole/summary.csv"));

  // resuming a complete batch runs nothing
  const ProcessResult again = run_backsim({"batch", study("resume.toml"), "-o", "killed", "--resume"}, dir);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("(0 to run, 12 complete)"));
}

TEST_CASE("a study with a failing run finishes and reports that run as failed and aggregates the rest") {
  const fs::path dir = fresh_dir("failing");
  const ProcessResult r = run_backsim({"batch", study("one_failing.toml"), "-o", "out"}, dir);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.out, Catch::Contains("\"run\":\"run-0003\",\"status\":\"solver_failure\",\"exit_code\":4"));
  const std::string summary = slurp(dir / "out/summary.csv");
  CHECK(lines(summary) == 5);
  CHECK_THAT(summary, Catch::Contains("\nrun-0001,ok,0,") && Catch::Contains("\nrun-0002,ok,0,") &&
                          Catch::Contains("\nrun-0003,solver_failure,4,") && Catch::Contains("\nrun-0004,ok,0,"));
  CHECK_THAT(summary, Catch::Contains("Newton"));  // the solver's diagnostic, in the error column
  CHECK(fs::is_regular_file(dir / "out/study.h5"));
  CHECK(fs::is_regular_file(dir / "out/runs/run-0003.failed"));
  // the comparison leaves the failed run out
  const ProcessResult c = run_backsim({"compare", "out", "-q"}, dir);
  CHECK(c.exit_code == 0);
  CHECK_THAT(slurp(dir / "out/run_outcomes.csv"), Catch::Contains("run-0003,solver_failure,,3 mm,1,,,,,,,"));
}

#ifdef BACKSIM_MPIEXEC
TEST_CASE("the MPI batch with 3 ranks gives per-run results bit-identical to the single-process batch") {
  const fs::path dir = fresh_dir("mpi");
  REQUIRE(run_backsim({"batch", study("cartesian.toml"), "-o", "local", "-q"}, dir).exit_code == 0);
  // mpirun as root in CI, three ranks on however few cores
  setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  // containers often forbid the cross-memory attach of OpenMPI's shared-memory transport
  setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int out = open("mpi_out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    const std::string exe = std::string(BACKSIM_BIN_DIR) + "/backsim";
    const std::string studies = study("cartesian.toml");
    execl(BACKSIM_MPIEXEC, BACKSIM_MPIEXEC, "--oversubscribe", "-n", "3", exe.c_str(), "batch", studies.c_str(), "-o",
          "mpi", "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(slurp(dir / "mpi_out.txt"));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(slurp(dir / "mpi/summary.csv") == slurp(dir / "local/summary.csv"));
  for (int i = 1; i <= 6; ++i) {
    const std::string run = fmt::format("runs/run-000{}.h5", i);
    require_same_results(dir / "local" / run, dir / "mpi" / run);
  }
}
#endif
