// The range and ticks of a colour bar: round numbers that can be read off a slide.
#pragma once

#include <vector>

namespace backsim::cli {

struct ColourScale {
  double min = 0;              // value at the bottom of the colour map
  double max = 1;              // value at the top
  std::vector<double> ticks;   // from min to max, one tick step apart
  int decimals = 0;            // digits after the point that every tick label needs
};

// The smallest range [min, max] containing [lo, hi] whose ends are multiples of a
// round step (1, 2, 2.5 or 5 times a power of ten) giving 3 to 7 ticks. Requires
// finite lo < hi.
ColourScale round_colour_scale(double lo, double hi);

}  // namespace backsim::cli
