// `backsim expand`, `backsim batch` and `backsim aggregate`: a study's runs, from its
// file to its summary (docs/study.md, docs/cluster.md).
#pragma once

#include <filesystem>

namespace backsim::cli {

struct BatchCommandOptions {
  std::filesystem::path study;      // the study file
  std::filesystem::path directory;  // -o: scenarios, manifest, runs, summary
  bool resume = false;              // skip the runs whose run file is complete and of their scenario
  int jobs = 0;                     // runs at a time on this machine (0: sized to it)
  int threads_per_run = 0;          // OpenMP threads of each run (0: the cores shared out)
  bool quiet = false;               // no progress and no summary
};

// backsim expand STUDY -o DIR: the resolved scenarios and manifest.csv. Exit code.
int run_expand_command(const std::filesystem::path& study, const std::filesystem::path& directory, bool quiet);
// backsim batch STUDY -o DIR: expands, runs what is to run (across MPI ranks when
// started by mpirun), aggregates. Exit code.
int run_batch_command(const BatchCommandOptions& options);
// backsim aggregate DIR: summary.csv and study.h5 from the run files in DIR. Exit code.
int run_aggregate_command(const std::filesystem::path& directory, bool quiet);

}  // namespace backsim::cli
