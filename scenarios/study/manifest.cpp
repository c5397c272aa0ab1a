#include "scenarios/study/manifest.hpp"

#include "engine/core/error.hpp"
#include "engine/io/xdmf_items.hpp"
#include "scenarios/study/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace backsim {

namespace {
// The fixed columns, before one column per swept parameter.
const csv::Row kFixedColumns{"run", "scenario", "subject", "repetition", "scenario_sha256"};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class T>
std::optional<T> integer(const std::string& text) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}
}  // namespace

Manifest study_manifest(const Study& study) {
  Manifest m;
  m.parameter_names = study.parameter_names;
  for (const StudyRun& run : study.runs)
    m.rows.push_back(ManifestRow{run.id, fmt::format("{}/{}.toml", kScenarioFolder, run.id), run.subject,
                                 run.repetition, run.scenario_sha256, run.parameters});
  return m;
}

void write_expanded_study(const Study& study, const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory / kScenarioFolder, error);
  if (error)
    throw OutputFailure(fmt::format("{}: cannot create the directory: {}", (directory / kScenarioFolder).string(),
                                    error.message()));
  const Manifest manifest = study_manifest(study);
  for (std::size_t i = 0; i < study.runs.size(); ++i) {
    const std::filesystem::path path = directory / manifest.rows[i].scenario;
    const std::string& text = study.runs[i].scenario.resolved_text;
    // an unchanged scenario keeps its file (and its time stamp) for tools that watch it
    if (std::filesystem::is_regular_file(path, error) && read_text(path) == text) continue;
    xdmf::write_file_atomically(path, text);
  }
  csv::Row header = kFixedColumns;
  header.insert(header.end(), manifest.parameter_names.begin(), manifest.parameter_names.end());
  std::string text = csv::line(header);
  for (const ManifestRow& row : manifest.rows) {
    csv::Row fields{row.run, row.scenario, row.subject ? fmt::format("{}", *row.subject) : std::string(),
                    fmt::format("{}", row.repetition), row.scenario_sha256};
    fields.insert(fields.end(), row.parameters.begin(), row.parameters.end());
    text += csv::line(fields);
  }
  xdmf::write_file_atomically(directory / kManifestFile, text);
}

Manifest read_manifest(const std::filesystem::path& directory) {
  const std::filesystem::path path = directory / kManifestFile;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw InvalidInput(fmt::format("{}: no manifest (run backsim expand or backsim batch first)", path.string()));
  const std::vector<csv::Row> rows = csv::parse(read_text(path), path.string());
  if (rows.empty() || rows[0].size() < kFixedColumns.size() ||
      !std::equal(kFixedColumns.begin(), kFixedColumns.end(), rows[0].begin()))
    throw InvalidInput(fmt::format("{}:1: not a study manifest: the columns must start with {}", path.string(),
                                   fmt::join(kFixedColumns, ",")));
  Manifest m;
  // push_back, not assign: GCC 12 warns of a null dereference inside vector::assign
  for (std::size_t c = kFixedColumns.size(); c < rows[0].size(); ++c) m.parameter_names.push_back(rows[0][c]);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const csv::Row& row = rows[r];
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    const auto bad = [&](std::string_view what) {
      return InvalidInput(fmt::format("{}:{}: {}", path.string(), r + 1, what));
    };
    if (row.size() != rows[0].size()) throw bad(fmt::format("{} fields; the header has {}", row.size(), rows[0].size()));
    ManifestRow m_row;
    m_row.run = row[0];
    m_row.scenario = row[1];
    if (!row[2].empty()) {
      m_row.subject = integer<std::uint64_t>(row[2]);
      if (!m_row.subject) throw bad("subject is not a non-negative integer");
    }
    const std::optional<int> repetition = integer<int>(row[3]);
    if (!repetition) throw bad("repetition is not an integer");
    m_row.repetition = *repetition;
    m_row.scenario_sha256 = row[4];
    for (std::size_t c = kFixedColumns.size(); c < row.size(); ++c) m_row.parameters.push_back(row[c]);
    m.rows.push_back(std::move(m_row));
  }
  return m;
}

}  // namespace backsim
