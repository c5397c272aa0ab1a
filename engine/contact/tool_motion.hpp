// Where the tool is asked to be, and how hard it is asked to press, at time t.
//
// Phases: press (0 .. press_time: the depth or the normal force ramps up along a
// smoothstep, so velocity starts and ends at zero), hold (press_time ..
// + hold_time), glide (along the path polyline at constant speed), then rest at
// the path's last point.
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/simulation_spec.hpp"

#include <vector>

namespace backsim {

class ToolMotion {
 public:
  explicit ToolMotion(const MotionSpec& spec);

  // (x, y) of the tool's reference point over the surface, m.
  Eigen::Vector2d surface_point(double t) const;
  // Kinematic control: prescribed depth of the tool's lowest point below z = 0, m.
  double depth(double t) const;
  // Force control: target normal force, N.
  double normal_force(double t) const;
  // Time at which the glide reaches the path's last point.
  double end_time() const { return glide_start_ + path_length_ / spec_.speed; }
  double path_length() const { return path_length_; }
  const MotionSpec& spec() const { return spec_; }

 private:
  double press_fraction(double t) const;

  MotionSpec spec_;
  std::vector<double> cumulative_length_;  // [path points] arc length at each point
  double path_length_ = 0;
  double glide_start_ = 0;
};

}  // namespace backsim
