#include "models/back/bone_atlas.hpp"

#include <array>
#include <cmath>

namespace backsim::models {

std::string_view bone_name(Bone bone) {
  switch (bone) {
    case Bone::spinous_process: return "spinous_process";
    case Bone::vertebra: return "vertebra";
    case Bone::rib: return "rib";
    case Bone::scapula: return "scapula";
    case Bone::pelvis: return "pelvis";
    case Bone::abdominal_wall: return "abdominal_wall";
  }
  return {};
}

bool BoneAtlas::inside_scapula(double r, double y) const {
  // The scapula seen from behind: superior angle, acromion, glenoid, inferior angle,
  // root of the spine (counter-clockwise for the right side).
  const BackGeometry& g = geometry_;
  const std::array<Vec2, 5> poly{g.scapula_inferior_angle(), g.glenoid(), g.acromion(),
                                 g.scapula_superior_angle(), g.scapular_spine_root()};
  bool inside = false;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const Vec2& a = poly[i];
    const Vec2& b = poly[j];
    if ((a.y() > y) != (b.y() > y) && r < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x())
      inside = !inside;
  }
  return inside;
}

Bone BoneAtlas::at(double x, double y) const {
  const BackGeometry& g = geometry_;
  const double ws = g.width_scale();
  const double r = std::fabs(x);
  const double t12 = g.level_y(*level_index("T12"));
  if (r < profile_.spinous_half_width()) return Bone::spinous_process;
  // Laminae and transverse processes: thoracic transverse processes reach about 3 cm
  // from the midline, lumbar ones (longest at L3) about 4.5 cm (Standring 2016 ch. 43).
  const double transverse = y < t12 ? 0.045 * ws : 0.03 * ws;
  if (r < transverse) return Bone::vertebra;
  if (inside_scapula(r, y)) return Bone::scapula;
  // The lower border of the rib cage behind: the 12th rib leaves T12 and slopes down
  // laterally about 15 degrees; the 11th and 12th ribs end near L2 laterally.
  const double rib_border = t12 - 0.27 * (r - transverse);
  if (y > rib_border) return Bone::rib;
  // Iliac crest: from the PSIS (below the model) up-lateral to the summit at L4, then
  // level; below it lies the ilium.
  const Vec2 psis = g.posterior_superior_iliac_spine();
  const Vec2 summit = g.iliac_crest_summit();
  const double crest = r >= summit.x() ? summit.y()
                                       : psis.y() + (summit.y() - psis.y()) * std::max(0.0, (r - psis.x()) / (summit.x() - psis.x()));
  if (y < crest && r > psis.x()) return Bone::pelvis;
  return Bone::abdominal_wall;
}

}  // namespace backsim::models
