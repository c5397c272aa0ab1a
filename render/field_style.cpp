#include "render/field_style.hpp"

namespace backsim::render {

FieldStyle field_style(const std::string& field, const std::string& units) {
  if (field == "tone") return {field, "Muscle tone", "% activation", 100.0, ColourMap::viridis, std::nullopt, true};
  if (field == "pressure")
    // compression positive: red where the tissue is squeezed, blue where it is pulled
    return {field, "Tissue pressure", "kPa", 1e-3, ColourMap::cool_warm, 0.0, false};
  if (field == "perfusion_index")
    // 1 = resting inflow: blue where blood is held back, red where it is flushed in
    return {field, "Blood inflow", "\u00d7 resting", 1.0, ColourMap::cool_warm, 1.0, false};
  if (field == "flushed_volume")
    return {field, "Blood flushed out", "mL per L of tissue", 1e3, ColourMap::viridis, std::nullopt, false};
  if (field == "stimulus_dose")
    return {field, "Stimulus dose", "J/m\u00b3", 1.0, ColourMap::viridis, std::nullopt, true};
  if (field == "displacement")
    return {field, "Tissue displacement", "mm", 1e3, ColourMap::viridis, std::nullopt, false};
  return {field, field, units, 1.0, ColourMap::viridis, std::nullopt, false};
}

}  // namespace backsim::render
