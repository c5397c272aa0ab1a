// What backsim compare computes from a study's results: for each swept parameter, the
// outcomes of each of its values (mean and 95% interval over the runs with that value),
// the paired effects between its values across the cohort's subjects, and a ranking.
#pragma once

#include "cli/batch/study_results.hpp"
#include "cli/compare/run_outcomes.hpp"
#include "cli/compare/statistics.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace backsim::cli {

using OutcomeIntervals = std::array<MeanInterval, kOutcomes.size()>;

struct ValueSummary {
  std::string value;                 // the parameter's value label ("swedish", "20 N")
  std::optional<double> number;      // in SI, when every value of the parameter is a number
  OutcomeIntervals outcomes;
};

// Value b against value a of one parameter: the differences b - a of runs that differ
// only in this parameter (same subject, repetition and other parameters).
struct PairedComparison {
  std::string a, b;
  std::array<PairedEffect, kOutcomes.size()> effects;
};

struct ParameterComparison {
  std::string parameter;             // "base_scenario", "motion.normal_force", or "all" without sweeps
  std::vector<ValueSummary> values;  // in the order the study lists them
  std::vector<PairedComparison> pairs;
  std::vector<std::size_t> ranking;  // indices into values, best first by the ranking outcome
};

struct Comparison {
  std::size_t runs = 0, runs_used = 0;   // in the study; ended "ok" and so compared
  std::size_t subjects = 0;              // distinct cohort subjects among them
  std::size_t rank_outcome = kReliefPerKilojoule;
  std::string region;                    // the region filter ("" = every muscle)
  std::vector<ParameterComparison> parameters;
  std::vector<std::array<double, kOutcomes.size()>> run_values;  // per run of the study (NaN if not ok)
};

Comparison compare_study(const StudyResults& results, std::string_view region, std::size_t rank_outcome);

// The SI value of a label such as "20 N", "0.5", "3 cm"; nullopt for a word.
std::optional<double> numeric_value(const std::string& label);

}  // namespace backsim::cli
