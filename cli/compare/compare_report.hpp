// The files of backsim compare: report.md, report.html (one offline page, the plots
// inline as SVG), plots/*.svg (for the Markdown), and the CSV tables outcomes.csv,
// paired_effects.csv, ranking.csv and run_outcomes.csv.
#pragma once

#include "cli/compare/comparison.hpp"

#include <filesystem>
#include <string>

namespace backsim::cli {

// Writes every file into `directory` (created if needed), each atomically. `title` heads
// the report. Throws OutputFailure.
void write_compare_report(const Comparison& comparison, const StudyResults& results, const std::string& title,
                          const std::filesystem::path& directory);

}  // namespace backsim::cli
