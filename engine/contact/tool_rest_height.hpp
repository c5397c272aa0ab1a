// Where a tool rests on an undeformed surface.
//
// The tool's depth is measured from its resting position: the height of its
// reference point when it is lowered vertically over (x, y) until it touches the
// undeformed surface. On the flat block that is the tool's bottom offset above
// z = 0; on a curved back it follows the skin.
#pragma once

#include "engine/contact/tool_shape.hpp"

#include <span>

namespace backsim {

// Height of the reference point of `tool` resting over `xy` on the points
// `surface` (reference positions). Exact for the point set: the largest height at
// which some point is on the tool's surface, found per point by bisection on the
// signed distance (monotone along the vertical for convex tools).
double tool_rest_height(const ToolGeometry& tool, const Eigen::Vector2d& xy, std::span<const Vec3> surface);

// Largest horizontal distance from the reference point to the tool's surface.
double tool_horizontal_reach(const ToolGeometry& tool);

}  // namespace backsim
