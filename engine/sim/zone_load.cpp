#include "engine/sim/zone_load.hpp"

#include "engine/core/error.hpp"

#include <algorithm>

namespace backsim {

std::vector<std::int32_t> contact_point_zones(const Model& m, const std::vector<ZoneSpec>& zones) {
  const Index n = m.contact.point_count();
  std::vector<std::int32_t> zone(static_cast<std::size_t>(n), -1);
  if (zones.empty()) return zone;
  for (Index k = 0; k < n; ++k) {
    const auto& tri = m.surface.tris[static_cast<std::size_t>(m.contact.tri[k])];
    const Vec3& b = m.contact.barycentric[k];
    const Vec3 x = b(0) * m.mesh.nodes[tri[0]] + b(1) * m.mesh.nodes[tri[1]] + b(2) * m.mesh.nodes[tri[2]];
    for (std::size_t z = 0; z < zones.size(); ++z) {
      if (zones[z].contains(x.x(), x.y())) {
        zone[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(z);
        break;
      }
    }
  }
  return zone;
}

void accumulate_zone_loads(const Model& m, Scratch& w, double dt, std::vector<ZoneLoad>& loads) {
  BACKSIM_ASSERT(loads.size() == m.zones.size(), "one load record per zone");
  if (loads.empty()) return;
  // Serial, in point order: a handful of zones, and the sums stay thread-independent.
  std::vector<double>& step_force = w.zone_force;
  std::fill(step_force.begin(), step_force.end(), 0.0);
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const std::int32_t z = m.contact_point_zone[static_cast<std::size_t>(k)];
    const double phi = w.contact_phi[k];
    if (z < 0 || !(phi < 0)) continue;
    // penalty pressure kappa (-phi) over the point's area (potential.cpp)
    const double pressure = m.contact_stiffness[k] * -phi;
    ZoneLoad& load = loads[static_cast<std::size_t>(z)];
    load.peak_pressure = std::max(load.peak_pressure, pressure);
    step_force[static_cast<std::size_t>(z)] += pressure * m.contact.area[k];
  }
  for (std::size_t z = 0; z < loads.size(); ++z) {
    ZoneLoad& load = loads[z];
    load.peak_force = std::max(load.peak_force, step_force[z]);
    load.impulse += step_force[z] * dt;
    if (step_force[z] > 0) load.contact_time += dt;
  }
}

}  // namespace backsim
