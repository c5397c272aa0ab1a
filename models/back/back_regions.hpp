// The region ids of a generated back: tissue layers, then each muscle per side.
//
//   0 skin, 1 fat, 2 fascia, 3 thoracolumbar_fascia,
//   4 + 2 m + s: muscle m (models::Muscle order), side s (0 left, 1 right),
//   e.g. 7 = trapezius_middle_right; see region_name().
#pragma once

#include "models/subject.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backsim::models {

enum class Tissue : std::uint8_t { skin, fat, fascia, thoracolumbar_fascia };
inline constexpr int kTissueRegionCount = 4;
inline constexpr int kBackRegionCount = kTissueRegionCount + 2 * kMuscleCount;

// A region of the generated back: a tissue layer, or a muscle on one side.
struct BackRegion {
  bool is_muscle = false;
  Tissue tissue = Tissue::skin;      // when !is_muscle
  Muscle muscle = Muscle::other_muscle;  // when is_muscle
  Side side = Side::left;            // left or right, when is_muscle
};

std::int32_t region_id(Tissue tissue);
std::int32_t region_id(Muscle muscle, Side side);
BackRegion back_region(std::int32_t id);
// "skin", "trapezius_upper_left", ...
std::string region_name(std::int32_t id);
// Every name, in id order (TetMesh::region_names of a generated back).
std::vector<std::string> back_region_names();

}  // namespace backsim::models
