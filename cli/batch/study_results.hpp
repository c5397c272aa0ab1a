// The results of a study: for every run of the manifest, how it ended and its metrics
// (/metrics/summary per region, /metrics/run, /metrics/zones of its run file), with its
// parameters. Built from whatever run files are in the study's directory (backsim
// aggregate, the end of backsim batch), written as summary.csv and study.h5, and read
// back from study.h5 (backsim compare). Layout: docs/study.md.
#pragma once

#include "cli/batch/run_files.hpp"
#include "scenarios/study/manifest.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace backsim::cli {

struct RunResult {
  ManifestRow row;
  RunRecord record;
  std::vector<std::string> region_names;                      // /metrics/summary/region_names
  std::map<std::string, std::vector<double>> region_series;   // /metrics/summary/<series>: one value per region
  std::map<std::string, double> run_metrics;                  // /metrics/run/<name>
  std::vector<std::string> zone_names;                        // /metrics/zones/names
  std::map<std::string, std::vector<double>> zone_series;     // /metrics/zones/<metric>: one value per zone
};

struct StudyResults {
  std::vector<std::string> parameter_names;
  std::vector<RunResult> runs;  // manifest order
  std::size_t count(RunState state) const;
};

// Reads DIR/manifest.csv and each run's file or failure record. Metrics are read from
// run files that finished "ok" (a solver failure's file has no /metrics/summary).
// Throws InvalidInput for a missing or malformed manifest.
StudyResults collect_study_results(const std::filesystem::path& dir);

inline constexpr const char* kSummaryFile = "summary.csv";
inline constexpr const char* kStudyFile = "study.h5";

// DIR/summary.csv: one row per run; columns run, status, exit_code, subject, repetition,
// scenario_sha256, the parameters, run.<metric>, zone.<zone>.<metric>,
// <series>.<region>, error. Numbers in the shortest text that reads back to the same
// double; an empty field where a run has no value. Atomic.
void write_summary_csv(const StudyResults& results, const std::filesystem::path& path);
// DIR/study.h5 (docs/study.md). Atomic. Throws OutputFailure.
void write_study_file(const StudyResults& results, const std::filesystem::path& path);
// Reads a study.h5. Throws InvalidInput naming the file.
StudyResults read_study_file(const std::filesystem::path& path);

}  // namespace backsim::cli
