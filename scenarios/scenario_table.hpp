// A scenario from a TOML table already in memory, for tools that assemble one: a study
// moves its sweep values into a base scenario's table (scenarios/study/). Each value
// keeps the position toml++ gave it, in its own file, so that a bad value is reported
// as `study.toml:line:col` and a bad base key as `base.toml:line:col`.
#pragma once

#include "scenarios/scenario.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <string_view>

namespace backsim {

// Validates `root` as parse_scenario validates a file's text. `source_name` names the
// scenario in messages and in Scenario::source_name; files the scenario names (a mesh)
// are relative to `base_directory`. Throws InvalidScenario.
Scenario load_scenario_table(const toml::table& root, std::string_view source_name,
                             const std::filesystem::path& base_directory);

}  // namespace backsim
