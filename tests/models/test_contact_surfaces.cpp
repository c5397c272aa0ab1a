// The therapist's contact surfaces (models/hand): sizes, orientation, Bullet shapes,
// and the skin friction presets.
#include "engine/contact/bullet_tool_shape.hpp"
#include "engine/contact/tool_shape.hpp"
#include "models/hand/contact_surfaces.hpp"
#include "models/hand/hand_anthropometry.hpp"
#include "models/hand/skin_friction.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <set>
#include <string>

using namespace backsim;

namespace {

// The sizes docs/tools.md lists, in m: shape, radius, segment length, box half extents.
struct Documented {
  const char* name;
  ToolShape shape;
  double radius, length;
  Vec3 half_extents;
  Vec3 overall;  // the tool's extent along its axis, side and up (m): its AABB at identity
};

const double kForearmRadius = 0.2775 / (2.0 * std::numbers::pi);  // 44.2 mm
const std::vector<Documented> kDocumented = {
    {"palm", ToolShape::box, 0.010, 0.0, Vec3(0.050, 0.040, 0.014), Vec3(0.100, 0.080, 0.028)},
    {"thumb_pad", ToolShape::sphere, 0.01075, 0.0, Vec3::Zero(), Vec3::Constant(0.0215)},
    {"fingertips", ToolShape::capsule, 0.0085, 0.034, Vec3::Zero(), Vec3(0.051, 0.017, 0.017)},
    {"knuckles", ToolShape::capsule, 0.010, 0.060, Vec3::Zero(), Vec3(0.080, 0.020, 0.020)},
    {"ulnar_edge", ToolShape::capsule, 0.014, 0.072, Vec3::Zero(), Vec3(0.100, 0.028, 0.028)},
    {"forearm", ToolShape::capsule, kForearmRadius, 0.270 - 2 * kForearmRadius, Vec3::Zero(),
     Vec3(0.270, 2 * kForearmRadius, 2 * kForearmRadius)},
    {"elbow", ToolShape::sphere, 0.015, 0.0, Vec3::Zero(), Vec3::Constant(0.030)},
    {"massage_ball", ToolShape::sphere, 0.032, 0.0, Vec3::Zero(), Vec3::Constant(0.064)},
};

// 1e-12 m: the sizes are sums and halves of survey figures given to 1 mm.
constexpr double kSizeTolerance = 1e-12;

}  // namespace

TEST_CASE("contact surfaces: the catalogue has the issue's surfaces, once each", "[hand]") {
  std::set<std::string> names;
  for (const ContactSurfaceSpec& s : contact_surfaces()) {
    CHECK(names.insert(std::string(s.name)).second);
    CHECK(find_contact_surface(s.name) == &s);
    CHECK(!s.source.empty());
  }
  CHECK(names == std::set<std::string>{"palm", "thumb_pad", "fingertips", "knuckles", "ulnar_edge", "forearm",
                                       "elbow", "massage_ball"});
  CHECK(find_contact_surface("hand") == nullptr);
}

TEST_CASE("contact surfaces: the documented sizes, and Bullet's extents equal them", "[hand][bullet]") {
  for (const Documented& d : kDocumented) {
    INFO(d.name);
    const ContactSurfaceSpec* s = find_contact_surface(d.name);
    REQUIRE(s != nullptr);
    const ToolSpec spec = contact_surface_tool(*s, {1.0, 0.0});
    CHECK(spec.shape == d.shape);
    CHECK(std::abs(spec.radius - d.radius) < kSizeTolerance);
    if (d.shape == ToolShape::capsule) CHECK(std::abs(spec.length - d.length) < kSizeTolerance);
    if (d.shape == ToolShape::box) CHECK((spec.half_extents - d.half_extents).cwiseAbs().maxCoeff() < kSizeTolerance);
    // A valid tool: Bullet accepts it, and its box at the identity rotation is the
    // surface's overall size (the margin counted once, the capsule along its axis).
    ToolGeometry tool = ToolGeometry::from_spec(spec);
    tool.rotation = Mat3::Identity();
    const auto shape = make_bullet_tool_shape(tool);
    btVector3 lo, hi;
    shape->getAabb(bullet_tool_transform(tool, Vec3::Zero()), lo, hi);
    CHECK((from_bullet(hi) - from_bullet(lo) - d.overall).cwiseAbs().maxCoeff() < kSizeTolerance);
    // The tool rests on the skin with its lowest point: half its thickness.
    CHECK(std::abs(tool.bottom_offset() - 0.5 * d.overall.z()) < kSizeTolerance);
  }
  // The overall sizes are the survey's: the knuckle row as wide as the hand, the
  // fingertips three finger breadths, the palm a palm long and a hand wide.
  CHECK(std::abs(kDocumented[3].overall.x() - hand::kHandBreadth.mixed()) < kSizeTolerance);
  CHECK(std::abs(kDocumented[2].overall.x() - 3 * hand::kFingerBreadthDistal.mixed()) < kSizeTolerance);
  CHECK(std::abs(kDocumented[0].overall.x() - hand::kPalmLength.mixed()) < kSizeTolerance);
  CHECK(std::abs(kDocumented[0].overall.y() - hand::kHandBreadth.mixed()) < kSizeTolerance);
  CHECK(std::abs(2 * std::numbers::pi * kForearmRadius - hand::kForearmCircumference.mixed()) < kSizeTolerance);
}

TEST_CASE("contact surfaces: a tool lies along or across the stroke", "[hand]") {
  const std::array<double, 2> stroke{3.0, 4.0};  // not unit: normalised
  const ToolSpec palm = contact_surface_tool(*find_contact_surface("palm"), stroke);
  CHECK((palm.axis - Vec3(0.6, 0.8, 0.0)).norm() < 1e-15);
  const ToolSpec forearm = contact_surface_tool(*find_contact_surface("forearm"), stroke);
  CHECK((forearm.axis - Vec3(-0.8, 0.6, 0.0)).norm() < 1e-15);
  // A forearm across a cranial stroke (+y) is long in x: Bullet's box shows it.
  const ToolGeometry across = ToolGeometry::from_spec(contact_surface_tool(*find_contact_surface("forearm"), {0.0, 1.0}));
  btVector3 lo, hi;
  make_bullet_tool_shape(across)->getAabb(bullet_tool_transform(across, Vec3::Zero()), lo, hi);
  CHECK(std::abs(hi.x() - lo.x() - 0.270) < kSizeTolerance);
  CHECK(std::abs(hi.y() - lo.y() - 2 * kForearmRadius) < kSizeTolerance);
  CHECK_THROWS(contact_surface_tool(*find_contact_surface("palm"), {0.0, 0.0}));
}

TEST_CASE("skin friction presets: named, ordered by lubrication, inside their evidence", "[hand]") {
  std::set<std::string> names;
  double previous = 0;
  for (const FrictionPreset& p : friction_presets()) {
    INFO(p.name);
    names.insert(std::string(p.name));
    CHECK(find_friction_preset(p.name) == &p);
    CHECK(p.low <= p.coefficient);
    CHECK(p.coefficient <= p.high);
    CHECK(p.coefficient >= previous);  // listed from the most to the least lubricated
    previous = p.coefficient;
  }
  CHECK(names == std::set<std::string>{"oiled", "lotion", "dry", "clothed"});
  CHECK(find_friction_preset("wet") == nullptr);
  // Dry skin: Derler & Gerhardt 2012 found 0.2-0.8 (typically 0.5); Veijgen et al.
  // 2013 a median dynamic coefficient of 0.36. Oil lubricates: well below dry.
  const double dry = find_friction_preset("dry")->coefficient;
  CHECK(dry >= 0.2);
  CHECK(dry <= 0.8);
  CHECK(find_friction_preset("oiled")->coefficient <= 0.5 * dry);
}
