#include "models/back/muscle_atlas.hpp"

#include "models/back/back_regions.hpp"

#include <cmath>
#include <numbers>

namespace backsim::models {
namespace {

double level(const BackGeometry& g, std::string_view name) { return g.level_y(*level_index(name)); }

// Trapezius, right side: fibres from the midline (ligamentum nuchae and spinous
// processes C7-T12; the occipital origin lies above the model) converge on the spine
// of the scapula, the acromion and the lateral clavicle. Lower fibres (T4-T12)
// converge on the tubercle at the medial end of the spine; fibres from T3 to T1 sweep
// the spine toward the acromion; fibres from C7 and above reach the acromion and the
// lateral third of the clavicle.
FanMuscle make_trapezius(const BackGeometry& g) {
  const double ws = g.width_scale();
  const double ls = g.length_scale();
  const Vec2 tubercle = g.scapular_spine_root() + Vec2(0.005 * ws, 0.0);
  const Vec2 acromion = g.acromion();
  const Vec2 clavicle = acromion + Vec2(-0.03 * ws, 0.015 * ls);
  const double y0 = level(g, "T12");
  const double y1 = level(g, "C7") + 0.12 * ls;  // external occipital protuberance, above the model
  const auto s = [&](double y) { return (y - y0) / (y1 - y0); };
  return FanMuscle({
      FanKnot{0.0, {0.0, y0}, tubercle},
      FanKnot{s(level(g, "T4")), {0.0, level(g, "T4")}, tubercle},
      FanKnot{s(level(g, "T1")), {0.0, level(g, "T1")}, acromion},
      FanKnot{s(level(g, "C7")), {0.0, level(g, "C7")}, acromion},
      FanKnot{1.0, {0.0, y1}, clavicle},
  });
}

// Rhomboids, right side: minor from C7-T1 to the root of the scapular spine; major
// from T2-T5 to the medial border between the root of the spine and the inferior
// angle. Fibres run down and lateral.
FanMuscle make_rhomboids(const BackGeometry& g) {
  const double y0 = level(g, "T5");
  const double y1 = level(g, "C7");
  const auto s = [&](double y) { return (y - y0) / (y1 - y0); };
  return FanMuscle({
      FanKnot{0.0, {0.0, y0}, g.scapula_inferior_angle()},
      FanKnot{s(level(g, "T2")), {0.0, level(g, "T2")}, g.scapular_spine_root()},
      FanKnot{1.0, {0.0, y1}, g.scapular_spine_root()},
  });
}

// Latissimus dorsi, right side: from the spinous processes T7-T12 (under the lower
// trapezius), the thoracolumbar fascia (the muscle belly starts at the lateral edge
// of the erector spinae) and the iliac crest, converging up and lateral on the
// intertubercular groove of the humerus (outside the model, toward the axilla).
FanMuscle make_latissimus(const BackGeometry& g) {
  const double ws = g.width_scale();
  const Vec2 h = g.latissimus_insertion();
  return FanMuscle({
      FanKnot{0.0, {0.0, level(g, "T7")}, h},
      FanKnot{0.3, {0.02 * ws, level(g, "T10")}, h},
      FanKnot{0.55, {0.075 * ws, level(g, "L1")}, h},
      FanKnot{0.8, {0.10 * ws, level(g, "L4")}, h},
      FanKnot{1.0, {g.iliac_crest_summit().x() + 0.03 * ws, g.iliac_crest_summit().y() + 0.005}, h},
  });
}

Vec2 mirrored(const Vec2& d, bool right) { return right ? d : Vec2(-d.x(), d.y()); }

Vec2 from_vertical(double degrees_lateral_going_down) {
  const double a = degrees_lateral_going_down * std::numbers::pi / 180.0;
  return {std::sin(a), -std::cos(a)};
}

}  // namespace

MuscleAtlas::MuscleAtlas(const BackGeometry& geometry, const LayerProfile& profile)
    : geometry_(geometry),
      profile_(profile),
      trapezius_(make_trapezius(geometry)),
      rhomboids_(make_rhomboids(geometry)),
      latissimus_(make_latissimus(geometry)) {
  // Upper (descending) part: origin above the C7-T1 interspace (ligamentum nuchae,
  // C7); middle (transverse): T1-T3; lower (ascending): T4-T12.
  upper_from_ = 0.5 * (level(geometry, "C7") + level(geometry, "T1"));
  lower_below_ = 0.5 * (level(geometry, "T3") + level(geometry, "T4"));
}

AtlasLabel MuscleAtlas::deep_label(double r, double y, double f, bool right) const {
  const Side side = right ? Side::right : Side::left;
  const double ws = geometry_.width_scale();
  const double thoracolumbar = 0.5 * (level(geometry_, "T12") + level(geometry_, "L1"));
  const double es_border = profile_.erector_lateral_border(y);
  const double mf_border = profile_.multifidus_lateral_border(y);
  // Erector spinae fibres run cranio-caudally (iliocostalis, longissimus, spinalis).
  const Vec2 vertical(0.0, 1.0);
  // Multifidus fascicles descend from a spinous process to mamillary processes and
  // the sacrum 2-5 levels below, diverging laterally by about 15 degrees (Macintosh &
  // Bogduk 1986).
  const Vec2 multifidus = mirrored(from_vertical(15.0), right);
  // Quadratus lumborum: from the iliac crest up and medial to the 12th rib and the
  // lumbar transverse processes, about 15 degrees off vertical.
  const Vec2 quadratus = mirrored(from_vertical(-15.0), right);
  const Vec2 horizontal(1.0, 0.0);
  if (y < thoracolumbar) {
    const double ql_border = 0.10 * ws;
    const bool ql_band = y > level(geometry_, "L5") - 0.01 && y < level(geometry_, "T12");
    if (r < mf_border) return {region_id(Muscle::multifidus, side), multifidus};
    if (r < es_border) {
      // QL lies deep (anterior) to the lateral part of the erector spinae.
      if (ql_band && f > 0.7 && r > es_border - 0.02 * ws)
        return {region_id(Muscle::quadratus_lumborum, side), quadratus};
      return {region_id(Muscle::erector_spinae_lumbar, side), vertical};
    }
    if (ql_band && r < ql_border) return {region_id(Muscle::quadratus_lumborum, side), quadratus};
    return {region_id(Muscle::other_muscle, side), horizontal};
  }
  if (r < mf_border && f > 0.5) return {region_id(Muscle::multifidus, side), multifidus};
  if (r < es_border) return {region_id(Muscle::erector_spinae_thoracic, side), vertical};
  return {region_id(Muscle::other_muscle, side), horizontal};
}

AtlasLabel MuscleAtlas::label(double x, double y, Layer layer, double depth_fraction) const {
  const double r = std::fabs(x);
  const bool right = x >= 0.0;
  const Side side = right ? Side::right : Side::left;
  const Vec2 p(r, y);
  switch (layer) {
    case Layer::skin: return {region_id(Tissue::skin), {0.0, 0.0}};
    case Layer::fat: return {region_id(Tissue::fat), {0.0, 0.0}};
    case Layer::fascia: {
      // The posterior layer of the thoracolumbar fascia covers the lumbar paraspinal
      // muscles out to the lateral raphe (~11 cm); its superficial lamina continues
      // the latissimus aponeurosis, fibres about 30 degrees off horizontal, rising
      // laterally (Willard et al. 2012, J Anat 221:507).
      if (y < level(geometry_, "T12") && r < 0.11 * geometry_.width_scale()) {
        const double a = 30.0 * std::numbers::pi / 180.0;
        return {region_id(Tissue::thoracolumbar_fascia), mirrored(Vec2(std::cos(a), std::sin(a)), right)};
      }
      return {region_id(Tissue::fascia), {0.0, 0.0}};
    }
    default: break;
  }
  if (layer == Layer::muscle_superficial) {
    if (const auto hit = trapezius_.locate(p)) {
      const double origin_y = trapezius_.origin(hit->s).y();
      const Muscle part = origin_y >= upper_from_   ? Muscle::trapezius_upper
                          : origin_y >= lower_below_ ? Muscle::trapezius_middle
                                                     : Muscle::trapezius_lower;
      return {region_id(part, side), mirrored(hit->direction, right)};
    }
    if (const auto hit = latissimus_.locate(p))
      return {region_id(Muscle::latissimus_dorsi, side), mirrored(hit->direction, right)};
    return deep_label(r, y, 0.0, right);
  }
  if (layer == Layer::muscle_intermediate) {
    if (const auto hit = rhomboids_.locate(p))
      return {region_id(Muscle::rhomboids, side), mirrored(hit->direction, right)};
    return deep_label(r, y, 0.0, right);
  }
  return deep_label(r, y, depth_fraction, right);
}

}  // namespace backsim::models
