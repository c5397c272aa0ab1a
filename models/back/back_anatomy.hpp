// Everything known about one subject's back before meshing: the surface, the layer
// thicknesses, the muscle and bone atlases and the landmarks. The parts refer to each
// other, so the bundle is neither copied nor moved.
#pragma once

#include "models/back/back_geometry.hpp"
#include "models/back/bone_atlas.hpp"
#include "models/back/landmarks.hpp"
#include "models/back/layer_profile.hpp"
#include "models/back/muscle_atlas.hpp"
#include "models/subject.hpp"

namespace backsim::models {

struct BackAnatomy {
  explicit BackAnatomy(SubjectParams s)
      : subject(std::move(s)),
        geometry(subject),
        profile(subject, geometry),
        atlas(geometry, profile),
        bones(geometry, profile),
        landmarks(geometry, profile) {}
  BackAnatomy(const BackAnatomy&) = delete;
  BackAnatomy& operator=(const BackAnatomy&) = delete;

  const SubjectParams subject;
  const BackGeometry geometry;
  const LayerProfile profile;
  const MuscleAtlas atlas;
  const BoneAtlas bones;
  const Landmarks landmarks;
};

}  // namespace backsim::models
