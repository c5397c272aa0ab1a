// Progress of a run on a terminal: one line, redrawn at most a few times a second.
// Nothing is drawn when stderr is not a terminal (batch jobs, CI logs).
#pragma once

#include "engine/sim/step_stats.hpp"

#include <chrono>

namespace backsim::cli {

class ProgressLine {
 public:
  explicit ProgressLine(double duration);
  void update(const StepStats& step);
  void finish();  // ends the line

 private:
  double duration_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace backsim::cli
