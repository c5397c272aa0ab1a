#include "models/back/fibre_path.hpp"

#include "engine/core/error.hpp"
#include "models/back/back_regions.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace backsim::models {
namespace {

// Footprint step of the streamline integration, m: a tenth of the point spacing, so
// the midpoint rule's error over a 10 cm path is far below a millimetre.
constexpr double kTraceStep = 0.001;

// Sampling depths of a sub-layer: the deep layer stacks multifidus, erector spinae and
// quadratus lumborum (muscle_atlas.cpp), so it is probed through its thickness.
constexpr std::array kDeepFractions{0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95};

Vec2 heading_vector(Heading heading, Side side) {
  const double lateral = side == Side::left ? -1.0 : 1.0;
  switch (heading) {
    case Heading::cranial: return {0.0, 1.0};
    case Heading::caudal: return {0.0, -1.0};
    case Heading::lateral: return {lateral, 0.0};
    case Heading::medial: return {-lateral, 0.0};
  }
  return {0.0, 1.0};
}

// The traced field at p: the fibre, or the fibre turned 90 degrees in the footprint.
std::optional<Vec2> field_at(const BackAnatomy& a, const FibrePathRequest& r, const Vec2& p) {
  if (!a.geometry.contains(p.x(), p.y())) return std::nullopt;
  const std::optional<Vec2> fibre = muscle_fibre_at(a, r.muscle, r.side, p);
  if (!fibre) return std::nullopt;
  const Vec2 d = r.direction == FibreDirection::along ? *fibre : Vec2(-fibre->y(), fibre->x());
  return d.normalized();
}

// The field oriented like `previous` (a fibre field has no sign).
Vec2 oriented(const Vec2& d, const Vec2& previous) { return d.dot(previous) < 0.0 ? Vec2(-d) : d; }

}  // namespace

std::string_view fibre_direction_name(FibreDirection direction) {
  return direction == FibreDirection::along ? "along" : "across";
}

std::string_view heading_name(Heading heading) {
  switch (heading) {
    case Heading::cranial: return "cranial";
    case Heading::caudal: return "caudal";
    case Heading::lateral: return "lateral";
    case Heading::medial: return "medial";
  }
  return "cranial";
}

std::optional<Vec2> muscle_fibre_at(const BackAnatomy& anatomy, Muscle muscle, Side side, const Vec2& p) {
  // The atlas takes the side from the sign of x.
  if ((side == Side::left) != (p.x() < 0.0)) return std::nullopt;
  const std::int32_t wanted = region_id(muscle, side);
  const auto probe = [&](Layer layer, double fraction) -> std::optional<Vec2> {
    const AtlasLabel label = anatomy.atlas.label(p.x(), p.y(), layer, fraction);
    if (label.region != wanted || label.fibre.isZero()) return std::nullopt;
    return label.fibre;
  };
  if (auto f = probe(Layer::muscle_superficial, 0.5)) return f;
  if (auto f = probe(Layer::muscle_intermediate, 0.5)) return f;
  for (double fraction : kDeepFractions)
    if (auto f = probe(Layer::muscle_deep, fraction)) return f;
  return std::nullopt;
}

FibrePathResult trace_fibre_path(const BackAnatomy& anatomy, const FibrePathRequest& request) {
  BACKSIM_ASSERT(request.side != Side::both, "a path runs over one side's muscle");
  BACKSIM_ASSERT(request.length > 0.0, "the loader checks the length");
  const BackGeometry& g = anatomy.geometry;
  const std::string muscle = fmt::format("{} ({} side)", muscle_name(request.muscle),
                                         request.side == Side::left ? "left" : "right");
  std::optional<Vec2> d0 = field_at(anatomy, request, request.start);
  if (!d0) {
    return {std::nullopt,
            fmt::format("the start [{:.4f}, {:.4f}] m is not over the {}; allowed: a point over that muscle "
                        "(docs/model.md shows where each muscle lies; the left side has x < 0)",
                        request.start.x(), request.start.y(), muscle)};
  }
  const Vec2 heading = heading_vector(request.heading, request.side);
  const double alignment = d0->dot(heading);
  // sin(15 degrees): a heading nearly perpendicular to the field does not pick a sense.
  if (std::fabs(alignment) < 0.26) {
    return {std::nullopt,
            fmt::format("the {} fibres of the {} run nearly perpendicular to heading \"{}\" at the start "
                        "(direction [{:.2f}, {:.2f}]); allowed: a heading within 75 degrees of the path, e.g. \"{}\"",
                        fibre_direction_name(request.direction), muscle, heading_name(request.heading),
                        d0->x(), d0->y(),
                        std::fabs(d0->y()) > std::fabs(d0->x()) ? "cranial or caudal" : "lateral or medial")};
  }
  Vec2 direction = alignment > 0.0 ? *d0 : Vec2(-*d0);

  FibrePath path;
  path.points.push_back(request.start);
  Vec2 p = request.start;
  Vec3 skin = g.skin_point(p.x(), p.y());
  double since_point = 0.0;
  while (path.length < request.length) {
    // Midpoint rule on the oriented field.
    const Vec2 mid = p + 0.5 * kTraceStep * direction;
    const std::optional<Vec2> dm = field_at(anatomy, request, mid);
    if (!dm) break;
    const Vec2 step_direction = oriented(*dm, direction);
    const Vec2 next = p + kTraceStep * step_direction;
    const std::optional<Vec2> dn = field_at(anatomy, request, next);
    if (!dn) break;
    const Vec3 next_skin = g.skin_point(next.x(), next.y());
    double ds = (next_skin - skin).norm();
    Vec2 reached = next;
    if (path.length + ds > request.length) {
      // Cut the last step so the path is as long as asked (the skin is flat on this scale).
      const double f = (request.length - path.length) / ds;
      reached = p + f * kTraceStep * step_direction;
      ds *= f;
    }
    path.length += ds;
    since_point += ds;
    p = reached;
    skin = next_skin;
    direction = oriented(*dn, step_direction);
    if (since_point >= kFibrePathSpacing - 1e-12) {
      path.points.push_back(p);
      since_point = 0.0;
    }
  }
  if (since_point > 0.0) path.points.push_back(p);
  if (path.length < kFibrePathSpacing) {
    return {std::nullopt,
            fmt::format("the {} ends {:.1f} mm from the start going {} ({}); allowed: a start with at least "
                        "{:.0f} mm of the muscle ahead",
                        muscle, 1e3 * path.length, heading_name(request.heading),
                        fibre_direction_name(request.direction), 1e3 * kFibrePathSpacing)};
  }
  return {std::move(path), {}};
}

}  // namespace backsim::models
