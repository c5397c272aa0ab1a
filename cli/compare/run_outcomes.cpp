#include "cli/compare/run_outcomes.hpp"

#include <cmath>
#include <limits>

namespace backsim::cli {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<double>* series(const RunResult& run, const char* name) {
  const auto it = run.region_series.find(name);
  return it != run.region_series.end() && it->second.size() == run.region_names.size() ? &it->second : nullptr;
}
}  // namespace

std::array<double, kOutcomes.size()> run_outcomes(const RunResult& run, std::string_view region) {
  std::array<double, kOutcomes.size()> out;
  out.fill(kNaN);
  if (run.record.state != RunState::ok) return out;
  const std::vector<double>* tension_before = series(run, "active_tension_before");
  const std::vector<double>* tension_after = series(run, "active_tension_after");
  const std::vector<double>* modulus_before = series(run, "shear_modulus_before");
  const std::vector<double>* modulus_after = series(run, "shear_modulus_after");
  const std::vector<double>* perfusion = series(run, "perfusion_index_after");
  const std::vector<double>* flushed = series(run, "flushed_volume_after");
  double t0 = 0, t1 = 0, m0 = 0, m1 = 0, muscle_perfusion = 0, flushed_volume = 0;
  std::size_t muscles = 0;
  for (std::size_t r = 0; r < run.region_names.size(); ++r) {
    const std::string& name = run.region_names[r];
    if (!region.empty() && name.find(region) == std::string::npos) continue;
    if (flushed != nullptr && std::isfinite((*flushed)[r])) flushed_volume += (*flushed)[r];
    if (name == "skin" && perfusion != nullptr) out[2] = (*perfusion)[r];
    const bool muscle = tension_before != nullptr && (*tension_before)[r] > 0;
    if (!muscle) continue;
    ++muscles;
    t0 += (*tension_before)[r];
    if (tension_after != nullptr) t1 += (*tension_after)[r];
    if (modulus_before != nullptr && modulus_after != nullptr) {
      m0 += (*modulus_before)[r];
      m1 += (*modulus_after)[r];
    }
    if (perfusion != nullptr) muscle_perfusion += (*perfusion)[r];
  }
  if (muscles > 0) {
    out[0] = 100.0 * (1.0 - t1 / t0);
    if (m0 > 0) out[1] = 100.0 * (m1 / m0 - 1.0);
    if (perfusion != nullptr) out[3] = muscle_perfusion / static_cast<double>(muscles);
  }
  if (flushed != nullptr) out[4] = 1e6 * flushed_volume;
  const auto work = run.run_metrics.find("therapist_work");
  if (work != run.run_metrics.end()) {
    out[5] = work->second;
    if (work->second > 0 && std::isfinite(out[0])) out[6] = out[0] / (1e-3 * work->second);
  }
  return out;
}

}  // namespace backsim::cli
