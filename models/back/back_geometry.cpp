#include "models/back/back_geometry.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace backsim::models {
namespace {

constexpr std::array<std::string_view, kLevelCount> kLevelNames{
    "C7", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9",
    "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"};

// Median adult reference sizes: the anatomical offsets below are for this back and
// scale with the subject's length and width.
constexpr double kReferenceBackLength = 0.50;    // m, T1-L5 (physics.md section 1)
constexpr double kReferenceScapularWidth = 0.37; // m, across the scapulae

// Spacing of consecutive spinous processes, relative. Vertebral body plus disc
// height grows caudally: about 2.2-2.8 cm per thoracic segment and 3.6-4 cm per
// lumbar segment in adults (Standring, Gray's Anatomy 41st ed., ch. 43-44). Index i
// is the interval from level i to level i + 1 (C7-T1, T1-T2, ..., L4-L5).
constexpr std::array<double, kLevelCount - 1> relative_intervals() {
  std::array<double, kLevelCount - 1> w{};
  w[0] = 0.85;  // C7-T1
  for (int i = 1; i <= 11; ++i) w[static_cast<std::size_t>(i)] = 0.85 + 0.3 * (i - 1) / 10.0;  // T1-T2 .. T11-T12
  w[12] = 1.25;  // T12-L1
  for (std::size_t i = 13; i < 17; ++i) w[i] = 1.35;  // L1-L2 .. L4-L5
  return w;
}

// Central finite difference step for the slope of the height field: Z is a smooth
// sum of Gaussians and circles of size >= 2 cm, so 1 um gives ~1e-10 relative error.
constexpr double kSlopeStep = 1e-6;

}  // namespace

std::string_view level_name(int index) { return kLevelNames[static_cast<std::size_t>(index)]; }

std::optional<int> level_index(std::string_view name) {
  for (int i = 0; i < kLevelCount; ++i)
    if (kLevelNames[static_cast<std::size_t>(i)] == name) return i;
  return std::nullopt;
}

double smoothstep(double a, double b, double v) {
  const double f = std::clamp((v - a) / (b - a), 0.0, 1.0);
  return f * f * (3.0 - 2.0 * f);
}

BackGeometry::BackGeometry(const SubjectParams& s) {
  length_scale_ = s.back_length / kReferenceBackLength;
  width_scale_ = s.scapular_width / kReferenceScapularWidth;
  const double ls = length_scale_;
  const double ws = width_scale_;

  // vertebral levels: L5 at y = 0, T1 at y = back_length
  const auto intervals = relative_intervals();
  double t1_to_l5 = 0;
  for (std::size_t i = 1; i < intervals.size(); ++i) t1_to_l5 += intervals[i];
  const double unit = s.back_length / t1_to_l5;
  level_y_[kLevelCount - 1] = 0.0;
  for (int i = kLevelCount - 2; i >= 0; --i) {
    const auto k = static_cast<std::size_t>(i);
    level_y_[k] = level_y_[k + 1] + unit * intervals[k];
  }
  const auto y = [this](std::string_view name) { return level_y(*level_index(name)); };

  // Bony landmarks (right side), from the classical surface anatomy (Standring 2016,
  // ch. 46-48): the medial end of the scapular spine at T3, the superior angle at T2,
  // the inferior angle at T7, the medial border about 6-7 cm from the spinous
  // processes at rest; the acromion tips at half the biacromial breadth, at about the
  // level of T1 lying prone; the iliac crest summit on the intercristal (Tuffier) line
  // at L4; the PSIS at S2, about 4.5 cm lateral.
  const double medial_border = 0.065 * ws;
  spine_root_ = {medial_border, y("T3")};
  superior_angle_ = {medial_border + 0.005 * ws, y("T2") + 0.3 * (y("T1") - y("T2"))};
  inferior_angle_ = {medial_border + 0.02 * ws, y("T7")};
  acromion_ = {0.5 * s.shoulder_width, y("T1") + 0.01 * ls};
  glenoid_ = {0.5 * s.shoulder_width - 0.035 * ws, y("T2")};
  iliac_crest_ = {0.37 * s.hip_width, y("L4")};
  psis_ = {0.045 * ws, -2.0 * unit * 1.3};

  // footprint: from S1 (3 cm below L5) to the neck base (4 cm above C7) at the
  // midline and the top of the shoulder (1.5 cm above the acromion) laterally
  y_bottom_ = -0.03 * ls;
  y_neck_ = y("C7") + 0.04 * ls;
  y_shoulder_ = acromion_.y() + 0.015 * ls;
  const double top_half = 0.5 * s.shoulder_width + 0.012 * ws;  // just beyond the acromion
  width_y_ = {y_bottom_, y("L3"), y("T12"), y("T6"), y("T3"), y("T1")};
  width_half_ = {0.5 * s.hip_width, 0.5 * s.waist_width,
                 0.5 * (0.4 * s.waist_width + 0.6 * s.scapular_width), 0.5 * s.scapular_width,
                 0.5 * (0.5 * s.scapular_width + top_half), top_half};

  // Sagittal profile of the skin lying prone: a thoracic hump centred at T7 and a
  // lumbar hollow centred at L3. The amplitudes give a lumbar sagittal arrow (depth of
  // the lordosis below the line touching the kyphosis apex) of about 4 cm, inside the
  // 3-5 cm of standing adults measured by the plumb-line (Stagnara) method and
  // flattened a little by the prone position.
  kyphosis_amplitude_ = 0.025 * s.kyphosis * ls;
  kyphosis_centre_ = y("T7");
  kyphosis_width_ = 0.45 * (y("T1") - y("T12"));
  lordosis_amplitude_ = 0.02 * s.lordosis * ls;
  lordosis_centre_ = y("L3");
  lordosis_width_ = 0.5 * (y("L1") - y("L5"));
  lat_insertion_ = {half_width(y("T4")) + 0.04 * ws, y("T3")};
}

double BackGeometry::y_top(double x) const {
  const double a = std::fabs(x);
  const double f = smoothstep(0.05 * width_scale_, acromion_.x(), a);
  return y_neck_ - (y_neck_ - y_shoulder_) * f;
}

double BackGeometry::half_width(double y) const {
  if (y <= width_y_[0]) return width_half_[0];
  for (std::size_t i = 1; i < width_y_.size(); ++i) {
    if (y <= width_y_[i]) {
      const double f = smoothstep(width_y_[i - 1], width_y_[i], y);
      return width_half_[i - 1] + f * (width_half_[i] - width_half_[i - 1]);
    }
  }
  return width_half_.back();
}

double BackGeometry::nominal_y(double t) const { return y_bottom_ + t * (y_neck_ - y_bottom_); }

Vec2 BackGeometry::footprint(double s, double t) const {
  // x from the width at the nominal height, then y between the bottom edge and the
  // shoulder line above x. The Jacobian is x_s (y_top(x) - y_bottom) > 0.
  const double x = s * half_width(nominal_y(t));
  const double yy = y_bottom_ + t * (y_top(x) - y_bottom_);
  return {x, yy};
}

Vec2 BackGeometry::footprint_inverse(double x, double y) const {
  const double t = (y - y_bottom_) / (y_top(x) - y_bottom_);
  const double s = x / half_width(nominal_y(std::clamp(t, 0.0, 1.0)));
  return {s, t};
}

bool BackGeometry::contains(double x, double y) const {
  const Vec2 st = footprint_inverse(x, y);
  return std::fabs(st.x()) <= 1.0 && st.y() >= 0.0 && st.y() <= 1.0;
}

double BackGeometry::sagittal_z(double y) const {
  const double uk = (y - kyphosis_centre_) / kyphosis_width_;
  const double ul = (y - lordosis_centre_) / lordosis_width_;
  return kyphosis_amplitude_ * std::exp(-uk * uk) - lordosis_amplitude_ * std::exp(-ul * ul);
}

// Transverse (barrel) curve: a circular arc through the midline and through a point
// `sag` below it at the lateral edge. The sag at the edge is about 7 cm across the
// ribs and 5 cm at the waist for the median back (the flank turns forward), scaled
// with the width.
double BackGeometry::barrel_sag(double x, double y) const {
  const double lumbar_to_thoracic = smoothstep(level_y(*level_index("L3")), level_y(*level_index("T10")), y);
  const double sag_edge = width_scale_ * (0.05 + 0.02 * lumbar_to_thoracic);
  const double b = half_width(y);
  const double radius = (b * b + sag_edge * sag_edge) / (2.0 * sag_edge);
  const double r2 = std::max(radius * radius - x * x, 0.25 * radius * radius);
  return radius - std::sqrt(r2);
}

double BackGeometry::skin_z(double x, double y) const {
  // The midline furrow between the paraspinal muscles: 3 mm deep in the thorax,
  // 5 mm in the lumbar region, about 5 cm wide.
  const double lumbar = 1.0 - smoothstep(level_y(*level_index("L3")), level_y(*level_index("T10")), y);
  const double sigma = 0.025 * width_scale_;
  const double furrow = (0.003 + 0.002 * lumbar) * std::exp(-x * x / (2.0 * sigma * sigma));
  return sagittal_z(y) - barrel_sag(x, y) - furrow;
}

Vec3 BackGeometry::outward_normal(double x, double y) const {
  const double h = kSlopeStep;
  const double zx = (skin_z(x + h, y) - skin_z(x - h, y)) / (2.0 * h);
  const double zy = (skin_z(x, y + h) - skin_z(x, y - h)) / (2.0 * h);
  return Vec3(-zx, -zy, 1.0).normalized();
}

Vec3 BackGeometry::surface_direction(double x, double y, const Vec2& d) const {
  const double h = kSlopeStep;
  const double zx = (skin_z(x + h, y) - skin_z(x - h, y)) / (2.0 * h);
  const double zy = (skin_z(x, y + h) - skin_z(x, y - h)) / (2.0 * h);
  const Vec3 t(d.x(), d.y(), zx * d.x() + zy * d.y());
  BACKSIM_ASSERT(t.norm() > 0, "surface_direction needs a non-zero in-plane direction");
  return t.normalized();
}

}  // namespace backsim::models
