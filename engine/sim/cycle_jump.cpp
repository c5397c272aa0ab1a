#include "engine/sim/cycle_jump.hpp"

#include "engine/sim/tissue_update.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

Mat3 overstress_sum(const State& s, Index t) {
  Mat3 sum = Mat3::Zero();
  const std::size_t base = static_cast<std::size_t>(t) * kMaxPronyTerms;
  for (int i = 0; i < kMaxPronyTerms; ++i) sum += s.tissue.overstress[base + static_cast<std::size_t>(i)];
  return sum;
}

}  // namespace

SlowStateSnapshot make_slow_state_snapshot(const Model& m) {
  SlowStateSnapshot s;
  s.activation.assign(static_cast<std::size_t>(m.mesh.tet_count()), 0.0);
  if (m.viscous) s.overstress.assign(static_cast<std::size_t>(m.mesh.tet_count()), Mat3::Zero());
  return s;
}

void take_snapshot(const Model& m, const State& s, SlowStateSnapshot& out) {
  std::copy(s.tissue.activation.begin(), s.tissue.activation.end(), out.activation.begin());
  if (!m.viscous) return;
  const Index n = m.mesh.tet_count();
#pragma omp parallel for schedule(static)
  for (Index t = 0; t < n; ++t) out.overstress[t] = overstress_sum(s, t);
}

double slow_state_change(const Model& m, const SlowStateSnapshot& from, const State& s) {
  const Index n = m.mesh.tet_count();
  double change = 0;
#pragma omp parallel for schedule(static) reduction(max : change)
  for (Index t = 0; t < n; ++t) {
    const TissueMaterial& mat = m.materials[static_cast<std::size_t>(m.mesh.region[t])];
    const double mu = mat.instantaneous_matrix().mu;
    const double sigma = mat.active.max_stress;
    if (sigma > 0) {
      const double a0 = from.activation[t];
      change = std::max(change, std::abs(s.tissue.activation[t] - a0) * sigma / (mu + a0 * sigma));
    }
    if (mat.viscous()) change = std::max(change, (overstress_sum(s, t) - from.overstress[t]).norm() / mu);
  }
  return change;
}

void CycleRecord::clear(const State& s) {
  used_ = 0;
  duration_ = 0;
  start_totals_ = s.totals;
}

void CycleRecord::add_step(const TissueForcing& forcing) {
  if (used_ == steps_.size()) steps_.push_back(forcing);
  else steps_[used_] = forcing;  // same sizes: copies into the existing buffers
  ++used_;
  duration_ += forcing.h;
}

void CycleRecord::add_steps(const CycleRecord& other) {
  for (std::size_t k = 0; k < other.used_; ++k) add_step(other.steps_[k]);
}

void CycleRecord::finish(const State& s) {
  therapist_work_ = s.totals.therapist_work - start_totals_.therapist_work;
  net_work_ = s.totals.net_work - start_totals_.net_work;
  zone_loads_.resize(s.totals.zones.size());  // no-op after the first cycle
  for (std::size_t z = 0; z < zone_loads_.size(); ++z) {
    zone_loads_[z].impulse = s.totals.zones[z].impulse - start_totals_.zones[z].impulse;
    zone_loads_[z].contact_time = s.totals.zones[z].contact_time - start_totals_.zones[z].contact_time;
  }
}

void CycleRecord::replay(const Model& m, State& s, Scratch& w) const {
  for (std::size_t k = 0; k < used_; ++k) advance_slow_tissue(m, steps_[k], s, w);
  s.time += duration_;
  s.totals.therapist_work += therapist_work_;
  s.totals.net_work += net_work_;
  for (std::size_t z = 0; z < zone_loads_.size(); ++z) {
    s.totals.zones[z].impulse += zone_loads_[z].impulse;
    s.totals.zones[z].contact_time += zone_loads_[z].contact_time;
  }
  // peaks (bone pressure, strain, zone force and pressure) repeat those of the resolved cycle: unchanged
}

}  // namespace backsim
