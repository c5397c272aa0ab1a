// Default small-strain material parameters of each region of the generated back.
#pragma once

#include "engine/sim/simulation_spec.hpp"
#include "models/subject.hpp"

#include <vector>

namespace backsim::models {

// [kBackRegionCount] parameters per region id, with the subject's stiffness scale and
// per-muscle factors applied to the muscles. See tissue_materials.cpp and
// docs/model.md for the values, their sources and the effective moduli of skin and
// fascia.
std::vector<MaterialParams> back_region_materials(const SubjectParams& subject);

}  // namespace backsim::models
