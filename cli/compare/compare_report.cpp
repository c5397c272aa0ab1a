#include "cli/compare/compare_report.hpp"

#include "cli/compare/svg_chart.hpp"
#include "engine/core/error.hpp"
#include "engine/io/xdmf_items.hpp"
#include "scenarios/study/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backsim::cli {

namespace {

// Three significant digits: a report compares means whose intervals are rarely narrower.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("–"); }
// Full precision for the CSV tables: they are data, not prose.
std::string exact(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

std::string interval(const MeanInterval& m) {
  if (!std::isfinite(m.mean)) return "–";
  if (!std::isfinite(m.low)) return num(m.mean);
  return fmt::format("{} [{}, {}]", num(m.mean), num(m.low), num(m.high));
}

std::string file_safe(std::string_view name) {
  std::string s;
  for (const char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

std::string outcome_heading(const OutcomeInfo& o) { return fmt::format("{} ({})", o.label, o.unit); }

struct Tables {
  std::string md, html;
  void row(const std::vector<std::string>& cells, bool header = false) {
    md += "|";
    for (const std::string& c : cells) md += " " + c + " |";
    md += "\n";
    if (header) {
      md += "|";
      for (std::size_t i = 0; i < cells.size(); ++i) md += "---|";
      md += "\n";
    }
    html += "<tr>";
    for (const std::string& c : cells)
      html += fmt::format("<{0}>{1}</{0}>", header ? "th" : "td", xml_escape(c));
    html += "</tr>\n";
  }
};

std::string pair_label(const PairedComparison& p) { return fmt::format("{} − {}", p.b, p.a); }

}  // namespace

void write_compare_report(const Comparison& c, const StudyResults& results, const std::string& title,
                          const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory / "plots", error);
  if (error) throw OutputFailure(fmt::format("{}: cannot create: {}", (directory / "plots").string(), error.message()));

  std::string md = fmt::format("# {}\n\n", title);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>"
      "body{{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}}"
      "table{{border-collapse:collapse;margin:1em 0;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 7px;"
      "text-align:right}}th{{background:#f3f3f3}}td:first-child,th:first-child{{text-align:left}}"
      "figure{{display:inline-block;margin:0.5em}}</style></head><body>\n<h1>{}</h1>\n",
      xml_escape(title), xml_escape(title));
  const std::string intro = fmt::format(
      "{} runs, {} compared (ended \"ok\"){}. Outcomes over {}; mean and 95% confidence interval (Student t) "
      "over the runs of each value; paired effects are the differences between runs that differ only in that "
      "parameter (same subject and other settings): the mean difference with its interval, and Cohen's d_z "
      "(mean difference / SD of the differences) with its exact interval (noncentral t). Ranked by {}.",
      c.runs, c.runs_used, c.subjects ? fmt::format(", {} cohort subjects", c.subjects) : std::string(),
      c.region.empty() ? std::string("every muscle region") : fmt::format("the regions named *{}*", c.region),
      kOutcomes[c.rank_outcome].label);
  md += intro + "\n\n";
  html += "<p>" + xml_escape(intro) + "</p>\n";

  std::string outcomes_csv, pairs_csv, ranking_csv;
  {
    csv::Row h{"parameter", "value", "value_si", "outcome", "n", "mean", "sd", "ci_low", "ci_high"};
    outcomes_csv = csv::line(h);
    pairs_csv = csv::line({"parameter", "a", "b", "outcome", "n", "mean_difference", "sd_difference",
                           "difference_ci_low", "difference_ci_high", "d_z", "d_z_ci_low", "d_z_ci_high"});
    ranking_csv = csv::line({"parameter", "rank", "value", "outcome", "mean", "ci_low", "ci_high"});
  }

  for (const ParameterComparison& p : c.parameters) {
    md += fmt::format("## {}\n\n", p.parameter);
    html += fmt::format("<h2>{}</h2>\n", xml_escape(p.parameter));
    // ranking
    Tables ranking;
    ranking.row({"rank", p.parameter, outcome_heading(kOutcomes[c.rank_outcome]), "n"}, true);
    for (std::size_t i = 0; i < p.ranking.size(); ++i) {
      const ValueSummary& v = p.values[p.ranking[i]];
      const MeanInterval& m = v.outcomes[c.rank_outcome];
      ranking.row({fmt::format("{}", i + 1), v.value, interval(m), fmt::format("{}", m.n)});
      ranking_csv += csv::line({p.parameter, fmt::format("{}", i + 1), v.value, std::string(kOutcomes[c.rank_outcome].key),
                                exact(m.mean), exact(m.low), exact(m.high)});
    }
    md += "Ranking:\n\n" + ranking.md + "\n";
    html += "<h3>Ranking</h3><table>" + ranking.html + "</table>\n";
    // outcomes per value
    Tables table;
    std::vector<std::string> header{p.parameter};
    for (const OutcomeInfo& o : kOutcomes) header.push_back(outcome_heading(o));
    table.row(header, true);
    for (const ValueSummary& v : p.values) {
      std::vector<std::string> cells{v.value};
      for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
        cells.push_back(interval(v.outcomes[k]));
        const MeanInterval& m = v.outcomes[k];
        outcomes_csv += csv::line({p.parameter, v.value, v.number ? exact(*v.number) : std::string(),
                                   std::string(kOutcomes[k].key), fmt::format("{}", m.n), exact(m.mean), exact(m.sd),
                                   exact(m.low), exact(m.high)});
      }
      table.row(cells);
    }
    md += "Outcomes, mean [95% CI]:\n\n" + table.md + "\n";
    html += "<h3>Outcomes, mean [95% CI]</h3><table>" + table.html + "</table>\n";
    // plots: bars per value; a dose-response curve for a numeric parameter
    std::vector<std::size_t> by_number(p.values.size());
    for (std::size_t i = 0; i < by_number.size(); ++i) by_number[i] = i;
    const bool numeric = !p.values.empty() && p.values.front().number.has_value();
    if (numeric)
      std::stable_sort(by_number.begin(), by_number.end(),
                       [&](std::size_t a, std::size_t b) { return *p.values[a].number < *p.values[b].number; });
    html += "<div>";
    for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
      std::vector<std::string> labels;
      std::vector<MeanInterval> means;
      std::vector<double> x;
      for (const std::size_t i : by_number) {
        labels.push_back(p.values[i].value);
        means.push_back(p.values[i].outcomes[k]);
        if (numeric) x.push_back(*p.values[i].number);
      }
      const std::string plot_title = fmt::format("{} by {}", kOutcomes[k].label, p.parameter);
      const std::string svg = numeric ? dose_response_svg(plot_title, p.parameter + " (SI)", kOutcomes[k].unit, x, means)
                                      : bar_chart_svg(plot_title, kOutcomes[k].unit, labels, means);
      const std::string name = fmt::format("plots/{}_{}.svg", file_safe(p.parameter), kOutcomes[k].key);
      xdmf::write_file_atomically(directory / name, svg);
      md += fmt::format("![{}]({})\n", plot_title, name);
      html += "<figure>" + svg + "</figure>\n";
    }
    html += "</div>\n";
    md += "\n";
    // paired effects
    if (!p.pairs.empty()) {
      Tables pairs;
      pairs.row({"b − a", "outcome", "n pairs", "mean difference [95% CI]", "d_z [95% CI]"}, true);
      for (const PairedComparison& pair : p.pairs)
        for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
          const PairedEffect& e = pair.effects[k];
          if (e.difference.n == 0) continue;
          pairs.row({pair_label(pair), outcome_heading(kOutcomes[k]), fmt::format("{}", e.difference.n),
                     interval(e.difference),
                     std::isfinite(e.d_z) ? fmt::format("{} [{}, {}]", num(e.d_z), num(e.d_low), num(e.d_high)) : "–"});
          pairs_csv += csv::line({p.parameter, pair.a, pair.b, std::string(kOutcomes[k].key),
                                  fmt::format("{}", e.difference.n), exact(e.difference.mean), exact(e.difference.sd),
                                  exact(e.difference.low), exact(e.difference.high), exact(e.d_z), exact(e.d_low),
                                  exact(e.d_high)});
        }
      md += "Paired effects (runs matched on subject and the other parameters):\n\n" + pairs.md + "\n";
      html += "<h3>Paired effects</h3><p>Runs matched on subject and the other parameters.</p><table>" + pairs.html +
              "</table>\n";
    }
  }
  html += "<p>Tables: outcomes.csv, paired_effects.csv, ranking.csv, run_outcomes.csv. Outcome definitions: "
          "docs/study.md.</p></body></html>\n";

  std::string runs_csv;
  {
    csv::Row h{"run", "status", "subject"};
    h.insert(h.end(), results.parameter_names.begin(), results.parameter_names.end());
    for (const OutcomeInfo& o : kOutcomes) h.emplace_back(o.key);
    runs_csv = csv::line(h);
    for (std::size_t r = 0; r < results.runs.size(); ++r) {
      const RunResult& run = results.runs[r];
      csv::Row row{run.row.run, std::string(state_name(run.record.state)),
                   run.row.subject ? fmt::format("{}", *run.row.subject) : std::string()};
      row.insert(row.end(), run.row.parameters.begin(), run.row.parameters.end());
      for (const double v : c.run_values[r]) row.push_back(exact(v));
      runs_csv += csv::line(row);
    }
  }
  xdmf::write_file_atomically(directory / "report.md", md);
  xdmf::write_file_atomically(directory / "report.html", html);
  xdmf::write_file_atomically(directory / "outcomes.csv", outcomes_csv);
  xdmf::write_file_atomically(directory / "paired_effects.csv", pairs_csv);
  xdmf::write_file_atomically(directory / "ranking.csv", ranking_csv);
  xdmf::write_file_atomically(directory / "run_outcomes.csv", runs_csv);
}

}  // namespace backsim::cli
