#include "cli/compare/compare_command.hpp"

#include "cli/batch/batch_plan.hpp"
#include "cli/compare/compare_report.hpp"
#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace backsim::cli {

int run_compare_command(const CompareCommandOptions& options) {
  std::size_t rank = kOutcomes.size();
  std::string names;
  for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
    if (kOutcomes[k].key == options.rank_by) rank = k;
    names += (names.empty() ? "" : ", ") + std::string(kOutcomes[k].key);
  }
  if (rank == kOutcomes.size()) {
    std::fprintf(stderr, "backsim compare: --rank-by %s is not an outcome; allowed: %s\n", options.rank_by.c_str(),
                 names.c_str());
    return exit_code::usage;
  }
  std::error_code error;
  const bool is_directory = std::filesystem::is_directory(options.input, error);
  const std::filesystem::path directory = is_directory ? options.input : options.input.parent_path();
  const std::filesystem::path study_file = is_directory ? options.input / kStudyFile : options.input;
  StudyResults results;
  try {
    if (is_directory && !std::filesystem::exists(study_file, error)) {
      // a directory of run files that was never aggregated (a Slurm array): aggregate first
      if (const int code = aggregate(directory, options.quiet, results); code != exit_code::ok) return code;
    } else {
      results = read_study_file(study_file);
    }
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return exit_code::invalid_input;
  }
  const Comparison comparison = compare_study(results, options.region, rank);
  const std::filesystem::path output = options.output.empty() ? (directory.empty() ? "." : directory) : options.output;
  try {
    write_compare_report(comparison, results, fmt::format("Study {}", std::filesystem::absolute(directory).filename().string()),
                         output);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: cannot write the report: %s\n", e.what());
    return exit_code::output_failure;
  }
  if (!options.quiet) {
    fmt::print("backsim compare: {} runs, {} compared\n", comparison.runs, comparison.runs_used);
    for (const ParameterComparison& p : comparison.parameters) {
      fmt::print("  {} ranked by {}:", p.parameter, kOutcomes[rank].key);
      for (std::size_t i = 0; i < p.ranking.size(); ++i) {
        const ValueSummary& v = p.values[p.ranking[i]];
        fmt::print(" {}. {} ({:.3g})", i + 1, v.value, v.outcomes[rank].mean);
      }
      fmt::print("\n");
    }
    fmt::print("wrote {}, {} and the CSV tables\n", (output / "report.md").string(), (output / "report.html").string());
  }
  return exit_code::ok;
}

}  // namespace backsim::cli
