// Stroke paths along and across a named muscle's fibres (models/back/fibre_path.hpp):
// each segment follows the fibre field the mesher gives that muscle, the path is as
// long on the skin as asked, and impossible requests say why.
#include "models/back/fibre_path.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace backsim;
using namespace backsim::models;

namespace {

double level_y(const BackAnatomy& a, const char* name) { return a.geometry.level_y(*level_index(name)); }

// Angle between a path segment and the fibre line at its midpoint, degrees.
double degrees_from_fibre(const BackAnatomy& a, const FibrePathRequest& r, const Vec2& p, const Vec2& q) {
  const std::optional<Vec2> fibre = muscle_fibre_at(a, r.muscle, r.side, 0.5 * (p + q));
  REQUIRE(fibre.has_value());
  const double c = std::fabs((q - p).normalized().dot(fibre->normalized()));
  return std::acos(std::min(1.0, c)) * 180.0 / std::numbers::pi;
}

double skin_length(const BackAnatomy& a, const std::vector<Vec2>& points) {
  double length = 0;
  for (std::size_t i = 1; i < points.size(); ++i)
    length += (a.geometry.skin_point(points[i].x(), points[i].y()) -
               a.geometry.skin_point(points[i - 1].x(), points[i - 1].y())).norm();
  return length;
}

}  // namespace

TEST_CASE("a path along the lumbar erector spinae runs up its fibres for the asked length", "[models][fibre_path]") {
  const BackAnatomy a(preset_subject(Condition::healthy));
  FibrePathRequest r;
  r.muscle = Muscle::erector_spinae_lumbar;
  r.side = Side::left;
  r.start = Vec2(-0.04, level_y(a, "L4"));
  r.length = 0.08;
  const FibrePathResult traced = trace_fibre_path(a, r);
  REQUIRE(traced.path.has_value());
  const std::vector<Vec2>& p = traced.path->points;
  CHECK(p.front() == r.start);
  // The skin under the path bends, so the polyline's chords are a hair shorter than
  // the traced arc: 0.5 mm over 8 cm.
  CHECK(traced.path->length == Approx(r.length).margin(1e-12));
  CHECK(skin_length(a, p) == Approx(r.length).margin(5e-4));
  CHECK(p.back().y() > p.front().y() + 0.07);  // cranial, nearly straight up
  for (std::size_t i = 1; i < p.size(); ++i) {
    // The midpoint rule with 1 mm steps keeps each 1 cm chord within a degree of the field.
    CHECK(degrees_from_fibre(a, r, p[i - 1], p[i]) < 1.0);
  }
}

TEST_CASE("a path along a fan muscle curves with its fibres - across them it stays perpendicular", "[models][fibre_path]") {
  const BackAnatomy a(preset_subject(Condition::healthy));
  SECTION("along the lower trapezius, up and out toward the scapular spine") {
    FibrePathRequest r;
    r.muscle = Muscle::trapezius_lower;
    r.side = Side::right;
    r.start = Vec2(0.01, level_y(a, "T10"));  // the lower trapezius is narrow here: 1-2 cm from the midline
    r.length = 0.08;
    const FibrePathResult traced = trace_fibre_path(a, r);
    INFO(traced.error);
    REQUIRE(traced.path.has_value());
    const std::vector<Vec2>& p = traced.path->points;
    CHECK(traced.path->length == Approx(r.length).margin(1e-12));  // the muscle reaches that far
    CHECK(p.back().x() > p.front().x() + 0.01);  // lateral as it rises: the fibres converge on the tubercle
    CHECK(p.back().y() > p.front().y());
    for (std::size_t i = 1; i < p.size(); ++i) CHECK(degrees_from_fibre(a, r, p[i - 1], p[i]) < 1.0);
  }
  SECTION("across the lumbar erector spinae, outward from the spine") {
    FibrePathRequest r;
    r.muscle = Muscle::erector_spinae_lumbar;
    r.side = Side::left;
    r.direction = FibreDirection::across;
    r.heading = Heading::lateral;
    r.start = Vec2(-0.035, level_y(a, "L3"));
    r.length = 0.03;
    const FibrePathResult traced = trace_fibre_path(a, r);
    REQUIRE(traced.path.has_value());
    const std::vector<Vec2>& p = traced.path->points;
    CHECK(p.back().x() < p.front().x() - 0.025);  // toward the patient's left flank
    for (std::size_t i = 1; i < p.size(); ++i) CHECK(degrees_from_fibre(a, r, p[i - 1], p[i]) > 89.0);
  }
}

TEST_CASE("a fibre path stops where its muscle ends and refuses what cannot be traced", "[models][fibre_path]") {
  const BackAnatomy a(preset_subject(Condition::healthy));
  FibrePathRequest r;
  r.muscle = Muscle::erector_spinae_lumbar;
  r.side = Side::left;
  r.start = Vec2(-0.04, level_y(a, "L2"));
  r.length = 0.3;
  SECTION("the lumbar part ends at the thoracolumbar junction") {
    const FibrePathResult traced = trace_fibre_path(a, r);
    REQUIRE(traced.path.has_value());
    CHECK(traced.path->length < 0.1);
    const double junction = 0.5 * (level_y(a, "T12") + level_y(a, "L1"));
    // the last point lies within one integration step (1 mm) below the junction
    CHECK(traced.path->points.back().y() == Approx(junction).margin(0.0015));
  }
  SECTION("a start beside the muscle, on the other side, or a perpendicular heading") {
    r.start = Vec2(-0.04, level_y(a, "T4"));  // the thoracic part is another region
    CHECK_THAT(trace_fibre_path(a, r).error, Catch::Contains("is not over the erector_spinae_lumbar (left side)"));
    r.start = Vec2(0.04, level_y(a, "L2"));   // right of the midline
    CHECK_THAT(trace_fibre_path(a, r).error, Catch::Contains("is not over"));
    r.start = Vec2(-0.04, level_y(a, "L2"));
    r.heading = Heading::lateral;             // the fibres are vertical
    CHECK_THAT(trace_fibre_path(a, r).error, Catch::Contains("nearly perpendicular to heading \"lateral\""));
  }
}
