// Colour maps for fields on pictures: perceptually uniform, so that equal steps of
// the value look like equal steps of colour and the picture does not invent edges
// (a rainbow map does), and readable by people with red-green colour blindness.
//   viridis   sequential (van der Walt & Smith 2015, matplotlib's default; CC0):
//             monotonic lightness from dark blue to yellow, for values from a floor
//   cool_warm diverging (Moreland 2009, "Diverging Color Maps for Scientific
//             Visualization", ParaView's default): blue below a centre, grey at it,
//             red above, equal lightness on both sides, for signed changes
// Tables: 256 sRGB entries each, sampled from matplotlib 3.6 (Debian 12), linearly
// interpolated between entries.
#pragma once

namespace backsim::render {

struct Rgb {
  double r = 0, g = 0, b = 0;  // sRGB in [0, 1]
};

enum class ColourMap { viridis, cool_warm };

// The colour at t in [0, 1] (clamped; NaN gives mid grey so it is never mistaken for data at an end).
Rgb map_colour(ColourMap map, double t);

}  // namespace backsim::render
