#include "models/hand/skin_friction.hpp"

#include <array>

namespace backsim {

namespace {

// Dry skin slides at 0.2-0.8, typically about 0.5 (Derler & Gerhardt 2012, review of
// in-vivo measurements); 450 in-vivo measurements against smooth probes had a median
// dynamic coefficient of 0.36 (static 0.52; Veijgen et al. 2013). Water and
// moisturisers absorbed into the stratum corneum raise it (Sivamani et al. 2003);
// a liquid film that stays between hand and skin lowers it (lubricated sliding), which
// is what massage oil is for. The oiled, lotion and clothed values are modelling
// choices inside the ranges given in docs/tools.md, to be calibrated.
constexpr std::array<FrictionPreset, 4> kPresets = {{
    {"oiled", 0.10, 0.05, 0.20, "massage oil film between hand and skin (lubricated sliding)"},
    {"lotion", 0.20, 0.10, 0.40, "lotion or cream, partly absorbed: a thinner film, rising toward dry"},
    {"dry", 0.40, 0.20, 0.80, "dry skin, no lubricant"},
    {"clothed", 0.40, 0.25, 0.60, "through a towel or clothing: the fabric slides on the skin"},
}};

}  // namespace

std::span<const FrictionPreset> friction_presets() { return kPresets; }

const FrictionPreset* find_friction_preset(std::string_view name) {
  for (const FrictionPreset& p : kPresets)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace backsim
