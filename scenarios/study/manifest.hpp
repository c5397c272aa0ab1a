// manifest.csv of an expanded study: one row per run, in run order, with the run's id,
// its resolved scenario file, its cohort subject and repetition, the SHA-256 of its
// resolved scenario and the value of each swept parameter (docs/study.md).
//
// The manifest is what a batch, a Slurm array task and `backsim aggregate` work from:
// a run's output counts as that run's only if its scenario_sha256 matches the manifest.
#pragma once

#include "scenarios/study/study.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backsim {

struct ManifestRow {
  std::string run;                       // "run-0001"
  std::string scenario;                  // relative to the manifest's directory
  std::optional<std::uint64_t> subject;  // cohort subject index
  int repetition = 0;
  std::string scenario_sha256;
  std::vector<std::string> parameters;   // as Manifest::parameter_names
};

struct Manifest {
  std::vector<std::string> parameter_names;
  std::vector<ManifestRow> rows;
};

inline constexpr const char* kManifestFile = "manifest.csv";
inline constexpr const char* kScenarioFolder = "scenarios";  // DIR/scenarios/RUN.toml

// The manifest of an expanded study, as written next to the scenarios.
Manifest study_manifest(const Study& study);
// Writes DIR/scenarios/RUN.toml for every run (the resolved scenario; an unchanged file
// is not rewritten) and DIR/manifest.csv, each atomically. Throws OutputFailure.
void write_expanded_study(const Study& study, const std::filesystem::path& directory);
// Reads DIR/manifest.csv. Throws InvalidInput naming the file and line.
Manifest read_manifest(const std::filesystem::path& directory);

}  // namespace backsim
