#include "cli/lesson/colour_scale.hpp"

#include "engine/core/error.hpp"

#include <cmath>

namespace backsim::cli {

ColourScale round_colour_scale(double lo, double hi) {
  BACKSIM_ASSERT(std::isfinite(lo) && std::isfinite(hi) && lo < hi, "round_colour_scale needs finite lo < hi");
  // About five intervals: few enough for legible labels, enough to read a value off.
  const double rough = (hi - lo) / 5;
  const double decade = std::pow(10.0, std::floor(std::log10(rough)));
  double step = 10 * decade;
  for (const double m : {1.0, 2.0, 2.5, 5.0}) {
    if (m * decade >= rough * (1 - 1e-9)) {  // 1e-9: a span that is an exact multiple keeps its step
      step = m * decade;
      break;
    }
  }
  ColourScale scale;
  const double first = std::floor(lo / step + 1e-9);  // 1e-9: lo on a tick stays on it
  const double last = std::ceil(hi / step - 1e-9);
  scale.min = first * step;
  scale.max = last * step;
  for (double k = first; k <= last + 0.5; k += 1) scale.ticks.push_back(k * step);
  // Digits that the step needs: 0.25 needs two, 2.5 one, 50 none.
  scale.decimals = 0;
  while (scale.decimals < 12 &&
         std::abs(step * std::pow(10.0, scale.decimals) - std::round(step * std::pow(10.0, scale.decimals))) >
             1e-6 * step * std::pow(10.0, scale.decimals))
    ++scale.decimals;
  return scale;
}

}  // namespace backsim::cli
