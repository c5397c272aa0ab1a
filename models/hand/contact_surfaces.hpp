// The therapist's contact surfaces as rigid tools: palm, thumb pad, fingertips,
// knuckles, ulnar edge of the hand, forearm, elbow, massage ball. Each is one of the
// engine's tool shapes sized from hand anthropometry (hand_anthropometry.hpp) and
// laid along or across the stroke; docs/tools.md has the table and the sources.
#pragma once

#include "engine/sim/simulation_spec.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace backsim {

// How the surface's long axis (a capsule's axis, a box's local x) lies on the skin
// relative to the direction of the stroke.
enum class StrokeAlignment : std::uint8_t { along, across };

struct ContactSurfaceSpec {
  std::string_view name;         // scenario name, e.g. "thumb_pad"
  std::string_view description;  // what touches the skin
  ToolShape shape = ToolShape::sphere;
  double radius = 0;                        // m: sphere, capsule; a box's corner radius
  double length = 0;                        // m: capsule segment between the cap centres
  std::array<double, 3> half_extents{0, 0, 0};  // m: box (outer, rounding inside)
  StrokeAlignment alignment = StrokeAlignment::along;
  std::string_view source;       // where the sizes come from (short)
};

// Every contact surface, in the order of docs/tools.md.
std::span<const ContactSurfaceSpec> contact_surfaces();

// The surface named `name`, or nullptr (the caller lists contact_surfaces() in its error).
const ContactSurfaceSpec* find_contact_surface(std::string_view name);

// A tool with the surface's shape and sizes, its axis along or across the stroke
// direction (x, y on the skin; need not be unit, must not be zero). Friction, mass and
// damping keep ToolSpec's defaults: friction comes from a skin_friction.hpp preset.
ToolSpec contact_surface_tool(const ContactSurfaceSpec& surface, const std::array<double, 2>& stroke_direction);

}  // namespace backsim
