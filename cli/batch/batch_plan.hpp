// What a batch has to do, shared by the local pool and the MPI ranks: the study's
// manifest, which of its runs still need running, and how many cores each run gets.
#pragma once

#include "cli/batch/batch_command.hpp"
#include "cli/batch/batch_progress.hpp"
#include "cli/batch/study_results.hpp"
#include "scenarios/study/study.hpp"
#include "scenarios/study/manifest.hpp"

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <vector>

namespace backsim::cli {

struct BatchPlan {
  std::filesystem::path directory;
  Manifest manifest;
  std::vector<std::size_t> todo;  // rows of the manifest to run, in order
  std::size_t skipped = 0;        // complete already (--resume)
  std::size_t skipped_failed = 0; // of those, the ones that ended in a solver failure
};

// The rows to run: all of them, or with `resume` those without a complete run file of
// their scenario (an interrupted, failed or stale run is run again).
BatchPlan plan_batch(const std::filesystem::path& directory, Manifest manifest, bool resume);

// The CPUs this process may run on (its affinity mask: a Slurm or cgroup allotment).
int available_cores();

// Set by SIGINT/SIGTERM while a batch runs: start no more runs, let the ones going end.
std::atomic<bool>& batch_stop_requested();
void install_batch_signal_handlers();
// The environment every run inherits (OMP_WAIT_POLICY=PASSIVE unless set).
void prepare_run_environment();

// How a run ended, as progress events and summaries name it: "ok", "solver_failure",
// "interrupted" or "failed".
std::string_view run_end_status(int exit_code);

// Expands the study and writes its scenarios and manifest into `directory`; prints the
// problems and returns an exit code (ok, invalid_input, output_failure).
int expand_into(const std::filesystem::path& study_file, const std::filesystem::path& directory, Study& study);
// summary.csv and study.h5 from the run files in `directory`; prints a summary unless
// quiet; returns an exit code.
int aggregate(const std::filesystem::path& directory, bool quiet, StudyResults& results);
// The exit code of a batch whose runs are done: 130 if it was interrupted, 6 if a run
// failed or is missing, else 0.
int batch_exit_code(const StudyResults& results, bool interrupted);

// backsim batch on this machine alone (no MPI).
int run_local_batch(const BatchCommandOptions& options);

// Runs `plan.todo` on this machine, `jobs` at a time with `threads` each.
void run_local_pool(const BatchPlan& plan, int jobs, int threads, BatchProgress& progress);

}  // namespace backsim::cli
