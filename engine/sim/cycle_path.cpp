#include "engine/sim/cycle_path.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace backsim {

void CyclePathRecorder::begin(int stroke, double length, std::int64_t steps, std::size_t dofs) {
  assert(steps > 0 && dofs > 0);
  dofs_ = dofs;
  use_stored_ = stored_.matches(stroke, length, steps) && stored_.q.size() == static_cast<std::size_t>(steps) * dofs;
  recording_.stroke = stroke;
  recording_.length = length;
  recording_.steps = steps;
  // keeps its capacity: no reallocation after the longest cycle
  recording_.q.resize(static_cast<std::size_t>(steps) * dofs);
}

const double* CyclePathRecorder::guess(std::int64_t k) const {
  if (!use_stored_ || k < 1 || k > stored_.steps) return nullptr;
  return stored_.q.data() + static_cast<std::size_t>(k - 1) * dofs_;
}

void CyclePathRecorder::record(std::int64_t k, const std::vector<double>& q) {
  assert(k >= 1 && k <= recording_.steps && q.size() >= dofs_);
  std::copy(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(dofs_),
            recording_.q.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(k - 1) * dofs_));
}

void CyclePathRecorder::repeat(std::int64_t k, std::int64_t from) {
  assert(from >= 1 && from < k && k <= recording_.steps);
  const auto at = [this](std::int64_t j) {
    return recording_.q.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(j - 1) * dofs_);
  };
  std::copy(at(from), at(from) + static_cast<std::ptrdiff_t>(dofs_), at(k));
}

void CyclePathRecorder::finish() {
  std::swap(stored_, recording_);
  use_stored_ = false;
}

}  // namespace backsim
