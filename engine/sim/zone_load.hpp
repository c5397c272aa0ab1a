// The tool's load on marked skin zones: an injury the strokes must spare, the skin
// over the spinous processes. A contact point belongs to the zone whose area holds its
// reference (x, y); after every step the contact force and pressure of the points in
// each zone are added to the run's totals (RunTotals::zones).
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"

#include <cstdint>
#include <vector>

namespace backsim {

// [contact point] index of the first zone holding the point's reference position, -1: none.
std::vector<std::int32_t> contact_point_zones(const Model& m, const std::vector<ZoneSpec>& zones);

// Adds one step of length dt to `loads` ([zone]), from the contact distances the step's
// tool reaction left in w (contact_phi: the solved state).
void accumulate_zone_loads(const Model& m, Scratch& w, double dt, std::vector<ZoneLoad>& loads);

}  // namespace backsim
