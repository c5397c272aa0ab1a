#include "models/hand/contact_surfaces.hpp"

#include "engine/core/error.hpp"
#include "models/hand/hand_anthropometry.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace backsim {

namespace {

using namespace hand;

ContactSurfaceSpec sphere(std::string_view name, std::string_view description, double radius,
                          std::string_view source) {
  return {name, description, ToolShape::sphere, radius, 0.0, {0, 0, 0}, StrokeAlignment::along, source};
}

// A capsule whose overall length (cap to cap) is `overall`: the segment is that less a
// diameter.
ContactSurfaceSpec capsule(std::string_view name, std::string_view description, double radius, double overall,
                           StrokeAlignment alignment, std::string_view source) {
  return {name, description, ToolShape::capsule, radius, overall - 2.0 * radius, {0, 0, 0}, alignment, source};
}

const std::array<ContactSurfaceSpec, 8>& catalogue() {
  static const std::array<ContactSurfaceSpec, 8> surfaces = {
      // Palm: the palm from the heel of the hand to the finger roots, as wide as the
      // hand, as thick as the hand at the metacarpals; the thenar and hypothenar
      // eminences round its rim (1 cm, a modelling choice). Fingers point along the
      // stroke, as in effleurage up the paraspinals.
      ContactSurfaceSpec{"palm", "palm and heel of the hand, fingers along the stroke", ToolShape::box, 0.010, 0.0,
                         {0.5 * kPalmLength.mixed(), 0.5 * kHandBreadth.mixed(), 0.5 * kHandThickness.mixed()},
                         StrokeAlignment::along, "Pheasant & Haslegrave 2006: palm length, hand breadth, hand thickness"},
      // Thumb pad: a sphere as wide as the thumb at its interphalangeal joint.
      sphere("thumb_pad", "pulp of the thumb's distal phalanx", 0.5 * kThumbBreadth.mixed(),
             "Greiner 1991: thumb breadth"),
      // Fingertips: index, middle and ring finger pulps side by side, across the stroke.
      capsule("fingertips", "pulps of the index, middle and ring fingers held together",
              0.5 * kFingerBreadthDistal.mixed(), 3.0 * kFingerBreadthDistal.mixed(), StrokeAlignment::across,
              "Greiner 1991: finger breadth at the distal joint"),
      // Knuckles: the row of proximal interphalangeal joints of a loose fist, as wide
      // as the hand across the metacarpals, across the stroke.
      capsule("knuckles", "flexed proximal interphalangeal joints of a loose fist",
              0.5 * kFingerThicknessPip.mixed(), kHandBreadth.mixed(), StrokeAlignment::across,
              "Greiner 1991: finger thickness at the PIP joint; Pheasant & Haslegrave 2006: hand breadth"),
      // Ulnar edge: the hypothenar border from the wrist crease to the little finger's
      // root, as thick as the hand, across the stroke (hacking, ulnar-edge stripping).
      capsule("ulnar_edge", "ulnar (little-finger) border of the hand", 0.5 * kHandThickness.mixed(),
              kPalmLength.mixed(), StrokeAlignment::across,
              "Pheasant & Haslegrave 2006: palm length, hand thickness"),
      // Forearm: olecranon to wrist crease (the elbow-fingertip length less the hand),
      // a cylinder with the forearm's circumference (it tapers toward the wrist, so the
      // proximal part carries the load), across the stroke.
      capsule("forearm", "ulnar border of the forearm, elbow to wrist",
              kForearmCircumference.mixed() / (2.0 * std::numbers::pi),
              kElbowFingertipLength.mixed() - kHandLength.mixed(), StrokeAlignment::across,
              "ANSUR II: forearm circumference; Pheasant & Haslegrave 2006: elbow-fingertip and hand lengths"),
      // Elbow: no survey measures the olecranon's curvature; 1.5 cm radius (3 cm
      // across, a modelling choice: narrower than the 6-7 cm between the epicondyles).
      sphere("elbow", "olecranon of the flexed elbow", 0.015, "modelling choice (no survey figure)"),
      // Massage ball: a lacrosse ball, 7.75-8 in around (62.8-64.7 mm across) by the
      // game's rules; massage balls run 6-8 cm.
      sphere("massage_ball", "lacrosse-type massage ball, 6.4 cm", 0.032, "lacrosse ball rules: 7.75-8 in circumference"),
  };
  return surfaces;
}

}  // namespace

std::span<const ContactSurfaceSpec> contact_surfaces() { return catalogue(); }

const ContactSurfaceSpec* find_contact_surface(std::string_view name) {
  for (const ContactSurfaceSpec& s : catalogue())
    if (s.name == name) return &s;
  return nullptr;
}

ToolSpec contact_surface_tool(const ContactSurfaceSpec& surface, const std::array<double, 2>& stroke_direction) {
  const double norm = std::hypot(stroke_direction[0], stroke_direction[1]);
  if (!(norm > 0) || !std::isfinite(norm))
    throw InvalidInput("contact surface '" + std::string(surface.name) + "': the stroke direction must be a non-zero vector");
  const double dx = stroke_direction[0] / norm, dy = stroke_direction[1] / norm;
  ToolSpec tool;
  tool.shape = surface.shape;
  tool.radius = surface.radius;
  tool.length = surface.length;
  // Half extents only for a box: other shapes keep ToolSpec's default, which they ignore.
  if (surface.shape == ToolShape::box)
    tool.half_extents = Vec3(surface.half_extents[0], surface.half_extents[1], surface.half_extents[2]);
  // Across: the stroke direction turned a quarter turn in the skin plane.
  tool.axis = surface.alignment == StrokeAlignment::along ? Vec3(dx, dy, 0.0) : Vec3(-dy, dx, 0.0);
  return tool;
}

}  // namespace backsim
