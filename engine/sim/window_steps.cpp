#include "engine/sim/window_steps.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace backsim {

namespace {

std::int64_t steps_in(double length, double time_step) {
  return std::max<std::int64_t>(1, std::llround(length / time_step));
}

}  // namespace

std::vector<StepSegment> window_steps(const MotionWindow& window, const InnerCycles& inner, double time_step) {
  assert(time_step > 0 && window.length > 0);
  const double end = window.start + window.length;
  std::vector<StepSegment> out;
  // The periods must lie inside the window with room after them (the release);
  // 1e-9 s: bounds that meet up to round-off are taken as meeting.
  const double periods_end = inner.start + inner.count * inner.period;
  if (inner.count < 1 || !(inner.period > 0) || inner.start < 0 || periods_end > window.length - 1e-9) {
    out.push_back({window.start, end, window.length, steps_in(window.length, time_step), -1});
    return out;
  }
  const std::int64_t period_steps = steps_in(inner.period, time_step);
  double t = window.start;
  if (inner.start > 1e-9) {
    const double next = window.start + inner.start;
    out.push_back({t, next, inner.start, steps_in(inner.start, time_step), -1});
    t = next;
  }
  for (int p = 0; p < inner.count; ++p) {
    // each bound from the window's start, not accumulated, so that it does not drift
    const double next = window.start + inner.start + (p + 1) * inner.period;
    out.push_back({t, next, inner.period, period_steps, p});
    t = next;
  }
  out.push_back({t, end, end - t, steps_in(end - t, time_step), -1});
  return out;
}

std::int64_t step_count(const std::vector<StepSegment>& segments) {
  std::int64_t n = 0;
  for (const StepSegment& s : segments) n += s.steps;
  return n;
}

}  // namespace backsim
