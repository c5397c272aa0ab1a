// Where the tool is asked to be, and how hard it is asked to press, at time t.
//
// A motion is a sequence of strokes (the first, then `following`), each made after
// the previous one ends. One stroke has the phases wait (start_time: the tool waits
// at the path's start, lifted if the stroke is released), press (press_time: the
// depth or the normal force ramps along a smoothstep, so velocity starts and ends at
// zero), hold (hold_time) and glide (along the path polyline at constant speed).
// Without a release (release_time = 0, allowed for the last stroke only) the tool
// then rests, pressed, at the path's last point. With a release, the stroke goes on
// with release (the tool rises along a smoothstep to lift_height above the skin) and
// return (carried back to the path's start at the glide speed, off the skin), and the
// cycle repeats `repetitions` times: periodic, each cycle starting and ending with the
// tool lifted over the path's start. Between two strokes the lifted tool moves from
// the end of one to the start of the next within a step.
//
// Force control: the depth is solved for while the tool is pressed; a released
// force-controlled stroke holds it where it cannot be solved for (no contact, no
// stiffness): the first half of press_time lowers the lifted tool to the undeformed
// surface and the second half ramps the force from a tenth of its target up; the
// first half of release_time ramps it back down to a tenth and the second half lifts
// the tool from the depth where it let go (DepthPlan::release_weight).
//
// Friction strokes add an in-plane oscillation (circles or a line) and percussive
// strokes a rise-and-strike of the depth, both from the hold's start to the glide's
// end (MotionSpec::oscillation, percussion_*).
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/simulation_spec.hpp"

#include <vector>

namespace backsim {

// How the tool depth is set at a time: solved for (force control while pressed), or
// prescribed as depth + release_weight * (the depth where the tool last let go).
struct DepthPlan {
  bool free = false;
  double depth = 0;           // m
  double release_weight = 0;  // of the release depth (a lift that starts where the tool let go)
};

// Whole periods of the motion repeated within one cycle of a stroke: the in-plane
// oscillation (or the percussion) during the hold, where the path point and the
// force or depth stay put, so that each period moves the tool exactly as the last.
struct InnerCycles {
  double start = 0;   // s from the cycle's start (the hold's start)
  double period = 0;  // s
  int count = 0;      // whole periods within the hold; 0: none
};

// One stroke of a motion, in its own time (0 = the stroke's start).
class StrokeMotion {
 public:
  explicit StrokeMotion(const MotionSpec& spec);

  Eigen::Vector2d surface_point(double t) const;
  double depth(double t) const;
  double normal_force(double t) const;
  DepthPlan depth_plan(double t) const;
  // Time at which the stroke ends: the last glide's end, or the last return's.
  double end_time() const;
  // The length of one cycle, s; 0 when the stroke is not released.
  double cycle_period() const { return released() ? period_ : 0.0; }
  // The periods repeated in each cycle's hold (none when the stroke is not released,
  // holds still, or both oscillates and strikes).
  InnerCycles inner_cycles() const;
  const MotionSpec& spec() const { return spec_; }

 private:
  bool released() const { return spec_.release_time > 0; }
  // Time within the current cycle (negative while waiting; the last cycle's time goes
  // on past its end).
  double phase(double t) const;
  bool force_released() const { return released() && spec_.control == ToolControl::force; }
  double press_fraction(double phase) const;
  double release_fraction(double phase) const;
  Eigen::Vector2d point_at_length(double s) const;
  // The in-plane oscillation's offset and the percussion's rise at a phase.
  Eigen::Vector2d oscillation_offset(double phase) const;
  double percussion_rise(double phase) const;

  MotionSpec spec_;
  std::vector<double> cumulative_length_;  // [path points] arc length at each point
  double path_length_ = 0;
  double glide_start_ = 0;  // phase at which the glide starts
  double glide_end_ = 0;    // phase at which the glide reaches the last point
  double period_ = 0;       // press + hold + glide + release + return
};

// A stretch of the motion's time line, for runners that treat repeated strokes
// cycle by cycle (engine/sim/cycle_jump.hpp).
struct MotionWindow {
  static constexpr int kWait = -1;  // waiting or an unreleased stroke: no cycle structure
  double start = 0;                 // s
  double length = 0;                // s
  int stroke = kWait;               // index of the stroke whose cycle this is
};

class ToolMotion {
 public:
  explicit ToolMotion(const MotionSpec& first, const std::vector<MotionSpec>& following = {});

  // (x, y) of the tool's reference point over the surface, m.
  Eigen::Vector2d surface_point(double t) const;
  // Kinematic control: prescribed depth of the tool's lowest point below z = 0, m
  // (negative: above the skin).
  double depth(double t) const;
  // Force control: target normal force, N.
  double normal_force(double t) const;
  // Whether the depth is solved for or prescribed at t (kinematic control: always
  // prescribed, depth(t)).
  DepthPlan depth_plan(double t) const;
  // Index of the tool making the stroke active at t (MotionSpec::tool).
  int tool(double t) const { return stroke_spec(t).tool; }
  // The spec of the stroke active at t (strokes may differ in control and tool).
  const MotionSpec& stroke_spec(double t) const { return at(t).first->spec(); }
  // Time at which the last stroke ends.
  double end_time() const { return stroke_start_.back() + strokes_.back().end_time(); }
  // When the first stroke's first press begins (after its wait).
  double start_time() const { return strokes_.front().spec().start_time; }
  // Whether any stroke repeats in cycles (a released stroke).
  bool has_cycles() const;
  // The time line up to end_time(): each stroke's wait, then each of its cycles (an
  // unreleased stroke is one kWait window from its press to its end).
  std::vector<MotionWindow> windows() const;
  // The periods repeated within a window that is a stroke's cycle (none in a wait).
  InnerCycles inner_cycles(const MotionWindow& window) const;
  // The last stroke's cycle period (rest after the motion is cut into windows of
  // this length); 0 if it is not released (the tool rests pressed).
  double last_cycle_period() const;
  // The first stroke's spec.
  const MotionSpec& spec() const { return strokes_.front().spec(); }

 private:
  // The stroke active at time t and its own time.
  std::pair<const StrokeMotion*, double> at(double t) const;

  std::vector<StrokeMotion> strokes_;
  std::vector<double> stroke_start_;  // [stroke] s
};

}  // namespace backsim
