#include "models/back/layer_profile.hpp"

#include <algorithm>
#include <cmath>

namespace backsim::models {

std::string_view layer_name(Layer layer) {
  switch (layer) {
    case Layer::skin: return "skin";
    case Layer::fat: return "fat";
    case Layer::fascia: return "fascia";
    case Layer::muscle_superficial: return "muscle_superficial";
    case Layer::muscle_intermediate: return "muscle_intermediate";
    case Layer::muscle_deep: return "muscle_deep";
  }
  return {};
}

double LayerThickness::total() const {
  double sum = 0;
  for (double v : t) sum += v;
  return sum;
}

double LayerThickness::depth_of(Layer layer) const {
  double d = 0;
  for (int i = 0; i < static_cast<int>(layer); ++i) d += t[static_cast<std::size_t>(i)];
  return d;
}

LayerProfile::LayerProfile(const SubjectParams& subject, const BackGeometry& geometry)
    : subject_(subject), geometry_(geometry) {
  const auto y = [&](std::string_view n) { return geometry.level_y(*level_index(n)); };
  paraspinal_y_ = {y("L5"), y("L3"), y("T12"), y("T7"), y("T1"), y("C7")};
}

double LayerProfile::erector_lateral_border(double y) const {
  // Lateral edge of iliocostalis: about 8-9 cm from the midline in the lumbar region,
  // narrowing to 4-5 cm at the cervicothoracic junction (Standring 2016, ch. 43;
  // Bogduk, Clinical and Radiological Anatomy of the Lumbar Spine, 5th ed.).
  static constexpr std::array<double, 6> border{0.060, 0.085, 0.080, 0.065, 0.050, 0.040};
  return geometry_.width_scale() * piecewise_linear(paraspinal_y_, border, y);
}

double LayerProfile::multifidus_lateral_border(double y) const {
  // Lumbar multifidus fills the 3-3.5 cm beside the spinous processes at L4-L5 and
  // narrows cranially (Macintosh & Bogduk 1986, Spine 11:739); the thoracic
  // multifidus and rotatores are a thin deep band of about 1.5 cm.
  static constexpr std::array<double, 6> border{0.035, 0.030, 0.018, 0.015, 0.015, 0.015};
  return geometry_.width_scale() * piecewise_linear(paraspinal_y_, border, y);
}

LayerThickness LayerProfile::at(double x, double y) const {
  const BackGeometry& g = geometry_;
  const double ws = g.width_scale();
  const double ls = g.length_scale();
  const double r = std::fabs(x);
  const auto lvl = [&](std::string_view n) { return g.level_y(*level_index(n)); };
  const double lumbar = 1.0 - smoothstep(lvl("T12"), lvl("T10"), y);  // 1 below T12

  LayerThickness out;
  auto& t = out.t;

  // skin: dermis + epidermis of the back, about 2 mm (physics.md section 1; the back
  // has among the thickest dermis of the body, 1.5-3 mm by ultrasound).
  t[0] = subject_.skin_thickness;

  // Subcutaneous fat: 7 mm over the upper back, 8 mm mid-thoracic, 11-13 mm lumbar,
  // a third more over the flanks, and about a third of that over the spinous
  // processes, so that 5-10 mm of soft tissue covers them (physics.md section 1).
  // At fat_scale 1 this spans the 5-25 mm of physics.md; lean and obese subjects come
  // from the fat_scale of the cohort.
  const std::array<double, 4> fat_knots{lvl("L3"), lvl("T12"), lvl("T7"), lvl("T1")};
  static constexpr std::array<double, 4> fat_values{0.013, 0.011, 0.008, 0.007};
  const double flank = 1.0 + 0.35 * lumbar * smoothstep(0.06 * ws, 0.14 * ws, r);
  const double midline = 0.3 + 0.7 * smoothstep(0.0, 0.02 * ws, r);
  t[1] = subject_.fat_scale * piecewise_linear(fat_knots, fat_values, y) * flank * midline;

  // Deep fascia 1 mm; the posterior layer of the thoracolumbar fascia about 1.5 mm in
  // the lumbar region (Langevin 2009: perimuscular connective tissue 1.5-2 mm by
  // ultrasound, ~25 % thicker in chronic low-back pain).
  t[2] = subject_.fascia_scale * (0.001 + 0.0005 * lumbar);

  // Muscle sub-layers. Over the spinous processes (|x| < spinous_half_width) the
  // muscle layers are bone: the mesher removes them and holds their nodes, so the
  // paraspinal muscles keep their full depth right up to the ridge.
  const double ms = subject_.muscle_scale;
  const auto with_floor = [&](double full) { return std::max(full, kMuscleFloor); };

  // Superficial: trapezius and latissimus are 4-6 mm thick; the upper trapezius over
  // the shoulder 8-10 mm (ultrasound, e.g. O'Sullivan 2007).
  const double upper = smoothstep(lvl("T4"), lvl("T1"), y);
  t[3] = with_floor(ms * (0.005 + 0.004 * upper));

  // Intermediate: rhomboids, 5-8 mm between the spine and the medial scapular border
  // from C7 to T5; elsewhere a 4 mm sheet labelled by the muscle below.
  const double medial_border = g.scapula_inferior_angle().x();
  const double rhomboid_zone = smoothstep(lvl("T7"), lvl("T5"), y) * (1.0 - smoothstep(medial_border, medial_border + 0.02 * ws, r));
  t[4] = with_floor(ms * (0.004 + 0.003 * rhomboid_zone));

  // Deep: the paraspinal mass (erector spinae + multifidus) 4 cm thick at L3, about
  // 2.2 cm mid-thoracic (physics.md: 3-6 cm in the lumbar region; CT/MRI depth from
  // the lamina to the thoracolumbar fascia), full depth from the spinous process
  // (multifidus fills the gutter beside it) to 3 cm inside the iliocostalis border; laterally a thin layer over the ribs and the
  // scapula (serratus, intercostals, infraspinatus) and, in the lumbar region, the
  // quadratus lumborum and the abdominal wall muscles.
  static constexpr std::array<double, 6> erector{0.036, 0.040, 0.030, 0.022, 0.016, 0.014};
  const double es_thickness = piecewise_linear(paraspinal_y_, erector, y) * ls;
  const double border = erector_lateral_border(y);
  const double mound = 1.0 - smoothstep(border - 0.03 * ws, border + 0.005 * ws, r);
  const Vec2 scapula_centre = 0.5 * (g.scapular_spine_root() + g.glenoid()) + Vec2(0.0, -0.3 * (g.glenoid().y() - g.scapula_inferior_angle().y()));
  const double dxs = (r - scapula_centre.x()) / (0.05 * ws);
  const double dys = (y - scapula_centre.y()) / (0.06 * ls);
  const double on_scapula = std::exp(-dxs * dxs - dys * dys);
  const double lateral = 0.008 + 0.010 * lumbar + 0.012 * on_scapula;
  t[5] = with_floor(ms * (es_thickness * mound + lateral * (1.0 - mound)));
  return out;
}

}  // namespace backsim::models
