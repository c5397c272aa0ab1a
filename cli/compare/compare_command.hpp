// `backsim compare DIR|study.h5`: the study's outcomes by technique, style or swept
// value, paired effects across the cohort, a ranking; report.md, report.html, CSV tables.
#pragma once

#include <filesystem>
#include <string>

namespace backsim::cli {

struct CompareCommandOptions {
  std::filesystem::path input;   // a study directory (its study.h5) or a study.h5
  std::filesystem::path output;  // default: the study's directory
  std::string region;            // only regions whose name contains this ("" = every muscle)
  std::string rank_by = "relief_per_kilojoule";
  bool quiet = false;
};

int run_compare_command(const CompareCommandOptions& options);

}  // namespace backsim::cli
