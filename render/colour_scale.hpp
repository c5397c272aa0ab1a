// The range a colour bar spans and its tick marks: round numbers a reader can take
// off the bar, a range that holds every value shown (no clipped colours unless the
// user asks for a range), and for diverging maps a range symmetric about the centre
// so that the neutral colour means "no change".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace backsim::render {

struct ColourScale {
  double low = 0, high = 1;   // shown units; the map's ends
  std::vector<double> ticks;  // inside [low, high], ascending
  int decimals = 0;           // for the tick labels
  bool beyond_low = false;    // some values shown are below `low` (drawn in its colour;
  bool beyond_high = false;   // the bar then ends in a triangle), or above `high`

  double fraction(double value) const { return high > low ? (value - low) / (high - low) : 0.5; }
  std::string label(double value) const;
};

// The scale for `values` (NaN ignored), extended to round ticks: from their 0.5th
// to their 99.5th percentile, or symmetric about `centre` out to the 99.5th
// percentile of the distance from it. The few values beyond (a sliver of skin
// pinched against a spinous process can hold ten times the pressure under the
// tool) would otherwise wash out the rest of the picture; the bar marks them.
// A constant field gets a small range around its value.
ColourScale automatic_scale(std::span<const double> values, std::optional<double> centre);
// The user's range, with round ticks inside it; `values` set the beyond flags.
ColourScale fixed_scale(double low, double high, std::span<const double> values);

}  // namespace backsim::render
