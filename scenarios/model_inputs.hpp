// The engine inputs of a scenario, whatever its tissue: the block, a procedural back
// or an imported mesh.
#pragma once

#include "engine/sim/model.hpp"
#include "scenarios/scenario.hpp"

namespace backsim {

// Builds the mesh, region materials and held nodes from scenario.model and copies
// the tool, motion, solver and output settings from scenario.spec. Throws
// InvalidInput for a mesh file that cannot be imported (FILE[:LINE]: message) or a
// subject whose back cannot be built.
ModelInputs scenario_model_inputs(const Scenario& scenario);

}  // namespace backsim
