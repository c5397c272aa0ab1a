#include "cli/validate_command.hpp"

#include "cli/exit_codes.hpp"
#include "engine/sim/model.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace backsim::cli {

int run_validate_command(const std::filesystem::path& path) {
  try {
    const Scenario scenario = load_scenario_file(path);
    // Building the inputs also checks what only the mesh can tell (imported files).
    const ModelInputs inputs = scenario_model_inputs(scenario);
    fmt::print("{}: valid ({} nodes, {} tets, {} regions)\n", path.string(), inputs.mesh.node_count(),
               inputs.mesh.tet_count(), inputs.region_material.size());
    return exit_code::ok;
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return exit_code::invalid_input;
  }
}

}  // namespace backsim::cli
