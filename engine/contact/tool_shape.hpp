// Rigid tool shapes as signed distance functions.
//
// A tool is a rigid body placed at `position` (its reference point: sphere centre,
// capsule segment midpoint, box centre) with a rotation from the tool frame to the
// world. Contact needs, at a point x, the signed distance phi(x) (negative inside
// the tool) and its gradient n(x) (unit, pointing out of the tool).
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/simulation_spec.hpp"

namespace backsim {

struct ToolGeometry {
  ToolShape shape = ToolShape::sphere;
  double radius = 0;        // sphere/capsule radius; box corner radius
  double half_length = 0;   // capsule: half the segment length
  Vec3 half_extents{0, 0, 0};  // box: outer half extents (corner rounding inside them)
  Mat3 rotation = Mat3::Identity();  // tool frame -> world; columns: axis, side, up

  static ToolGeometry from_spec(const ToolSpec& spec);
  // Height of the reference point above the tool's lowest point (the tool rests on
  // a plane z = 0 with its reference point at z = bottom_offset()).
  double bottom_offset() const;
  // Radius of a sphere about the reference point that holds the whole tool: a point
  // farther than R + d from the reference point is farther than d from the tool.
  double bounding_radius() const;
};

struct SignedDistance {
  double phi;  // m, negative inside
  Vec3 normal; // unit gradient of phi, pointing out of the tool
};

// Exact signed distance from x (world) to the tool placed at `position`.
SignedDistance tool_signed_distance(const ToolGeometry& tool, const Vec3& position, const Vec3& x);

// Hessian of the signed distance at x: (I - n n^T - t t^T) / rho around a curved
// feature (rho: distance to the sphere centre, capsule axis or rounded edge; t: the
// feature's axis where it has one), zero on flat faces.
Mat3 tool_signed_distance_hessian(const ToolGeometry& tool, const Vec3& position, const Vec3& x);

}  // namespace backsim
