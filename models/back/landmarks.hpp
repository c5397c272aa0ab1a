// Named places on the back: vertebral levels (C7, T1..T12, L1..L5 on the midline),
// bony landmarks per side (acromion_left, scapula_inferior_angle_right, ...), and the
// skin point at (level, lateral offset), so that a scenario can say "from T7 to L3,
// 4 cm left of the midline" or "midway between C7 and the right acromion".
#pragma once

#include "models/back/back_geometry.hpp"
#include "models/back/layer_profile.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backsim::models {

struct Landmark {
  std::string name;
  Vec2 footprint;  // (x, y), m
  Vec3 skin;       // the skin point above it, m
};

class Landmarks {
 public:
  Landmarks(const BackGeometry& geometry, const LayerProfile& profile);

  const std::vector<Landmark>& all() const { return landmarks_; }
  // Throws InvalidInput for an unknown name, listing the known ones.
  const Landmark& get(std::string_view name) const;
  const Landmark* find(std::string_view name) const;

  // The footprint point `fraction` of the way from landmark a to landmark b, then
  // `lateral_offset` along x (patient's left negative).
  Vec2 between(std::string_view a, std::string_view b, double fraction, double lateral_offset = 0.0) const;
  // Skin point at a vertebral level (or any landmark) and a lateral offset.
  Vec3 skin_point(std::string_view level, double lateral_offset) const;
  // A point `depth` below the skin along the inward normal.
  Vec3 point_below_skin(const Vec2& footprint, double depth) const;
  // A point `depth` below the deep fascia (the top of the muscle), along the inward normal.
  Vec3 point_below_fascia(const Vec2& footprint, double depth) const;

 private:
  const BackGeometry& geometry_;
  const LayerProfile& profile_;
  std::vector<Landmark> landmarks_;
};

}  // namespace backsim::models
