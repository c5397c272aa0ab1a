// Whole sessions (issue 9): a scenario run with cycle jumps, and optionally without
// them as the reference, timed; written as sessions.csv / sessions.md.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace backsim::bench {

// Runs each scenario file with cycle jumps (and, with `reference`, with every step
// solved), prints a Markdown table through `emit` and writes the CSV into `dir`.
// Returns the table.
std::string run_sessions(const std::vector<std::string>& scenarios, bool reference, int threads,
                         const std::filesystem::path& dir, const std::function<void(const std::string&)>& emit);

}  // namespace backsim::bench
