// The files of one run of a study in its directory (docs/study.md):
//   DIR/scenarios/RUN.toml   the resolved scenario (backsim expand)
//   DIR/runs/RUN.h5          its run file (backsim run; .partial while it runs)
//   DIR/runs/RUN.failed      why it failed, when it did not end with a run file
//   DIR/logs/RUN.log         what backsim run printed
// and what they say about the run: done (and how), failed, or still to run.
#pragma once

#include "scenarios/study/manifest.hpp"

#include <filesystem>
#include <string>

namespace backsim::cli {

std::filesystem::path run_output_path(const std::filesystem::path& dir, const std::string& run);
std::filesystem::path run_failure_path(const std::filesystem::path& dir, const std::string& run);
std::filesystem::path run_log_path(const std::filesystem::path& dir, const std::string& run);

enum class RunState {
  ok,              // a run file of this scenario with status "ok"
  solver_failure,  // a run file of this scenario with status "solver_failure" (exit code 4)
  failed,          // a failure record of this scenario (no run file: invalid input, a crash, ...)
  missing,         // nothing of this scenario: not run yet, in flight, interrupted, or stale files
};

struct RunRecord {
  RunState state = RunState::missing;
  int exit_code = -1;  // of backsim run; -1 when not known (missing)
  std::string error;   // the solver's diagnostic or the failed run's messages
};

// What DIR holds for `row`: a run file or failure record counts only when its scenario
// SHA-256 is the manifest's (a file of an older version of the study is stale).
RunRecord read_run_record(const std::filesystem::path& dir, const ManifestRow& row);
// True when a batch with --resume need not run it again: it has a complete run file.
inline bool is_complete(const RunRecord& r) { return r.state == RunState::ok || r.state == RunState::solver_failure; }
std::string_view state_name(RunState state);  // "ok", "solver_failure", "failed", "missing"

// Writes DIR/runs/RUN.failed atomically: the exit code, the scenario's SHA-256 and the
// message (the end of the run's log).
void write_failure_record(const std::filesystem::path& dir, const ManifestRow& row, int exit_code,
                          const std::string& message);

}  // namespace backsim::cli
