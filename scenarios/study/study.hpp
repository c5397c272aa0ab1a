// A study: many runs of one question, from a study file (docs/study.md). A base
// scenario, sweep axes (a cartesian product of axes; the keys of one axis move together),
// explicit runs, a virtual cohort of sampled backs and repetitions, expanded into one
// resolved scenario per run.
#pragma once

#include "scenarios/scenario.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backsim {

// One run of a study: its place in the design and its resolved scenario.
struct StudyRun {
  std::string id;                        // "run-0001": the name of its files
  std::vector<std::string> parameters;   // the value label of each Study::parameter_names entry ("" = base's)
  std::optional<std::uint64_t> subject;  // cohort subject index
  int repetition = 0;                    // 0 .. repetitions - 1
  Scenario scenario;                     // resolved: scenario.resolved_text is what runs
  std::string scenario_sha256;           // of scenario.resolved_text (= the run file's scenario_sha256)
};

struct Study {
  std::string name;
  std::string description;
  std::filesystem::path file;                 // the study file
  std::vector<std::string> parameter_names;   // swept keys in axis order ("motion.normal_force", "base_scenario")
  std::optional<std::uint64_t> cohort_seed;   // with a [cohort]
  std::uint64_t cohort_subjects = 0;
  int repetitions = 1;
  std::vector<StudyRun> runs;                 // axes outermost (first axis slowest), then subject, then repetition
};

// Reads the study file and expands it: every run's scenario is loaded and validated by
// the scenario loader, with the sweep values moved into the base scenario, so a bad value
// is reported at its place in the study file. Throws InvalidScenario with every problem
// (each reported once, however many runs share it).
Study expand_study(const std::filesystem::path& study_file);

// The run id of run `index` of `count`: "run-" and the index from 1, zero-padded to at
// least 4 digits so that ids sort as the runs.
std::string study_run_id(std::size_t index, std::size_t count);

}  // namespace backsim
