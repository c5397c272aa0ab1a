// A tool as a Bullet collision shape, and Bullet's closest points to it.
//
// Bullet (double precision) is the collision-shape provider of the tools and the
// reference for their distances: the step's contact uses the exact signed distance
// of tool_shape.hpp, and the tests hold it to Bullet's narrow phase. Nothing here is
// called inside a step (these functions allocate and run GJK/EPA per query).
//
// Bullet represents every tool as a core grown by its collision margin, which is
// exactly how backsim defines them, so no shape is approximated:
//   sphere   btSphereShape(r):          core = the centre,            margin = r
//   capsule  btCapsuleShapeX(r, 2 l):   core = the axis segment,      margin = r
//   box      btBoxShape(h), margin r:   core = the inner box h - r,   margin = r
// btBoxShape takes the *outer* half extents and keeps the margin inside them (its
// constructor and setMargin subtract the margin from the implicit dimensions), so
// the outer half extents of backsim's rounded box are passed unchanged.
#pragma once

#include "engine/contact/tool_shape.hpp"
#include "engine/core/types.hpp"

#include <BulletCollision/CollisionShapes/btConvexShape.h>
#include <LinearMath/btTransform.h>

#include <memory>

// The float and double builds of Bullet differ in every struct's layout: a consumer
// compiled without the define would silently disagree with the library it links.
#ifndef BT_USE_DOUBLE_PRECISION
#error "backsim uses Bullet in double precision (pkg-config bullet-float64 defines BT_USE_DOUBLE_PRECISION)"
#endif

namespace backsim {

inline btVector3 to_bullet(const Vec3& v) { return {v.x(), v.y(), v.z()}; }
inline Vec3 from_bullet(const btVector3& v) { return {v.x(), v.y(), v.z()}; }

// Bullet's narrow phase has absolute thresholds tuned for objects about a metre
// across: btGjkPairDetector compares squared lengths with REL_ERROR2 = 1e-12 and the
// simplex solver merges support points closer than 1e-6. On centimetre tools in metres
// they cost up to 8e-6 m (measured: a triangle against an 8 cm box); the same queries
// in millimetres are exact to rounding. Shapes for queries are therefore built in
// millimetres (kBulletQueryUnitsPerMetre); shapes handed to a Bullet world may use
// metres (the default).
inline constexpr double kBulletQueryUnitsPerMetre = 1000.0;

// The collision shape of a tool in its own frame (x: axis, y: side, z: up), in units
// of 1 / units_per_metre metres. Throws InvalidInput for a shape Bullet cannot carry:
// a non-positive radius or half extent, a corner radius larger than the smallest half
// extent.
std::unique_ptr<btConvexShape> make_bullet_tool_shape(const ToolGeometry& tool, double units_per_metre = 1.0);

// Tool frame -> world: the tool's rotation about its reference point `position` (m),
// the translation in the same units as the shape.
btTransform bullet_tool_transform(const ToolGeometry& tool, const Vec3& position, double units_per_metre = 1.0);

// Closest points between a tool and another convex object, from Bullet's narrow phase
// (btGjkPairDetector: GJK on the cores, minus both margins; EPA with the margins when
// the cores overlap). Everything in metres.
struct BulletClosestPoints {
  double distance = 0;  // m, signed: negative when they overlap (penetration depth)
  Vec3 point_on_tool{0, 0, 0};   // world
  Vec3 point_on_other{0, 0, 0};  // world: the point, or the triangle's closest/deepest point
  Vec3 normal{0, 0, 0};          // unit, out of the tool toward the other object
};

// A point x (world, m) against the tool placed at `position`.
BulletClosestPoints bullet_closest_points(const ToolGeometry& tool, const Vec3& position, const Vec3& x);

// A triangle (a, b, c in world coordinates, m: a skin triangle) against the tool.
BulletClosestPoints bullet_closest_points(const ToolGeometry& tool, const Vec3& position, const Vec3& a,
                                          const Vec3& b, const Vec3& c);

// The same with a shape built beforehand: `tool_shape` placed by `tool_to_world`, both
// in units of 1 / units_per_metre metres (make_bullet_tool_shape and
// bullet_tool_transform with kBulletQueryUnitsPerMetre); x, a, b, c and the answer in
// metres.
BulletClosestPoints bullet_closest_points(const btConvexShape& tool_shape, const btTransform& tool_to_world,
                                          double units_per_metre, const Vec3& x);
BulletClosestPoints bullet_closest_points(const btConvexShape& tool_shape, const btTransform& tool_to_world,
                                          double units_per_metre, const Vec3& a, const Vec3& b, const Vec3& c);

}  // namespace backsim
