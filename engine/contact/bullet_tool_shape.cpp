#include "engine/contact/bullet_tool_shape.hpp"

#include "engine/core/error.hpp"

#include <BulletCollision/CollisionShapes/btBoxShape.h>
#include <BulletCollision/CollisionShapes/btCapsuleShape.h>
#include <BulletCollision/CollisionShapes/btSphereShape.h>
#include <BulletCollision/CollisionShapes/btTriangleShape.h>
#include <BulletCollision/NarrowPhaseCollision/btGjkEpaPenetrationDepthSolver.h>
#include <BulletCollision/NarrowPhaseCollision/btGjkPairDetector.h>
#include <BulletCollision/NarrowPhaseCollision/btPointCollector.h>
#include <BulletCollision/NarrowPhaseCollision/btVoronoiSimplexSolver.h>

#include <cmath>
#include <string>

namespace backsim {

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw InvalidInput("Bullet tool shape: " + what);
}

// Runs Bullet's convex-convex narrow phase with `other` as object A and the tool as
// object B. btPointCollector keeps B's point and the normal on B, which points from B
// toward A: out of the tool.
BulletClosestPoints closest_points(const btConvexShape& other, const btTransform& other_to_world,
                                   const btConvexShape& tool_shape, const btTransform& tool_to_world,
                                   double units_per_metre) {
  btVoronoiSimplexSolver simplex;
  btGjkEpaPenetrationDepthSolver epa;
  btGjkPairDetector gjk(&other, &tool_shape, &simplex, &epa);
  btGjkPairDetector::ClosestPointInput input;
  input.m_transformA = other_to_world;
  input.m_transformB = tool_to_world;
  // No distance cut-off: a reference must answer for far points too (the default is
  // already BT_LARGE_FLOAT, set here so that it does not depend on that default).
  input.m_maximumDistanceSquared = BT_LARGE_FLOAT;
  btPointCollector out;
  gjk.getClosestPoints(input, out, nullptr);
  BACKSIM_ASSERT(out.m_hasResult, "Bullet's GJK/EPA returned no closest points (non-finite input?)");
  const double metres = 1.0 / units_per_metre;
  BulletClosestPoints r;
  r.distance = out.m_distance * metres;
  r.point_on_tool = from_bullet(out.m_pointInWorld) * metres;
  r.normal = from_bullet(out.m_normalOnBInWorld);
  // A's witness: B's point moved by the signed distance along the normal (behind the
  // tool's surface when they overlap), as Bullet's own users reconstruct it.
  r.point_on_other = r.point_on_tool + r.distance * r.normal;
  return r;
}

}  // namespace

std::unique_ptr<btConvexShape> make_bullet_tool_shape(const ToolGeometry& tool, double units_per_metre) {
  require(units_per_metre > 0, "the length unit must be positive");
  const double radius = tool.radius * units_per_metre;
  switch (tool.shape) {
    case ToolShape::sphere:
      require(tool.radius > 0, "a sphere needs a positive radius");
      return std::make_unique<btSphereShape>(radius);
    case ToolShape::capsule:
      require(tool.radius > 0, "a capsule needs a positive radius");
      require(tool.half_length >= 0, "a capsule needs a non-negative length");
      // btCapsuleShapeX: the segment along local x (the tool's axis column), its
      // "height" the distance between the cap centres; the margin is the radius and
      // setMargin is a no-op for capsules.
      return std::make_unique<btCapsuleShapeX>(radius, 2.0 * tool.half_length * units_per_metre);
    case ToolShape::box: {
      const Vec3& h = tool.half_extents;
      require(h.minCoeff() > 0, "a box needs positive half extents");
      require(tool.radius >= 0 && tool.radius <= h.minCoeff(),
              "a box's corner radius must lie in [0, smallest half extent]");
      auto box = std::make_unique<btBoxShape>(to_bullet(h * units_per_metre));
      // The rounding radius is the margin: the core shrinks to h - r and the outer
      // half extents stay h (btBoxShape::setMargin keeps core + margin constant).
      box->setMargin(radius);
      return box;
    }
  }
  throw InvalidInput("Bullet tool shape: unknown tool shape");
}

btTransform bullet_tool_transform(const ToolGeometry& tool, const Vec3& position, double units_per_metre) {
  const Mat3& r = tool.rotation;
  const btMatrix3x3 basis(r(0, 0), r(0, 1), r(0, 2),  //
                          r(1, 0), r(1, 1), r(1, 2),  //
                          r(2, 0), r(2, 1), r(2, 2));
  return btTransform(basis, to_bullet(position * units_per_metre));
}

BulletClosestPoints bullet_closest_points(const btConvexShape& tool_shape, const btTransform& tool_to_world,
                                          double units_per_metre, const Vec3& x) {
  // A point is a sphere of radius 0: its core is the point and its margin 0.
  const btSphereShape point(0.0);
  btTransform at_x;
  at_x.setIdentity();
  at_x.setOrigin(to_bullet(x * units_per_metre));
  return closest_points(point, at_x, tool_shape, tool_to_world, units_per_metre);
}

BulletClosestPoints bullet_closest_points(const btConvexShape& tool_shape, const btTransform& tool_to_world,
                                          double units_per_metre, const Vec3& a, const Vec3& b, const Vec3& c) {
  btTriangleShape triangle(to_bullet(a * units_per_metre), to_bullet(b * units_per_metre),
                           to_bullet(c * units_per_metre));
  // Polyhedral shapes default to a 4 cm margin (CONVEX_DISTANCE_MARGIN), which would
  // inflate the triangle into a slab 8 cm thick: the skin triangle is exact, margin 0.
  triangle.setMargin(0.0);
  btTransform identity;
  identity.setIdentity();
  return closest_points(triangle, identity, tool_shape, tool_to_world, units_per_metre);
}

BulletClosestPoints bullet_closest_points(const ToolGeometry& tool, const Vec3& position, const Vec3& x) {
  const auto shape = make_bullet_tool_shape(tool, kBulletQueryUnitsPerMetre);
  return bullet_closest_points(*shape, bullet_tool_transform(tool, position, kBulletQueryUnitsPerMetre),
                               kBulletQueryUnitsPerMetre, x);
}

BulletClosestPoints bullet_closest_points(const ToolGeometry& tool, const Vec3& position, const Vec3& a,
                                          const Vec3& b, const Vec3& c) {
  const auto shape = make_bullet_tool_shape(tool, kBulletQueryUnitsPerMetre);
  return bullet_closest_points(*shape, bullet_tool_transform(tool, position, kBulletQueryUnitsPerMetre),
                               kBulletQueryUnitsPerMetre, a, b, c);
}

}  // namespace backsim
