#include "models/back/tone_map.hpp"

#include "engine/core/error.hpp"
#include "models/back/back_regions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace backsim::models {
namespace {

double level_or_throw(const BackGeometry& g, const std::string& name) {
  const auto index = level_index(name);
  if (!index)
    throw InvalidInput(fmt::format("tone zone level \"{}\" is not a vertebral level; allowed: C7, T1..T12, L1..L5", name));
  return g.level_y(*index);
}

}  // namespace

std::vector<PlacedTriggerPoint> place_trigger_points(const BackAnatomy& anatomy) {
  std::vector<PlacedTriggerPoint> out;
  for (const TriggerPoint& t : anatomy.subject.trigger_points) {
    const Vec2 p = anatomy.landmarks.between(t.landmark_a, t.landmark_b, t.fraction, t.lateral_offset);
    out.push_back(PlacedTriggerPoint{t.name, anatomy.landmarks.point_below_fascia(p, t.depth_below_fascia),
                                     t.radius, t.extra_tone});
  }
  return out;
}

std::vector<double> element_tone(const BackAnatomy& anatomy, const TetMesh& mesh,
                                 const std::vector<Vec2>& tet_footprint,
                                 const std::vector<PlacedTriggerPoint>& trigger_points) {
  const SubjectParams& s = anatomy.subject;
  // Bands of the zones: C7 reaches the top of the model and L5 its bottom.
  struct Band {
    double low, high;
  };
  std::vector<Band> bands;
  for (const ToneZone& z : s.tone_zones) {
    double high = level_or_throw(anatomy.geometry, z.from_level);
    double low = level_or_throw(anatomy.geometry, z.to_level);
    if (high < low) std::swap(high, low);
    if (z.from_level == "C7" || z.to_level == "C7") high = std::numeric_limits<double>::max();
    if (z.from_level == "L5" || z.to_level == "L5") low = std::numeric_limits<double>::lowest();
    bands.push_back({low, high});
  }
  std::vector<double> tone(mesh.tet_count(), 0.0);
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const BackRegion r = back_region(mesh.region[t]);
    if (!r.is_muscle) continue;
    const double y = tet_footprint[t].y();
    double a = s.baseline_tone;
    for (std::size_t z = 0; z < s.tone_zones.size(); ++z) {
      const ToneZone& zone = s.tone_zones[z];
      if (zone.muscle == r.muscle && (zone.side == Side::both || zone.side == r.side) &&
          y >= bands[z].low && y <= bands[z].high)
        a = zone.tone;
    }
    const Tet& tet = mesh.tets[t];
    const Vec3 c = 0.25 * (mesh.nodes[tet[0]] + mesh.nodes[tet[1]] + mesh.nodes[tet[2]] + mesh.nodes[tet[3]]);
    for (const PlacedTriggerPoint& p : trigger_points) {
      const double d = (c - p.centre).norm();
      if (d < p.radius) a += p.extra_tone * 0.5 * (1.0 + std::cos(std::numbers::pi * d / p.radius));
    }
    tone[t] = std::clamp(a, 0.0, 1.0);
  }
  return tone;
}

}  // namespace backsim::models
