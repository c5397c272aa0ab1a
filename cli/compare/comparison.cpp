#include "cli/compare/comparison.hpp"

#include "scenarios/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

namespace backsim::cli {

std::optional<double> numeric_value(const std::string& label) {
  double v = 0;
  const char* end = label.data() + label.size();
  const auto [ptr, ec] = std::from_chars(label.data(), end, v);
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  if (ptr == end) return v;
  std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const std::optional<units::Unit> u = units::find_unit(unit);
  if (!u) return std::nullopt;
  const units::QuantityResult si = units::to_si(v, *u);
  return si.si_value;
}

namespace {

OutcomeIntervals intervals(const std::vector<std::size_t>& runs, const Comparison& c) {
  OutcomeIntervals out;
  for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
    std::vector<double> values;
    for (const std::size_t r : runs)
      if (std::isfinite(c.run_values[r][k])) values.push_back(c.run_values[r][k]);
    out[k] = mean_interval(values);
  }
  return out;
}

// What identifies a run apart from parameter p: the pairing key.
std::string pairing_key(const RunResult& run, std::size_t p) {
  std::string key = run.row.subject ? fmt::format("{}|{}", *run.row.subject, run.row.repetition)
                                    : fmt::format("-|{}", run.row.repetition);
  for (std::size_t q = 0; q < run.row.parameters.size(); ++q)
    if (q != p) fmt::format_to(std::back_inserter(key), "|{}", run.row.parameters[q]);
  return key;
}

}  // namespace

Comparison compare_study(const StudyResults& results, std::string_view region, std::size_t rank_outcome) {
  Comparison c;
  c.runs = results.runs.size();
  c.rank_outcome = rank_outcome;
  c.region = std::string(region);
  std::set<std::uint64_t> subjects;
  for (const RunResult& run : results.runs) {
    c.run_values.push_back(run_outcomes(run, region));
    if (run.record.state == RunState::ok) {
      ++c.runs_used;
      if (run.row.subject) subjects.insert(*run.row.subject);
    }
  }
  c.subjects = subjects.size();
  const std::size_t parameter_count = std::max<std::size_t>(1, results.parameter_names.size());
  for (std::size_t p = 0; p < parameter_count; ++p) {
    const bool swept = !results.parameter_names.empty();
    ParameterComparison pc;
    pc.parameter = swept ? results.parameter_names[p] : "all";
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> runs_of;
    for (std::size_t r = 0; r < results.runs.size(); ++r) {
      const std::string value = swept ? results.runs[r].row.parameters[p] : "all runs";
      if (!runs_of.count(value)) order.push_back(value);
      runs_of[value].push_back(r);
    }
    bool numeric = swept;
    for (const std::string& v : order) numeric = numeric && numeric_value(v).has_value();
    for (const std::string& v : order)
      pc.values.push_back(ValueSummary{v, numeric ? numeric_value(v) : std::nullopt, intervals(runs_of[v], c)});
    // paired differences b - a over the runs that match apart from this parameter
    for (std::size_t i = 0; i < order.size(); ++i)
      for (std::size_t j = i + 1; j < order.size(); ++j) {
        std::map<std::string, std::size_t> of_a;
        for (const std::size_t r : runs_of[order[i]]) of_a[pairing_key(results.runs[r], p)] = r;
        PairedComparison pair{order[i], order[j], {}};
        for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
          std::vector<double> differences;
          for (const std::size_t r : runs_of[order[j]]) {
            const auto match = of_a.find(pairing_key(results.runs[r], p));
            if (match == of_a.end()) continue;
            const double d = c.run_values[r][k] - c.run_values[match->second][k];
            if (std::isfinite(d)) differences.push_back(d);
          }
          pair.effects[k] = paired_effect(differences);
        }
        pc.pairs.push_back(std::move(pair));
      }
    // best first: highest mean where higher is better, lowest otherwise; no value last
    pc.ranking.resize(pc.values.size());
    for (std::size_t i = 0; i < pc.ranking.size(); ++i) pc.ranking[i] = i;
    const bool higher = kOutcomes[rank_outcome].higher_is_better;
    std::stable_sort(pc.ranking.begin(), pc.ranking.end(), [&](std::size_t a, std::size_t b) {
      const double ma = pc.values[a].outcomes[rank_outcome].mean, mb = pc.values[b].outcomes[rank_outcome].mean;
      if (std::isnan(ma) || std::isnan(mb)) return !std::isnan(ma) && std::isnan(mb);
      return higher ? ma > mb : ma < mb;
    });
    c.parameters.push_back(std::move(pc));
  }
  return c;
}

}  // namespace backsim::cli
