// A generated back as engine inputs: the mesh, a material per region, and the nodes
// of the deep surface held at their reference position (bone).
#pragma once

#include "engine/sim/model.hpp"
#include "models/back/back_mesher.hpp"

namespace backsim::models {

// Tool, motion, solver and output are left at their defaults: the caller (a
// scenario) sets them. The physiology: each element's resting tone, the tone law
// in every muscle, and each region's vascular compartment (docs/physiology.md).
ModelInputs back_model_inputs(const BackModel& model, const PhysiologySettings& physiology = {});

}  // namespace backsim::models
