// How a window of the time line (ToolMotion::windows) is cut into steps.
//
// Steps of about solver.time_step, the same in every cycle of a stroke, so that the
// cycles are sampled alike (cycle jumps compare and replay them step by step). A
// cycle whose hold repeats a period (a friction circle, ToolMotion::inner_cycles) is
// cut at the periods' bounds, each period into the same steps, so that one solved
// period can stand for the next (simulation.cpp, periods replayed within a cycle).
#pragma once

#include "engine/contact/tool_motion.hpp"

#include <cstdint>
#include <vector>

namespace backsim {

struct StepSegment {
  double start = 0;        // s
  double end = 0;          // s; the next segment's start, or the window's end
  double length = 0;       // s; end - start, up to round-off (the same for every cycle)
  std::int64_t steps = 1;  // equal steps
  int period = -1;         // which of the window's repeated periods (0-based), -1: none
};

// The segments of `window`, in order; `inner` from ToolMotion::inner_cycles (count 0:
// the window is one segment).
std::vector<StepSegment> window_steps(const MotionWindow& window, const InnerCycles& inner, double time_step);

// Steps in all the segments.
std::int64_t step_count(const std::vector<StepSegment>& segments);

}  // namespace backsim
