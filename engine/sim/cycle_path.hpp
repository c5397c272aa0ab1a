// The path of a stroke's last resolved cycle: the solved positions at the end of
// each of its steps, the warm start of the same step when that stroke's cycle is
// resolved again.
//
// With cycle jumps a cycle is resolved again after the slow state (tone, viscous
// memory) has moved by up to solver.cycle_jump_tolerance since the last resolved
// cycle (cycle_jump.hpp). The mechanics then nearly repeats: step k of the new cycle
// ends a few percent of the stiffness away from where step k of the last one ended,
// while the step's own start state is a whole step of the glide away. Newton offered
// both starts keeps the lower potential (newton_step.cpp), and the answer is the
// same solution to the same tolerance, found in fewer iterations.
//
// A resolved cycle's step k depends on this path, so the path is part of where the
// runner stands: a checkpoint saves it (RunPosition::cycle_path) for a resumed run to
// continue bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace backsim {

struct CyclePath {
  static constexpr int kNone = -100;  // no cycle stored (MotionWindow strokes are >= -2)
  int stroke = kNone;                 // MotionWindow::stroke of the stored cycle
  double length = 0;                  // s, the stored cycle's window length
  std::int64_t steps = 0;             // steps the stored cycle was solved in
  std::vector<double> q;              // [steps * dofs] positions at the end of each step

  // Whether the stored path is of a cycle of `stroke` and `length` solved in `steps` steps.
  bool matches(int stroke_, double length_, std::int64_t steps_) const {
    return stroke == stroke_ && length == length_ && steps == steps_;
  }
};

// Keeps the path of the cycle being resolved apart from the stored one (which gives
// the warm starts while it is resolved), then makes it the stored one.
class CyclePathRecorder {
 public:
  // The cycle about to be resolved; `dofs` values per step.
  void begin(int stroke, double length, std::int64_t steps, std::size_t dofs);
  // The warm start for step k (1-based) of that cycle, or nullptr when the stored
  // path is of another cycle.
  const double* guess(std::int64_t k) const;
  // The end of step k, solved.
  void record(std::int64_t k, const std::vector<double>& q);
  // The end of step k is that of step `from` (< k) of the same cycle: a period
  // replayed within the cycle ends its steps where the solved period ended them.
  void repeat(std::int64_t k, std::int64_t from);
  // The cycle was resolved to its end: its path becomes the stored one.
  void finish();

  const CyclePath& stored() const { return stored_; }
  void restore(CyclePath path) { stored_ = std::move(path); }

 private:
  CyclePath stored_;
  CyclePath recording_;
  std::size_t dofs_ = 0;
  bool use_stored_ = false;
};

}  // namespace backsim
