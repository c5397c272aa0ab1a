// `backsim run`: runs a scenario (or the built-in demo) and writes its HDF5 file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace backsim::cli {

struct RunCommandOptions {
  std::optional<std::filesystem::path> scenario;  // none: the built-in demo
  std::filesystem::path output;                   // default: backsim-demo.h5 or SCENARIO.h5
  std::optional<int> threads;                     // overrides run.threads
  std::string command_line;                       // for provenance
  bool quiet = false;                             // no summary on stdout
  bool resume = false;                            // continue from OUTPUT.checkpoint
  double checkpoint_every = 60.0;                 // wall s between checkpoints; 0: every step
  bool no_checkpoints = false;
};

// Returns an exit code (cli/exit_codes.hpp).
int run_run_command(const RunCommandOptions& options);

}  // namespace backsim::cli
