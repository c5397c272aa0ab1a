// The tools' Bullet collision shapes against backsim's exact signed distances.
//
// Every tool is a core grown by a margin both in backsim (tool_shape.cpp) and in
// Bullet (bullet_tool_shape.cpp), so the two must agree to the accuracy of Bullet's
// narrow phase, not to that of an approximated shape:
// - cores apart (everything outside, every point inside a sphere or a capsule, a
//   box's rounded rim): GJK on the cores minus the margins. In double precision GJK
//   stops when |v|^2 - v.w <= 1e-12 |v|^2 (REL_ERROR2, btGjkPairDetector.cpp); on a
//   point, a segment, a box or a triangle it ends on the exact feature, so rounding is
//   what is left;
// - cores overlapping (inside a box's core, a triangle through it): EPA on the shapes
//   with their margins, to EPA_ACCURACY = 1e-12 (btGjkEpa2.cpp); its polytope holds
//   the exact face there.
// Both have absolute thresholds (1e-12 on squared lengths) made for metre-sized
// objects: in metres they cost up to 8e-6 m on these centimetre tools, so the queries
// run in millimetres (kBulletQueryUnitsPerMetre). "[bullet-agreement]" prints the
// errors in both units (docs/tools.md has the table).
#include "engine/contact/bullet_tool_shape.hpp"
#include "engine/contact/tool_shape.hpp"

#include <catch2/catch.hpp>

#include <BulletCollision/CollisionShapes/btBoxShape.h>
#include <BulletCollision/CollisionShapes/btCapsuleShape.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace backsim;

namespace {

// A uniformly distributed rotation (Shoemake 1992: a uniform unit quaternion).
Mat3 random_rotation(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double u1 = u(rng), u2 = 2 * std::numbers::pi * u(rng), u3 = 2 * std::numbers::pi * u(rng);
  const Eigen::Quaterniond q(std::sqrt(u1) * std::cos(u3), std::sqrt(1 - u1) * std::sin(u2),
                             std::sqrt(1 - u1) * std::cos(u2), std::sqrt(u1) * std::sin(u3));
  return q.normalized().toRotationMatrix();
}

ToolGeometry sphere_tool(double r) {
  ToolGeometry t;
  t.shape = ToolShape::sphere;
  t.radius = r;
  return t;
}
ToolGeometry capsule_tool(double r, double half_length) {
  ToolGeometry t;
  t.shape = ToolShape::capsule;
  t.radius = r;
  t.half_length = half_length;
  return t;
}
ToolGeometry box_tool(const Vec3& h, double r) {
  ToolGeometry t;
  t.shape = ToolShape::box;
  t.half_extents = h;
  t.radius = r;
  return t;
}

// The tools tested: sizes of the catalogue (models/hand) and a sharp-cornered box.
struct NamedTool {
  std::string name;
  ToolGeometry tool;
};
std::vector<NamedTool> test_tools() {
  return {
      {"sphere r 3.2 cm", sphere_tool(0.032)},
      {"sphere r 1 cm", sphere_tool(0.010)},
      {"capsule r 1.5 cm, l 6 cm", capsule_tool(0.015, 0.03)},
      {"capsule r 4.3 cm, l 12 cm", capsule_tool(0.043, 0.06)},
      {"box 8 x 4 x 2.4 cm, r 4 mm", box_tool(Vec3(0.04, 0.02, 0.012), 0.004)},
      {"box 4.5 x 4 x 3 cm, r 1.5 cm", box_tool(Vec3(0.0225, 0.02, 0.015), 0.015)},
      {"box 6 x 4 x 2 cm, sharp", box_tool(Vec3(0.03, 0.02, 0.01), 0.0)},
  };
}

// Half the size of the tool's bounding box in its own frame.
Vec3 local_half_size(const ToolGeometry& t) {
  switch (t.shape) {
    case ToolShape::sphere: return Vec3::Constant(t.radius);
    case ToolShape::capsule: return Vec3(t.half_length + t.radius, t.radius, t.radius);
    case ToolShape::box: return t.half_extents;
  }
  return Vec3::Zero();
}

// Signed distance from a point to the tool's core (centre, segment, inner box): the
// tool's phi plus the margin. Bullet decides by GJK where it is positive and by EPA
// where it is not.
double core_distance(const ToolGeometry& t, const Vec3& position, const Vec3& x) {
  return tool_signed_distance(t, position, x).phi + t.radius;
}

// btGjkPairDetector compares squared core distances with REL_ERROR2 = 1e-12 as an
// absolute threshold: cores closer than 1e-6 units count as touching and go to EPA.
// Points and triangles within twice that of a core are left out of the GJK comparisons.
double gjk_touching(double units_per_metre) { return 2e-6 / units_per_metre; }

// Inside a box's core: the depths below its six face planes, sorted. The smallest
// is the distance to the core's surface; where the second is as small the closest
// point is not unique (the medial axis: a flat core lies on it entirely), and the
// second is also the distance to the nearest edge region of the core.
std::array<double, 6> core_face_depths(const ToolGeometry& t, const Vec3& local) {
  const Vec3 inner = t.half_extents - Vec3::Constant(t.radius);
  std::array<double, 6> s{};
  for (int k = 0; k < 3; ++k) {
    s[2 * k] = inner(k) - local(k);
    s[2 * k + 1] = inner(k) + local(k);
  }
  std::sort(s.begin(), s.end());
  return s;
}

struct Errors {
  int count = 0;
  double distance = 0;  // max |Bullet - exact| signed distance, m
  double point = 0;     // max |Bullet - exact| closest point on the tool, m
  double normal = 0;    // max |Bullet - exact| unit normal
  void add(double d, double p, double n) {
    ++count;
    distance = std::max(distance, d);
    point = std::max(point, p);
    normal = std::max(normal, n);
  }
};

// Points around a tool at random rotations and positions, by where Bullet decides.
struct PointErrors {
  Errors outside;   // phi > 0.1 mm
  Errors near;      // |phi| <= 0.1 mm, core apart
  Errors inside;    // phi < -0.1 mm, core apart (GJK)
  Errors core;      // inside a box's core (EPA)
};

// Builds a tool's Bullet shape in the given units (length units per metre).
using ShapeMaker = std::function<std::unique_ptr<btConvexShape>(const ToolGeometry&, double)>;
std::unique_ptr<btConvexShape> correct_shape(const ToolGeometry& t, double units) {
  return make_bullet_tool_shape(t, units);
}

// Points uniform in the tool's bounding box grown by 3 cm, a third of them moved to
// within 0.1 mm of its surface, and (boxes) as many again uniform in the core.
PointErrors point_errors(const ToolGeometry& tool_in, int rotations, int points_per_rotation, unsigned seed,
                         const ShapeMaker& make_shape = correct_shape,
                         double units = kBulletQueryUnitsPerMetre) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  PointErrors e;
  for (int k = 0; k < rotations; ++k) {
    ToolGeometry tool = tool_in;
    tool.rotation = random_rotation(rng);
    const Vec3 position(0.1 * u(rng), 0.1 * u(rng), 0.1 * u(rng));
    const auto shape = make_shape(tool, units);
    const btTransform xf = bullet_tool_transform(tool, position, units);
    const Vec3 reach = local_half_size(tool) + Vec3::Constant(0.03);
    const Vec3 inner = tool.half_extents - Vec3::Constant(tool.radius);
    const int samples = tool.shape == ToolShape::box ? 2 * points_per_rotation : points_per_rotation;
    for (int i = 0; i < samples; ++i) {
      Vec3 x;
      if (i >= points_per_rotation) {  // uniform in the box's core
        x = position + tool.rotation * inner.cwiseProduct(Vec3(u(rng), u(rng), u(rng)));
      } else {
        x = position + tool.rotation * reach.cwiseProduct(Vec3(u(rng), u(rng), u(rng)));
        if (i % 3 == 0) {  // within 0.1 mm of the surface, on either side
          const SignedDistance d = tool_signed_distance(tool, position, x);
          x = x - d.phi * d.normal + 1e-4 * u(rng) * d.normal;
        }
      }
      const Vec3 local = tool.rotation.transpose() * (x - position);
      const SignedDistance exact = tool_signed_distance(tool, position, x);
      const double core = core_distance(tool, position, x);
      if (core > 0 && core <= gjk_touching(units)) continue;
      const BulletClosestPoints b = bullet_closest_points(*shape, xf, units, x);
      const double de = std::abs(b.distance - exact.phi);
      const double pe = (b.point_on_tool - (x - exact.phi * exact.normal)).norm();
      const double ne = (b.normal - exact.normal).norm();
      if (core <= 0) {
        // Only a box has a core with volume. Where two faces are equally deep (within
        // 1e-9 m) the closest point is not unique: only the distance is compared.
        const auto depth = core_face_depths(tool, local);
        const bool unique = depth[1] - depth[0] > 1e-9;
        e.core.add(de, unique ? pe : 0.0, unique ? ne : 0.0);
      } else if (exact.phi > 1e-4) {
        e.outside.add(de, pe, ne);
      } else if (exact.phi >= -1e-4) {
        e.near.add(de, pe, ne);
      } else {
        e.inside.add(de, pe, ne);
      }
    }
  }
  return e;
}

// min over a segment of a convex function, by golden-section search to the
// resolution of doubles (the bracket shrinks by 0.618 per step; 120 steps shrink a
// unit bracket below 1e-25).
double golden_min(const std::function<double(double)>& f, double lo, double hi, double* argmin) {
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = lo, b = hi;
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = f(c), fd = f(d);
  for (int it = 0; it < 120 && b - a > 0; ++it) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  *argmin = 0.5 * (a + b);
  return f(*argmin);
}

// min over a triangle of the tool's phi (nested golden-section searches: phi is
// convex, being a signed distance to a convex set, so the minimum over t at fixed s
// is convex in s).
double triangle_min_phi(const ToolGeometry& tool, const Vec3& position, const Vec3& a, const Vec3& b,
                        const Vec3& c) {
  auto phi = [&](double s, double t) { return tool_signed_distance(tool, position, a + s * (b - a) + t * (c - a)).phi; };
  double s = 0;
  return golden_min(
      [&](double ss) {
        double t = 0;
        return golden_min([&](double tt) { return phi(ss, tt); }, 0.0, 1.0 - ss, &t);
      },
      0.0, 1.0, &s);
}

// The exact signed distance between a triangle and the tool.
// - The triangle clear of the tool's core: min over the triangle of phi. Separated,
//   that is the distance. Overlapping, it is minus the depth of the deepest point,
//   and that is the penetration depth (the shortest separating translation): none
//   shorter lifts that point out, and moving by its depth along the tool normal n
//   there separates them, because phi is differentiable outside the core and at the
//   minimiser of a convex function over the triangle n.(y - x*) >= 0 for every
//   triangle point y, which puts the triangle beyond the tool's tangent plane.
// - The triangle through a box's core (phi has kinks there, and the deepest point no
//   longer gives the depth): the depth of the polytope core minus triangle, whose
//   facet normals are among the box's face normals, the triangle's normal and the
//   cross products of their edges, plus the margin: -(min over those n of
//   h_core(n) - min_v n.v) - r.
double triangle_tool_distance(const ToolGeometry& tool, const Vec3& position, const Vec3& a, const Vec3& b,
                              const Vec3& c, bool* through_core) {
  const double m = triangle_min_phi(tool, position, a, b, c);
  *through_core = m + tool.radius <= 0;
  if (!*through_core) return m;
  REQUIRE(tool.shape == ToolShape::box);  // the samples reach no sphere's or capsule's core
  const Vec3 inner = tool.half_extents - Vec3::Constant(tool.radius);
  const std::array<Vec3, 3> v = {tool.rotation.transpose() * (a - position), tool.rotation.transpose() * (b - position),
                                 tool.rotation.transpose() * (c - position)};
  std::vector<Vec3> normals = {Vec3::UnitX(), Vec3::UnitY(), Vec3::UnitZ(), (v[1] - v[0]).cross(v[2] - v[0])};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) normals.push_back(Vec3::Unit(i).cross(v[(j + 1) % 3] - v[j]));
  double depth = std::numeric_limits<double>::infinity();
  for (const Vec3& n0 : normals) {
    if (n0.norm() < 1e-12) continue;  // a triangle edge parallel to a box axis: no facet
    for (const Vec3& n : {Vec3(n0.normalized()), Vec3(-n0.normalized())}) {
      const double support = inner.dot(n.cwiseAbs());
      const double lowest = std::min({n.dot(v[0]), n.dot(v[1]), n.dot(v[2])});
      depth = std::min(depth, support - lowest);
    }
  }
  return -depth - tool.radius;
}

struct TriangleBin {
  int count = 0;
  double distance = 0;     // max |Bullet - exact| signed distance, m
  double off_surface = 0;  // max |phi| of Bullet's tool point: it must lie on the surface, m
  double witness = 0;      // max |phi(Bullet's triangle point) - Bullet's distance|, m
  void add(double d, double s, double w) {
    ++count;
    distance = std::max(distance, d);
    off_surface = std::max(off_surface, s);
    witness = std::max(witness, w);
  }
};

struct TriangleErrors {
  TriangleBin separated;    // distance > 0
  TriangleBin overlapping;  // overlapping, clear of the core (GJK)
  TriangleBin core;         // through a box's core (EPA)
  double on_triangle = 0;   // max distance of Bullet's triangle point from the triangle, m
};

// Skin-like triangles (edges 3-15 mm) at random orientations whose centres lie from
// 3 mm inside to 5 mm outside the tool surface (a skin point in contact sinks less than
// 1 mm), around tools at random rotations.
TriangleErrors triangle_errors(const ToolGeometry& tool_in, int rotations, int triangles_per_rotation,
                               unsigned seed, double units = kBulletQueryUnitsPerMetre) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  TriangleErrors e;
  for (int k = 0; k < rotations; ++k) {
    ToolGeometry tool = tool_in;
    tool.rotation = random_rotation(rng);
    const Vec3 position(0.1 * u(rng), 0.1 * u(rng), 0.1 * u(rng));
    const auto shape = make_bullet_tool_shape(tool, units);
    const btTransform xf = bullet_tool_transform(tool, position, units);
    const Vec3 reach = local_half_size(tool) + Vec3::Constant(0.01);
    for (int i = 0; i < triangles_per_rotation; ++i) {
      const Vec3 x = position + tool.rotation * reach.cwiseProduct(Vec3(u(rng), u(rng), u(rng)));
      const SignedDistance d = tool_signed_distance(tool, position, x);
      const Vec3 centre = x - d.phi * d.normal + (0.001 + 0.004 * u(rng)) * d.normal;
      const Vec3 e1 = Vec3(u(rng), u(rng), u(rng)).normalized();
      const Vec3 e2 = e1.cross(Vec3(u(rng), u(rng), u(rng))).normalized();
      auto vertex = [&](double angle) {
        const double size = 0.003 + 0.006 * (1.0 + u(rng));
        return Vec3(centre + size * (std::cos(angle) * e1 + std::sin(angle) * e2));
      };
      const double a0 = std::numbers::pi * u(rng);
      const Vec3 a = vertex(a0), b = vertex(a0 + 2.0 + 0.5 * u(rng)), c = vertex(a0 + 4.2 + 0.5 * u(rng));
      bool through_core = false;
      const double exact = triangle_tool_distance(tool, position, a, b, c, &through_core);
      const double core = exact + tool.radius;
      if (!through_core && core <= gjk_touching(units)) continue;
      const BulletClosestPoints r = bullet_closest_points(*shape, xf, units, a, b, c);
      // Bullet's tool point must lie on the tool's surface, and its triangle point be
      // the triangle point at the signed distance (the closest, or the deepest; through
      // a core the deepest point is not where the depth is measured, see above).
      const double off_surface = std::abs(tool_signed_distance(tool, position, r.point_on_tool).phi);
      const double witness = std::abs(tool_signed_distance(tool, position, r.point_on_other).phi - r.distance);
      TriangleBin& bin = through_core ? e.core : exact > 0 ? e.separated : e.overlapping;
      bin.add(std::abs(r.distance - exact), off_surface, through_core ? 0.0 : witness);
      // Bullet's triangle point: in the triangle's plane and inside its edges.
      const Vec3 n = (b - a).cross(c - a).normalized();
      const Vec3& p = r.point_on_other;
      double off = std::abs(n.dot(p - a));
      for (const auto& [p0, p1] : {std::pair{a, b}, std::pair{b, c}, std::pair{c, a}})
        off = std::max(off, -n.cross(p1 - p0).normalized().dot(p - p0));  // > 0 beyond an edge
      e.on_triangle = std::max(e.on_triangle, off);
    }
  }
  return e;
}

}  // namespace

TEST_CASE("Bullet tool shapes: bounding boxes at identity are the tool's extents", "[tool][bullet]") {
  // The AABB of each Bullet shape is computed from its own core and margin: equal to
  // the tool's outer extents it shows that the margin is counted once (a box given
  // h - r, or a capsule given the total length, would come out smaller or larger).
  struct Case {
    ToolGeometry tool;
    Vec3 half;
  };
  const std::vector<Case> cases = {
      {sphere_tool(0.032), Vec3::Constant(0.032)},
      {capsule_tool(0.015, 0.03), Vec3(0.045, 0.015, 0.015)},
      {box_tool(Vec3(0.04, 0.02, 0.012), 0.004), Vec3(0.04, 0.02, 0.012)},
      {box_tool(Vec3(0.03, 0.02, 0.01), 0.0), Vec3(0.03, 0.02, 0.01)},
  };
  for (const Case& c : cases) {
    const auto shape = make_bullet_tool_shape(c.tool);
    const Vec3 position(0.01, -0.02, 0.03);
    btVector3 lo, hi;
    shape->getAabb(bullet_tool_transform(c.tool, position), lo, hi);
    // 1e-15 m: the AABB is a sum of a few numbers of 1e-2 m, rounded once each.
    CHECK((from_bullet(lo) - (position - c.half)).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((from_bullet(hi) - (position + c.half)).cwiseAbs().maxCoeff() < 1e-15);
  }
  // A capsule turned to the axis (0.6, 0.8, 0) by ToolGeometry::from_spec: Bullet
  // bounds the rotated local box (half sizes l + r, r, r), |R| times those; with the
  // axis taken along y instead the x and y extents would swap.
  ToolSpec spec;
  spec.shape = ToolShape::capsule;
  spec.radius = 0.015;
  spec.length = 0.05;
  spec.axis = Vec3(0.6, 0.8, 0.0);
  const ToolGeometry capsule = ToolGeometry::from_spec(spec);
  btVector3 lo, hi;
  make_bullet_tool_shape(capsule)->getAabb(bullet_tool_transform(capsule, Vec3::Zero()), lo, hi);
  const Vec3 half(0.6 * 0.04 + 0.8 * 0.015, 0.8 * 0.04 + 0.6 * 0.015, 0.015);
  CHECK((from_bullet(hi) - half).cwiseAbs().maxCoeff() < 1e-15);
  CHECK((from_bullet(lo) + half).cwiseAbs().maxCoeff() < 1e-15);
  // In millimetres (the query units) the same box, 1000 times larger.
  make_bullet_tool_shape(capsule, 1000.0)->getAabb(bullet_tool_transform(capsule, Vec3::Zero(), 1000.0), lo, hi);
  CHECK((from_bullet(hi) - 1000.0 * half).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("Bullet tool shapes: invalid geometry is refused", "[tool][bullet]") {
  CHECK_THROWS(make_bullet_tool_shape(sphere_tool(0.0)));
  CHECK_THROWS(make_bullet_tool_shape(capsule_tool(-0.01, 0.02)));
  CHECK_THROWS(make_bullet_tool_shape(box_tool(Vec3(0.02, 0.01, 0.005), 0.006)));  // radius > smallest half extent
  CHECK_NOTHROW(make_bullet_tool_shape(box_tool(Vec3(0.02, 0.01, 0.005), 0.005)));
}

// Tolerances, in metres: the coordinates reach 0.2 m, whose rounding unit is 2.8e-17 m,
// and GJK/EPA end on the exact feature in millimetres (measured: below 2e-15 m, the
// table test "[bullet-agreement]" prints them), so 1e-14 m leaves rounding through a
// few dozen operations. A normal is an offset divided by a distance of at least
// 2e-9 m (nearer points are skipped, see gjk_touching): 1e-16 m / 2e-9 m = 5e-8, and
// 1e-6 with margin (measured: 2e-10).
constexpr double kDistanceTolerance = 1e-14;
constexpr double kNormalTolerance = 1e-6;

TEST_CASE("Bullet tool shapes: closest points to a point equal the exact signed distance", "[tool][bullet]") {
  for (const NamedTool& t : test_tools()) {
    const PointErrors e = point_errors(t.tool, 40, 150, 7);
    INFO(t.name);
    // Every region is sampled: outside, within 0.1 mm of the surface, and inside,
    // where a box's core is EPA's (the rest is GJK's).
    CHECK(e.outside.count > 1000);
    CHECK(e.near.count > 500);
    CHECK(e.inside.count + e.core.count > 30);
    if (t.tool.shape == ToolShape::box) CHECK(e.core.count > 1000);
    for (const auto& [where, err] : {std::pair{"outside", e.outside}, std::pair{"near", e.near},
                                     std::pair{"inside", e.inside}, std::pair{"core", e.core}}) {
      INFO(where << ": " << err.count << " points, distance error " << err.distance << " m, point error "
                 << err.point << " m, normal error " << err.normal);
      CHECK(err.distance < kDistanceTolerance);
      CHECK(err.point < kDistanceTolerance);
      CHECK(err.normal < kNormalTolerance);
    }
  }
}

TEST_CASE("Bullet tool shapes: closest points to skin triangles equal the exact ones", "[tool][bullet]") {
  for (const NamedTool& t : test_tools()) {
    const TriangleErrors e = triangle_errors(t.tool, 20, 25, 11);
    INFO(t.name << ": triangle point off the triangle by " << e.on_triangle << " m");
    CHECK(e.separated.count > 50);
    CHECK(e.overlapping.count + e.core.count > 100);
    CHECK(e.on_triangle < kDistanceTolerance);
    for (const auto& [where, err] : {std::pair{"separated", e.separated}, std::pair{"overlapping", e.overlapping},
                                     std::pair{"through the core", e.core}}) {
      INFO(where << ": " << err.count << " triangles, distance error " << err.distance
                 << " m, tool point off the surface by " << err.off_surface << " m, triangle point's phi off by "
                 << err.witness << " m");
      CHECK(err.distance < kDistanceTolerance);
      CHECK(err.off_surface < kDistanceTolerance);
      CHECK(err.witness < kDistanceTolerance);
    }
  }
}

TEST_CASE("Bullet tool shapes: the comparison catches a wrong axis, rotation or margin", "[tool][bullet]") {
  // The agreement tests above must be able to fail: each of these mistakes misses
  // them by far.
  const ToolGeometry capsule = capsule_tool(0.015, 0.03);
  const ToolGeometry box = box_tool(Vec3(0.04, 0.02, 0.012), 0.004);
  auto worst = [](const PointErrors& e) { return std::max({e.outside.distance, e.near.distance, e.inside.distance}); };
  // The capsule along Bullet's default y axis instead of the tool's axis column.
  const double wrong_axis = worst(point_errors(capsule, 5, 60, 3, [](const ToolGeometry& t, double units) {
    return std::unique_ptr<btConvexShape>(new btCapsuleShape(units * t.radius, units * 2.0 * t.half_length));
  }));
  // The margin subtracted twice: btBoxShape given the core h - r (it subtracts r itself).
  const double margin_twice = worst(point_errors(box, 5, 60, 3, [](const ToolGeometry& t, double units) {
    auto b = std::make_unique<btBoxShape>(to_bullet(units * (t.half_extents - Vec3::Constant(t.radius))));
    b->setMargin(units * t.radius);
    return std::unique_ptr<btConvexShape>(std::move(b));
  }));
  // The capsule's length taken as Bullet's total height (the caps counted twice).
  const double length_as_height = worst(point_errors(capsule, 5, 60, 3, [](const ToolGeometry& t, double units) {
    return std::unique_ptr<btConvexShape>(new btCapsuleShapeX(units * t.radius, units * 2.0 * (t.half_length + t.radius)));
  }));
  // Each is off by millimetres: more than 1e-6 m, 1e8 times the distance tolerance.
  CHECK(wrong_axis > 1e-6);
  CHECK(margin_twice > 1e-6);
  CHECK(length_as_height > 1e-6);
  // The rotation transposed into Bullet's basis (row-major vs column-major).
  std::mt19937 rng(5);
  double transposed = 0;
  for (int k = 0; k < 5; ++k) {
    ToolGeometry t = box;
    t.rotation = random_rotation(rng);
    ToolGeometry wrong = t;
    wrong.rotation.transposeInPlace();
    const auto shape = make_bullet_tool_shape(t, kBulletQueryUnitsPerMetre);
    const btTransform xf = bullet_tool_transform(wrong, Vec3::Zero(), kBulletQueryUnitsPerMetre);
    for (int i = 0; i < 50; ++i) {
      const Vec3 x = 0.05 * Vec3::Random();
      transposed = std::max(transposed, std::abs(bullet_closest_points(*shape, xf, kBulletQueryUnitsPerMetre, x).distance -
                                                 tool_signed_distance(t, Vec3::Zero(), x).phi));
    }
  }
  CHECK(transposed > 1e-6);
}

TEST_CASE("Bullet tool shapes: agreement table", "[.][bullet-agreement]") {
  auto row = [](const char* what, const Errors& e) {
    std::printf("|   %s | %d | %.1e | %.1e | %.1e |\n", what, e.count, e.distance, e.point, e.normal);
  };
  auto tri = [](const char* what, const TriangleBin& e) {
    std::printf("|   %s | %d | %.1e | %.1e | %.1e |\n", what, e.count, e.distance, e.off_surface, e.witness);
  };
  std::printf("| tool / where | samples | max distance error (m) | max point error (m); triangles: tool point off the surface | max normal error; triangles: triangle point's phi - distance (m) |\n");
  std::printf("|---|---|---|---|---|\n");
  int samples = 0;
  for (const double units : {1.0, kBulletQueryUnitsPerMetre})
  for (const NamedTool& t : test_tools()) {
    const PointErrors p = point_errors(t.tool, 40, 150, 7, correct_shape, units);
    const TriangleErrors tr = triangle_errors(t.tool, 20, 25, 11, units);
    std::printf("| **%s, Bullet in %s** | | | | |\n", t.name.c_str(), units == 1.0 ? "m" : "mm");
    row("points outside", p.outside);
    row("points near", p.near);
    row("points inside, core apart", p.inside);
    row("points in the core", p.core);
    tri("triangles separated", tr.separated);
    tri("triangles overlapping", tr.overlapping);
    tri("triangles through the core", tr.core);
    std::printf("|   triangle point off the triangle | | %.1e | | |\n", tr.on_triangle);
    samples += p.outside.count + tr.separated.count;
    std::fflush(stdout);
  }
  CHECK(samples > 0);
}
