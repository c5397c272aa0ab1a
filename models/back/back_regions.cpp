#include "models/back/back_regions.hpp"

#include "engine/core/error.hpp"

#include <array>

namespace backsim::models {
namespace {
constexpr std::array<std::string_view, kTissueRegionCount> kTissueNames{
    "skin", "fat", "fascia", "thoracolumbar_fascia"};
}

std::int32_t region_id(Tissue tissue) { return static_cast<std::int32_t>(tissue); }

std::int32_t region_id(Muscle muscle, Side side) {
  BACKSIM_ASSERT(side != Side::both, "a muscle region has one side");
  return kTissueRegionCount + 2 * static_cast<std::int32_t>(muscle) + (side == Side::right ? 1 : 0);
}

BackRegion back_region(std::int32_t id) {
  BACKSIM_ASSERT(id >= 0 && id < kBackRegionCount, "region id out of range");
  BackRegion r;
  if (id < kTissueRegionCount) {
    r.tissue = static_cast<Tissue>(id);
    return r;
  }
  r.is_muscle = true;
  r.muscle = static_cast<Muscle>((id - kTissueRegionCount) / 2);
  r.side = (id - kTissueRegionCount) % 2 == 1 ? Side::right : Side::left;
  return r;
}

std::string region_name(std::int32_t id) {
  const BackRegion r = back_region(id);
  if (!r.is_muscle) return std::string(kTissueNames[static_cast<std::size_t>(r.tissue)]);
  return std::string(muscle_name(r.muscle)) + (r.side == Side::right ? "_right" : "_left");
}

std::vector<std::string> back_region_names() {
  std::vector<std::string> names;
  for (std::int32_t id = 0; id < kBackRegionCount; ++id) names.push_back(region_name(id));
  return names;
}

}  // namespace backsim::models
