#include "render/colour_scale.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim::render {
namespace {

// A round step (1, 2 or 5 times a power of ten) giving about `count` intervals.
double round_step(double span, int count) {
  const double raw = span / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

int decimals_for(double step) { return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))); }

std::vector<double> ticks_between(double low, double high, double step) {
  std::vector<double> ticks;
  // tolerance of a millionth of a step: a tick on an end must not be lost to rounding
  for (double k = std::ceil(low / step - 1e-6); k * step <= high + 1e-6 * step; k += 1) ticks.push_back(k * step + 0.0);
  return ticks;
}

// The value below which a share `q` of the sorted values lies (nearest rank).
double percentile(const std::vector<double>& sorted, double q) {
  const auto rank = static_cast<std::size_t>(std::lround(q * static_cast<double>(sorted.size() - 1)));
  return sorted[rank];
}

void mark_beyond(ColourScale& s, std::span<const double> values) {
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    s.beyond_low = s.beyond_low || v < s.low;
    s.beyond_high = s.beyond_high || v > s.high;
  }
}

}  // namespace

std::string ColourScale::label(double value) const {
  if (std::abs(value) < 1e-12 * std::max(std::abs(low), std::abs(high))) value = 0;  // no "-0"
  return fmt::format("{:.{}f}", value, decimals);
}

ColourScale automatic_scale(std::span<const double> values, std::optional<double> centre) {
  constexpr double kShare = 0.995;  // the share of the values the bar spans
  std::vector<double> finite;
  for (const double v : values)
    if (std::isfinite(v)) finite.push_back(centre ? std::abs(v - *centre) : v);
  std::sort(finite.begin(), finite.end());
  double lo = centre.value_or(0.0), hi = lo;
  if (!finite.empty()) {
    if (centre) {
      lo = *centre - percentile(finite, kShare);
      hi = *centre + percentile(finite, kShare);
    } else {
      lo = percentile(finite, 1.0 - kShare);
      hi = percentile(finite, kShare);
    }
  }
  if (hi - lo <= 1e-12 * std::max(1.0, std::abs(hi))) {  // a constant field
    const double pad = std::max(std::abs(hi) * 0.05, 1e-3);
    lo -= pad;
    hi += pad;
  }
  const double step = round_step(hi - lo, 5);
  ColourScale s;
  s.low = std::floor(lo / step + 1e-9) * step;
  s.high = std::ceil(hi / step - 1e-9) * step;
  if (centre) {  // keep the symmetry after rounding
    const double reach = std::max(*centre - s.low, s.high - *centre);
    s.low = *centre - reach;
    s.high = *centre + reach;
  }
  s.ticks = ticks_between(s.low, s.high, step);
  s.decimals = decimals_for(step);
  mark_beyond(s, values);
  return s;
}

ColourScale fixed_scale(double low, double high, std::span<const double> values) {
  ColourScale s;
  s.low = low;
  s.high = high;
  const double step = round_step(high - low, 5);
  s.ticks = ticks_between(low, high, step);
  s.decimals = decimals_for(step);
  mark_beyond(s, values);
  return s;
}

}  // namespace backsim::render
