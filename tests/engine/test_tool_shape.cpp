// Tool signed distances and rest heights.
#include "engine/contact/tool_rest_height.hpp"
#include "engine/contact/tool_shape.hpp"
#include "finite_difference.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace backsim;

namespace {
ToolGeometry make_tool(ToolShape shape) {
  ToolSpec spec;
  spec.shape = shape;
  spec.radius = shape == ToolShape::box ? 0.004 : 0.015;
  spec.length = 0.05;
  spec.half_extents = Vec3(0.04, 0.02, 0.012);
  spec.axis = Vec3(0.6, 0.8, 0.0);
  return ToolGeometry::from_spec(spec);
}
}  // namespace

TEST_CASE("tool signed distance: unit gradient equal to finite differences", "[tool]") {
  const ToolShape shape = GENERATE(ToolShape::sphere, ToolShape::capsule, ToolShape::box);
  const ToolGeometry tool = make_tool(shape);
  const Vec3 centre(0.01, -0.02, 0.03);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-0.05, 0.05);
  int inside = 0, outside = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const Vec3 x = centre + Vec3(u(rng), u(rng), u(rng));
    const SignedDistance d = tool_signed_distance(tool, centre, x);
    (d.phi < 0 ? inside : outside) += 1;
    REQUIRE(d.normal.norm() == Approx(1.0).epsilon(1e-12));
    const Eigen::VectorXd g = backsim::test::fd_gradient(
        [&](const Eigen::VectorXd& y) { return tool_signed_distance(tool, centre, Vec3(y)).phi; }, x, 1e-8);
    // The SDF is smooth away from the medial axis; points within 1e-6 of a kink
    // are too rare in 2000 samples to matter but are skipped to keep the test exact.
    if ((g - d.normal).norm() > 1e-5) {
      const double kink = (g.norm() - 1.0);
      CHECK(std::abs(kink) > 1e-3);  // only a non-differentiable point may disagree
      continue;
    }
    CHECK((g - d.normal).norm() < 1e-5);
  }
  CHECK(inside > 5);
  CHECK(outside > 5);
}

TEST_CASE("tool signed distance: known values", "[tool]") {
  const ToolGeometry sphere = make_tool(ToolShape::sphere);
  CHECK(tool_signed_distance(sphere, Vec3::Zero(), Vec3(0, 0, -0.02)).phi == Approx(0.005));
  CHECK(tool_signed_distance(sphere, Vec3::Zero(), Vec3(0, 0, -0.02)).normal.z() == Approx(-1.0));
  const ToolGeometry capsule = make_tool(ToolShape::capsule);
  // Along the axis (0.6, 0.8, 0): the cap centre is at 0.025, the tip at 0.040.
  CHECK(tool_signed_distance(capsule, Vec3::Zero(), Vec3(0.6, 0.8, 0) * 0.05).phi == Approx(0.01));
  // Perpendicular, over the middle: radius.
  CHECK(tool_signed_distance(capsule, Vec3::Zero(), Vec3(0, 0, -0.015)).phi == Approx(0.0).margin(1e-15));
  const ToolGeometry box = make_tool(ToolShape::box);
  CHECK(tool_signed_distance(box, Vec3::Zero(), Vec3(0, 0, -0.02)).phi == Approx(0.008));
  CHECK(tool_signed_distance(box, Vec3::Zero(), Vec3::Zero()).phi == Approx(-0.012));
  CHECK(box.bottom_offset() == Approx(0.012));
}

// The contact solvers skip the exact distance of points outside the bounding sphere
// grown by their margin, so the bound must hold everywhere; and it is close: the
// sphere's and capsule's tips lie on it, the box's rounded corner r (sqrt 3 - 1) inside.
TEST_CASE("a tool lies inside its bounding sphere, which nearly touches it", "[tool]") {
  const ToolShape shape = GENERATE(ToolShape::sphere, ToolShape::capsule, ToolShape::box);
  const ToolGeometry tool = make_tool(shape);
  const Vec3 centre(0.01, -0.02, 0.03);
  const double R = tool.bounding_radius();
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(-0.08, 0.08);
  for (int trial = 0; trial < 20000; ++trial) {
    const Vec3 x = centre + Vec3(u(rng), u(rng), u(rng));
    const double phi = tool_signed_distance(tool, centre, x).phi;
    // distance to the tool >= distance to the sphere that holds it (1e-15: rounding of phi)
    REQUIRE(phi >= (x - centre).norm() - R - 1e-15);
  }
  // where the sphere is reached: the tip along the axis (sphere, capsule), the outer
  // corner of the box's half extents, r (sqrt 3 - 1) from its rounded corner
  Vec3 far = tool.rotation.col(0) * tool.radius;
  if (shape == ToolShape::capsule) far = tool.rotation.col(0) * (tool.half_length + tool.radius);
  if (shape == ToolShape::box) far = tool.rotation * tool.half_extents;
  CHECK(far.norm() == Approx(R).epsilon(1e-12));
  const double gap = shape == ToolShape::box ? tool.radius * (std::sqrt(3.0) - 1) : 0.0;
  CHECK(tool_signed_distance(tool, centre, centre + far).phi == Approx(gap).margin(1e-12));
}

TEST_CASE("a tool rests on the undeformed surface", "[tool]") {
  // Points of a plane z = 0.01 + 0.2 x (tilted), 2 mm apart.
  std::vector<Vec3> plane;
  for (int i = -40; i <= 40; ++i)
    for (int j = -40; j <= 40; ++j) plane.emplace_back(0.002 * i, 0.002 * j, 0.01 + 0.2 * 0.002 * i);
  const ToolGeometry sphere = make_tool(ToolShape::sphere);
  // A sphere resting on a plane of slope m has its centre r sqrt(1 + m^2) above the
  // plane point below it. The point set has no point exactly at the tangent point:
  // the sphere sinks at most the sagitta over half the spacing, (1 mm)^2 / (2 r) = 3.3e-5 m.
  const double expected = 0.01 + 0.015 * std::sqrt(1 + 0.04);
  const double rest = tool_rest_height(sphere, {0.0, 0.0}, plane);
  CHECK(rest <= expected + 1e-12);
  CHECK(rest >= expected - 3.4e-5);
  // On a flat plane each shape rests at its bottom offset.
  std::vector<Vec3> flat;
  for (int i = -40; i <= 40; ++i)
    for (int j = -40; j <= 40; ++j) flat.emplace_back(0.002 * i, 0.002 * j, 0.0);
  for (ToolShape s : {ToolShape::sphere, ToolShape::capsule, ToolShape::box}) {
    const ToolGeometry t = make_tool(s);
    CHECK(tool_rest_height(t, {0.0, 0.0}, flat) == Approx(t.bottom_offset()).margin(1e-9));
  }
}
