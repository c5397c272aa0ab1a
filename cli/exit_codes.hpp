// Exit codes of the backsim program (documented in README.md and docs/cli.md).
#pragma once

namespace backsim::exit_code {

inline constexpr int ok = 0;
inline constexpr int internal_error = 1;   // a bug in backsim: please report it
inline constexpr int usage = 2;            // bad command line
inline constexpr int invalid_input = 3;    // scenario, mesh or run file rejected (file:line:col messages)
inline constexpr int solver_failure = 4;   // non-convergence, inverted element, non-finite value
inline constexpr int output_failure = 5;   // results could not be written
inline constexpr int runs_failed = 6;      // backsim batch: some runs failed (listed in summary.csv), the rest aggregated
inline constexpr int interrupted = 130;    // SIGINT/SIGTERM: results so far kept in OUT.h5.partial

}  // namespace backsim::exit_code
