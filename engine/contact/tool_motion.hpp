// Where the tool is asked to be, and how hard it is asked to press, at time t.
//
// One stroke has the phases press (0 .. press_time: the depth or the normal force
// ramps along a smoothstep, so velocity starts and ends at zero), hold (press_time
// .. + hold_time) and glide (along the path polyline at constant speed).
// Without a release (release_time = 0) the tool then rests, pressed, at the path's
// last point. With a release, the stroke goes on with release (the tool rises along
// a smoothstep to lift_height above the skin) and return (carried back to the
// path's start at the glide speed, off the skin), and the whole cycle repeats
// `repetitions` times: the motion is periodic with period cycle_period(), and a
// cycle starts and ends with the tool lifted over the path's start. Everything
// starts after start_time, during which the tool waits at the path's start.
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
  // Kinematic control: prescribed depth of the tool's lowest point below z = 0, m
  // (negative: above the skin).
  double depth(double t) const;
  // Force control: target normal force, N.
  double normal_force(double t) const;
  // Time at which the motion ends: the last glide's end, or the last return's.
  double end_time() const;
  // Repeated strokes: the length of one cycle, s; 0 when the motion does not repeat.
  double cycle_period() const { return released() ? period_ : 0.0; }
  double start_time() const { return spec_.start_time; }
  int cycle_count() const { return spec_.repetitions; }
  double path_length() const { return path_length_; }
  const MotionSpec& spec() const { return spec_; }

 private:
  bool released() const { return spec_.release_time > 0; }
  // Time within the current cycle (the last cycle's time goes on past its end;
  // negative before start_time).
  double phase(double t) const;
  double press_fraction(double phase) const;
  double release_fraction(double phase) const;
  Eigen::Vector2d point_at_length(double s) const;

  MotionSpec spec_;
  std::vector<double> cumulative_length_;  // [path points] arc length at each point
  double path_length_ = 0;
  double glide_start_ = 0;  // phase at which the glide starts
  double glide_end_ = 0;    // phase at which the glide reaches the last point
  double period_ = 0;       // press + hold + glide + release + return
};

}  // namespace backsim
