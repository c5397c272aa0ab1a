// Whole sessions (issue 9): a scenario run with cycle jumps, and optionally without
// them as references, timed; written as sessions.csv / sessions.md.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace backsim::bench {

// The runs a session's accelerated run is compared with.
struct SessionReferences {
  // Every cycle and period solved on the accelerated run's steps (cycle_jump on with
  // a zero tolerance, solved_periods 0): the acceleration alone is off.
  bool every_cycle = false;
  // Uniform steps of solver.time_step (cycle_jump off): the steps also fall at other
  // phases of the strokes.
  bool stepped = false;
};

// Runs each scenario file with cycle jumps (and the references asked for), prints a
// Markdown table through `emit` and writes the CSV into `dir`. Returns the table.
std::string run_sessions(const std::vector<std::string>& scenarios, SessionReferences references, int threads,
                         const std::filesystem::path& dir, const std::function<void(const std::string&)>& emit);

}  // namespace backsim::bench
