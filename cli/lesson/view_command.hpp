// `backsim view RUN.h5 [RUN2.h5] -o lesson.html`: the lesson page (docs/lesson.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace backsim::cli {

struct ViewCommandOptions {
  std::vector<std::filesystem::path> runs;  // one, or two shown side by side
  std::filesystem::path output;             // default: the first run's name with .html
  std::string title;                        // default: the runs' scenario names
  unsigned max_frames = 120;                // frames per run on the page (more are subsampled)
  bool quiet = false;                       // no summary on stdout
};

// Returns an exit code (cli/exit_codes.hpp).
int run_view_command(const ViewCommandOptions& options);

}  // namespace backsim::cli
