// Resting muscle tone (activation a in [0, 1]) per element, from the subject's
// baseline, tone zones and trigger points.
#pragma once

#include "engine/mesh/tet_mesh.hpp"
#include "models/back/back_anatomy.hpp"

#include <vector>

namespace backsim::models {

// A trigger point placed in the body.
struct PlacedTriggerPoint {
  std::string name;
  Vec3 centre;      // m
  double radius;    // m
  double extra_tone;
};

// Throws InvalidInput for a tone zone or trigger point naming an unknown level or
// landmark.
std::vector<PlacedTriggerPoint> place_trigger_points(const BackAnatomy& anatomy);

// [tet] tone: 0 outside muscle; in muscle the baseline, replaced by the tone of a
// zone that covers the element's muscle, side and height, plus each trigger point's
// extra tone with a cosine taper to 0 at its radius; clamped to [0, 1].
// `tet_footprint` gives each tet's (x, y) in the footprint.
std::vector<double> element_tone(const BackAnatomy& anatomy, const TetMesh& mesh,
                                 const std::vector<Vec2>& tet_footprint,
                                 const std::vector<PlacedTriggerPoint>& trigger_points);

}  // namespace backsim::models
