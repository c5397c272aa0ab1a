// The posterior torso surface from the neck base (above C7) to S1: a height field
// z = Z(x, y) of the skin, with the sagittal curves (thoracic kyphosis, lumbar
// lordosis), the transverse barrel curve, the midline furrow, the width profile, the
// vertebral levels and the bony landmarks of the scapula and pelvis.
//
// Frame: x lateral (patient's left = -x), y cranial (y = 0 at the L5 spinous process),
// z posterior (out of the skin). SI units. Landmarks are given for the right side
// (+x); mirror x for the left.
#pragma once

#include "engine/core/types.hpp"
#include "models/subject.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace backsim::models {

using Vec2 = Eigen::Vector2d;

// Vertebral levels addressed by name: C7, T1..T12, L1..L5 (index 0 = C7).
inline constexpr int kLevelCount = 18;
std::string_view level_name(int index);
std::optional<int> level_index(std::string_view name);

class BackGeometry {
 public:
  explicit BackGeometry(const SubjectParams& subject);

  // y of the spinous process tip of level `index` (see level_index), m.
  double level_y(int index) const { return level_y_[static_cast<std::size_t>(index)]; }
  double y_bottom() const { return y_bottom_; }
  // The top edge of the model follows the shoulder line: from the neck base at the
  // midline down to the top of the shoulder at the acromion.
  double y_top(double x) const;
  // Half width of the model at the nominal height y (the lateral edge).
  double half_width(double y) const;

  // The parametric map of the model's footprint: s in [-1, 1] across (0 = midline),
  // t in [0, 1] from the bottom edge (S1) to the top edge. Orientation preserving.
  Vec2 footprint(double s, double t) const;
  // Its inverse: (s, t) of a point; inside the footprint when |s| <= 1 and 0 <= t <= 1.
  Vec2 footprint_inverse(double x, double y) const;
  bool contains(double x, double y) const;
  // Half width of the footprint row t (the lateral extent used by footprint()).
  double row_half_width(double t) const { return half_width(nominal_y(t)); }

  double skin_z(double x, double y) const;
  Vec3 skin_point(double x, double y) const { return {x, y, skin_z(x, y)}; }
  // Unit normal of the skin pointing out of the body.
  Vec3 outward_normal(double x, double y) const;
  // The unit tangent of the skin above the in-plane direction d = (dx, dy).
  Vec3 surface_direction(double x, double y, const Vec2& d) const;

  // Scales relative to the median adult (0.50 m back, 0.37 m across the scapulae),
  // applied to every anatomical offset that is not a measured subject parameter.
  double length_scale() const { return length_scale_; }
  double width_scale() const { return width_scale_; }

  // Right-side landmarks in the (x, y) footprint plane.
  Vec2 acromion() const { return acromion_; }
  Vec2 scapular_spine_root() const { return spine_root_; }   // medial end of the spine (T3)
  Vec2 scapula_superior_angle() const { return superior_angle_; }
  Vec2 scapula_inferior_angle() const { return inferior_angle_; }
  Vec2 glenoid() const { return glenoid_; }                  // lateral angle of the scapula
  Vec2 latissimus_insertion() const { return lat_insertion_; }  // toward the humerus, outside the model
  Vec2 iliac_crest_summit() const { return iliac_crest_; }
  Vec2 posterior_superior_iliac_spine() const { return psis_; }

 private:
  double sagittal_z(double y) const;
  double barrel_sag(double x, double y) const;
  double nominal_y(double t) const;

  std::array<double, kLevelCount> level_y_{};
  double y_bottom_ = 0;
  double y_neck_ = 0;      // top edge at the midline
  double y_shoulder_ = 0;  // top edge at the acromion and beyond
  double length_scale_ = 1;
  double width_scale_ = 1;
  // width profile control points (y ascending) and half widths
  std::array<double, 6> width_y_{};
  std::array<double, 6> width_half_{};
  // sagittal profile
  double kyphosis_amplitude_ = 0, kyphosis_centre_ = 0, kyphosis_width_ = 0;
  double lordosis_amplitude_ = 0, lordosis_centre_ = 0, lordosis_width_ = 0;
  Vec2 acromion_, spine_root_, superior_angle_, inferior_angle_, glenoid_, lat_insertion_,
      iliac_crest_, psis_;
};

// smoothstep from 0 (v <= a) to 1 (v >= b), C1; a < b.
double smoothstep(double a, double b, double v);
// Linear interpolation of a piecewise-linear function given at ascending knots.
template <std::size_t N>
double piecewise_linear(const std::array<double, N>& knots, const std::array<double, N>& values, double v) {
  if (v <= knots[0]) return values[0];
  for (std::size_t i = 1; i < N; ++i) {
    if (v <= knots[i]) {
      const double f = (v - knots[i - 1]) / (knots[i] - knots[i - 1]);
      return values[i - 1] + f * (values[i] - values[i - 1]);
    }
  }
  return values[N - 1];
}

}  // namespace backsim::models
