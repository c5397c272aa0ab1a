// How a field reads on a picture for a student: a title in words, the unit it is
// shown in (tone as % activation, pressure in kPa, flushed blood in mL per litre of
// tissue), the colour map, and the value the map is centred on for fields that
// change sign or move around a resting value.
#pragma once

#include "render/colour_map.hpp"

#include <optional>
#include <string>

namespace backsim::render {

struct FieldStyle {
  std::string field;      // run file name: "tone", "pressure", ..., "displacement"
  std::string title;      // "Muscle tone"
  std::string unit;       // "% activation" (shown units)
  double scale = 1.0;     // shown value = stored SI value * scale
  ColourMap map = ColourMap::viridis;
  std::optional<double> centre;  // diverging maps: the shown value at the map's middle
  bool prefers_muscle = false;   // read from the muscle under the skin when there is one
};

// The style of a field of the run file (`units` is its units attribute, used for a
// field this table does not know). "displacement" is the node displacement's
// length, which every run has.
FieldStyle field_style(const std::string& field, const std::string& units);

}  // namespace backsim::render
