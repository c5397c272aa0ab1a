#include "engine/contact/tool_rest_height.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim {

double tool_horizontal_reach(const ToolGeometry& tool) {
  switch (tool.shape) {
    case ToolShape::sphere: return tool.radius;
    case ToolShape::capsule: return tool.half_length + tool.radius;
    case ToolShape::box: return tool.half_extents.head<2>().norm();
  }
  return 0;
}

double tool_rest_height(const ToolGeometry& tool, const Eigen::Vector2d& xy, std::span<const Vec3> surface) {
  const double reach = tool_horizontal_reach(tool);
  // The tool spans heights [ref - below, ref + below] around its reference point
  // (all our shapes are symmetric about their horizontal mid-plane).
  const double below = tool.bottom_offset();
  constexpr int kScan = 64;       // samples to find a height at which p is inside
  constexpr int kBisection = 60;  // halvings of the bracket: far below round-off
  double height = -std::numeric_limits<double>::infinity();
  for (const Vec3& p : surface) {
    if ((p.head<2>() - xy).norm() > reach) continue;
    // Heights z of the reference point at which p is inside the tool form an
    // interval (convex tool, vertical line); the tool coming down first touches p
    // at its upper end. Above z_hi the tool's lowest point is above p.
    double z_hi = p.z() + below;
    double z_in = z_hi;
    bool inside = false;
    Vec3 ref(xy.x(), xy.y(), 0.0);
    for (int k = 1; k <= kScan && !inside; ++k) {
      z_in = z_hi - 2.0 * below * k / kScan;
      ref.z() = z_in;
      inside = tool_signed_distance(tool, ref, p).phi < 0;
    }
    if (!inside) continue;  // the vertical through p misses the tool (beyond its rim)
    double lo = z_in;
    for (int it = 0; it < kBisection; ++it) {
      const double mid = 0.5 * (lo + z_hi);
      ref.z() = mid;
      (tool_signed_distance(tool, ref, p).phi < 0 ? lo : z_hi) = mid;
    }
    height = std::max(height, z_hi);
  }
  // Nothing under the tool: rest as on the plane z = 0.
  return std::isfinite(height) ? height : below;
}

}  // namespace backsim
