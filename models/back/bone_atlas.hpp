// What holds the deepest soft-tissue surface: which bone (or, in the lumbar flank,
// the posterior abdominal wall) lies under a point of the footprint.
#pragma once

#include "models/back/back_geometry.hpp"
#include "models/back/layer_profile.hpp"

#include <cstdint>
#include <string_view>

namespace backsim::models {

enum class Bone : std::uint8_t {
  spinous_process,  // the ridge of spinous processes along the midline
  vertebra,         // laminae and transverse processes
  rib,
  scapula,
  pelvis,           // iliac crest and ilium
  abdominal_wall,   // not bone: the lumbar flank between the 12th rib and the iliac
                    // crest, held as if supported by the viscera of a prone body
};
inline constexpr int kBoneCount = 6;
std::string_view bone_name(Bone bone);
inline bool is_bone(Bone bone) { return bone != Bone::abdominal_wall; }

class BoneAtlas {
 public:
  BoneAtlas(const BackGeometry& geometry, const LayerProfile& profile)
      : geometry_(geometry), profile_(profile) {}
  Bone at(double x, double y) const;
  bool inside_scapula(double r, double y) const;  // r = |x|

 private:
  const BackGeometry& geometry_;
  const LayerProfile& profile_;
};

}  // namespace backsim::models
