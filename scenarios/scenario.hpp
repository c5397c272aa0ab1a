// A scenario: what to simulate, read from a TOML file and checked value by value.
#pragma once

#include "engine/core/error.hpp"
#include "engine/sim/simulation_spec.hpp"
#include "scenarios/model_source.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace backsim {

// The optional [scenario] table: free text for people, not used by the engine.
struct ScenarioInfo {
  std::string name;
  std::string description;
};

struct Scenario {
  SimulationSpec spec;
  ScenarioInfo info;
  ModelSource model;         // the block (spec.geometry), a procedural back, or a mesh file
  std::string source_name;   // file path, or "<builtin:demo>"
  std::string resolved_text; // every key explicit, SI units (see write_scenario_toml)
};

// One problem found in a scenario file, reported as `file:line:col: message`.
struct ScenarioIssue {
  std::string file;
  int line = 0;  // 1-based; 0 when the position is unknown
  int column = 0;
  std::string message;  // what is wrong and what is allowed
  std::string to_string() const;
};

// Thrown when a scenario is invalid; carries every issue found, not just the first.
// what() is every issue's to_string(), one per line. It is an InvalidInput so that the
// command line maps scenario and mesh errors to the same exit code.
class InvalidScenario : public InvalidInput {
 public:
  explicit InvalidScenario(std::vector<ScenarioIssue> issues);
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  std::vector<ScenarioIssue> issues_;
};

// Parses and validates scenario text. Throws InvalidScenario.
Scenario parse_scenario(std::string_view text, std::string_view source_name);
// Reads and parses a file. Throws InvalidScenario (also for an unreadable file).
Scenario load_scenario_file(const std::filesystem::path& path);

// The complete scenario as TOML, every key explicit, in SI units without suffixes:
// parse_scenario(write_scenario_toml(s)) gives back the same SimulationSpec.
// Keys that do not apply to the chosen tool shape or control (e.g. motion.press_depth
// under force control) are left out: the loader rejects them, and the loader leaves
// those fields at their defaults, so the round trip is exact for every loaded spec.
// Throws std::invalid_argument for a spec that no scenario file can express
// (fix_bottom = false, seed > 2^63 - 1).
std::string write_scenario_toml(const SimulationSpec& spec);
// The same with a [scenario] table holding the name and description (when non-empty).
std::string write_scenario_toml(const SimulationSpec& spec, const ScenarioInfo& info);
// The same for any model source: a back or mesh geometry replaces the block keys, and
// [material] keeps only its model (materials come per region), [boundary] is left out
// (the bone holds the tissue).
std::string write_scenario_toml(const SimulationSpec& spec, const ScenarioInfo& info, const ModelSource& model);

// The built-in demo: a block pressed and stroked by a sphere.
std::string_view builtin_demo_scenario_text();

}  // namespace backsim
