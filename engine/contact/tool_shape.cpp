#include "engine/contact/tool_shape.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

ToolGeometry ToolGeometry::from_spec(const ToolSpec& spec) {
  ToolGeometry g;
  g.shape = spec.shape;
  g.radius = spec.radius;
  g.half_length = 0.5 * spec.length;
  g.half_extents = spec.half_extents;
  // Tool frame: x along the given axis (in the surface plane), z up, y = z cross x.
  const Vec3 axis = Vec3(spec.axis.x(), spec.axis.y(), 0.0).normalized();
  const Vec3 up(0, 0, 1);
  g.rotation.col(0) = axis;
  g.rotation.col(1) = up.cross(axis);
  g.rotation.col(2) = up;
  return g;
}

double ToolGeometry::bottom_offset() const {
  switch (shape) {
    case ToolShape::sphere:
    case ToolShape::capsule: return radius;
    case ToolShape::box: return half_extents.z();
  }
  return 0;
}

double ToolGeometry::bounding_radius() const {
  switch (shape) {
    case ToolShape::sphere: return radius;
    case ToolShape::capsule: return half_length + radius;
    case ToolShape::box: return half_extents.norm();
  }
  return 0;
}

namespace {

SignedDistance sphere_distance(double radius, const Vec3& local) {
  const double r = local.norm();
  // At the exact centre any direction is a valid normal; pick +z (up, out of the skin).
  const Vec3 n = r > 0 ? Vec3(local / r) : Vec3(0, 0, 1);
  return {r - radius, n};
}

SignedDistance capsule_distance(double radius, double half_length, const Vec3& local) {
  const double t = std::clamp(local.x(), -half_length, half_length);
  return sphere_distance(radius, local - Vec3(t, 0, 0));
}

// Box with outer half extents h and edges rounded with radius r: the inner box
// h - r, inflated by r.
SignedDistance box_distance(const Vec3& h, double r, const Vec3& local) {
  const Vec3 inner = h - Vec3::Constant(r);
  const Vec3 q = local.cwiseAbs() - inner;
  const Vec3 sign(local.x() < 0 ? -1.0 : 1.0, local.y() < 0 ? -1.0 : 1.0, local.z() < 0 ? -1.0 : 1.0);
  if (q.maxCoeff() > 0) {
    const Vec3 outside = q.cwiseMax(0.0);
    const double d = outside.norm();
    return {d - r, outside.cwiseProduct(sign) / d};
  }
  // Inside the inner box: the nearest face is the one with the largest q.
  int axis = 0;
  q.maxCoeff(&axis);
  Vec3 n = Vec3::Zero();
  n(axis) = sign(axis);
  return {q(axis) - r, n};
}

}  // namespace

SignedDistance tool_signed_distance(const ToolGeometry& tool, const Vec3& position, const Vec3& x) {
  const Vec3 local = tool.rotation.transpose() * (x - position);
  SignedDistance d{0, Vec3::Zero()};
  switch (tool.shape) {
    case ToolShape::sphere: d = sphere_distance(tool.radius, local); break;
    case ToolShape::capsule: d = capsule_distance(tool.radius, tool.half_length, local); break;
    case ToolShape::box: d = box_distance(tool.half_extents, tool.radius, local); break;
  }
  d.normal = tool.rotation * d.normal;
  return d;
}

Mat3 tool_signed_distance_hessian(const ToolGeometry& tool, const Vec3& position, const Vec3& x) {
  const Vec3 local = tool.rotation.transpose() * (x - position);
  // In the tool frame: the point's offset from the nearest point of the core
  // (centre, axis segment or inner box), whose distance is inflated by the radius.
  Vec3 offset = local;
  Mat3 flat = Mat3::Zero();  // projector onto the directions along which phi is flat
  switch (tool.shape) {
    case ToolShape::sphere: break;
    case ToolShape::capsule: {
      const double t = std::clamp(local.x(), -tool.half_length, tool.half_length);
      offset = local - Vec3(t, 0, 0);
      if (std::abs(local.x()) < tool.half_length) flat(0, 0) = 1.0;  // along the axis
      break;
    }
    case ToolShape::box: {
      const Vec3 inner = tool.half_extents - Vec3::Constant(tool.radius);
      for (int k = 0; k < 3; ++k) {
        const double excess = std::abs(local(k)) - inner(k);
        offset(k) = excess > 0 ? std::copysign(excess, local(k)) : 0.0;
        if (excess <= 0) flat(k, k) = 1.0;
      }
      if (offset.squaredNorm() == 0.0) return Mat3::Zero();  // inside the inner box: a face
      break;
    }
  }
  const double rho = offset.norm();
  if (rho == 0.0) return Mat3::Zero();
  const Vec3 n = offset / rho;
  const Mat3 h_local = (Mat3::Identity() - n * n.transpose() - flat) / rho;
  return tool.rotation * h_local * tool.rotation.transpose();
}

}  // namespace backsim
