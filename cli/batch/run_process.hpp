// One run of a study as a child process: `backsim run DIR/scenarios/RUN.toml -o
// DIR/runs/RUN.h5 -q --threads T`, its output in DIR/logs/RUN.log. A run in its own
// process cannot take the batch down with it (a crash, the out-of-memory killer), and
// it dies with the batch (PR_SET_PDEATHSIG): a killed batch leaves no run going on
// behind the back of the next --resume.
#pragma once

#include "scenarios/study/manifest.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace backsim::cli {

// Starts the run; throws OutputFailure when the process cannot be started.
pid_t start_run_process(const std::filesystem::path& dir, const ManifestRow& row, int threads);

// The exit code of a waited-for child: its exit status, or 128 + the signal that killed it.
int exit_code_of(int wait_status);

// Records how a run ended: a failure record for a non-zero exit code other than
// "interrupted" (an interrupted run is just not done), nothing else. Returns the message
// recorded ("" for a success or an interruption).
std::string record_run_end(const std::filesystem::path& dir, const ManifestRow& row, int exit_code);

}  // namespace backsim::cli
