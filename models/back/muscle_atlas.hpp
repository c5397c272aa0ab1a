// Which tissue is where: the region (layer, muscle, side) and the in-plane fibre
// direction of the tissue under a point of the skin, at a depth inside a layer.
//
// Muscles from the descriptions in Standring (Gray's Anatomy, 41st ed., 2016, ch. 43
// "Back" and ch. 46 "Shoulder girdle"); see docs/model.md for each rule.
#pragma once

#include "models/back/back_geometry.hpp"
#include "models/back/fan_muscle.hpp"
#include "models/back/layer_profile.hpp"

#include <cstdint>

namespace backsim::models {

struct AtlasLabel {
  std::int32_t region = 0;  // see back_regions.hpp
  Vec2 fibre{0.0, 0.0};     // unit in-plane fibre direction, or zero (isotropic tissue)
};

class MuscleAtlas {
 public:
  MuscleAtlas(const BackGeometry& geometry, const LayerProfile& profile);

  // The tissue at footprint point (x, y) in `layer`, at `depth_fraction` through the
  // layer (0 at its top, 1 at its bottom).
  AtlasLabel label(double x, double y, Layer layer, double depth_fraction) const;

  // The fans of the right side (mirror x for the left).
  const FanMuscle& trapezius() const { return trapezius_; }
  const FanMuscle& rhomboids() const { return rhomboids_; }
  const FanMuscle& latissimus() const { return latissimus_; }
  // Origin heights (y) that split the trapezius: upper above, lower below.
  double trapezius_upper_from() const { return upper_from_; }
  double trapezius_lower_below() const { return lower_below_; }

 private:
  AtlasLabel deep_label(double r, double y, double depth_fraction, bool right) const;
  double origin_y_of_trapezius(double s) const { return trapezius_.origin(s).y(); }

  const BackGeometry& geometry_;
  const LayerProfile& profile_;
  FanMuscle trapezius_;
  FanMuscle rhomboids_;
  FanMuscle latissimus_;
  double upper_from_ = 0;
  double lower_below_ = 0;
};

}  // namespace backsim::models
