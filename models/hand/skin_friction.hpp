// Coulomb friction between a tool (the therapist's hand) and the skin, by what is on
// the skin: named presets a scenario picks (tool.friction = "oiled"). docs/tools.md
// has the evidence for each value.
#pragma once

#include <span>
#include <string_view>

namespace backsim {

struct FrictionPreset {
  std::string_view name;         // "oiled", "lotion", "dry", "clothed"
  double coefficient;            // the value used (dynamic, sliding)
  double low, high;              // the range the evidence allows
  std::string_view description;  // the skin condition
};

// Every preset, from the most to the least lubricated.
std::span<const FrictionPreset> friction_presets();

// The preset named `name`, or nullptr (the caller lists friction_presets() in its error).
const FrictionPreset* find_friction_preset(std::string_view name);

}  // namespace backsim
