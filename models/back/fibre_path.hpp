// A stroke path along or across the fibres of a named muscle: the streamline of the
// muscle's in-plane fibre field (or of the field turned 90 degrees in the skin's
// footprint), traced from a start point for a length measured on the skin.
//
// Therapists direct strokes by the fibres: stripping runs along them, cross-fibre
// friction across them (Cyriax 1984; docs/techniques.md). The field is the one the
// mesher gives the muscle's elements (muscle_atlas.hpp), so a path "along" follows
// the fibres the simulated tissue has.
#pragma once

#include "models/back/back_anatomy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace backsim::models {

enum class FibreDirection : std::uint8_t { along, across };
// Which way to run: the traced direction is the one whose footprint direction has a
// positive component along this heading.
enum class Heading : std::uint8_t { cranial, caudal, lateral, medial };

struct FibrePathRequest {
  Muscle muscle = Muscle::erector_spinae_lumbar;
  Side side = Side::left;       // left or right
  FibreDirection direction = FibreDirection::along;
  Heading heading = Heading::cranial;
  Vec2 start{0.0, 0.0};         // footprint point (x, y), m, inside the muscle
  double length = 0.1;          // m, on the skin
};

struct FibrePath {
  std::vector<Vec2> points;     // footprint points, first = start, about kFibrePathSpacing apart
  double length = 0;            // m on the skin (= the request's unless the muscle ended)
};

// Spacing of the returned points on the skin, m: fine enough that a polyline follows a
// fan muscle's curving fibres to within a millimetre (chord error ~ spacing^2 / 8 R,
// R >= 0.1 m for the trapezius fans).
inline constexpr double kFibrePathSpacing = 0.01;

// The in-plane fibre direction of `muscle` on `side` under footprint point (x, y), in
// whichever muscle sub-layer it lies (the superficial muscle need not be it); nullopt
// where the muscle is not under the point.
std::optional<Vec2> muscle_fibre_at(const BackAnatomy& anatomy, Muscle muscle, Side side, const Vec2& p);

// Traces the path. Stops early where the muscle ends (FibrePath::length tells) and
// returns an error message instead when the start is not over the muscle, the heading
// is within 15 degrees of perpendicular to the traced field at the start (ambiguous),
// or the muscle ends within the first spacing.
struct FibrePathResult {
  std::optional<FibrePath> path;
  std::string error;  // what is wrong and what is allowed, when !path
};
FibrePathResult trace_fibre_path(const BackAnatomy& anatomy, const FibrePathRequest& request);

std::string_view fibre_direction_name(FibreDirection direction);
std::string_view heading_name(Heading heading);

}  // namespace backsim::models
