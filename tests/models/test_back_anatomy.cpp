// The generated back: labels at known anatomical points, fibre directions, region
// volumes, bone, landmarks and tone.
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numbers>

using namespace backsim;
using namespace backsim::models;
using backsim::test::healthy_back;

namespace {

std::string region_at(const BackModel& model, const Vec3& p) {
  const auto t = test::tet_containing(model.mesh, p);
  REQUIRE(t.has_value());
  return model.mesh.region_names[static_cast<std::size_t>(model.mesh.region[*t])];
}

double degrees_between_lines(const Vec3& a, const Vec3& b) {
  // fibres are lines: the sign of a direction is arbitrary
  return std::acos(std::min(1.0, std::fabs(a.normalized().dot(b.normalized())))) * 180.0 / std::numbers::pi;
}

}  // namespace

TEST_CASE("the midline at T4 is over a spinous process, 5-10 mm under the skin", "[models]") {
  const BackModel& model = healthy_back(Resolution::standard);
  const BackAnatomy anatomy(model.subject);
  for (const char* level : {"T4", "T8", "L3"}) {
    INFO(level);
    const Vec3 skin = anatomy.landmarks.skin_point(level, 0.0);
    const Vec3 inward = -anatomy.geometry.outward_normal(0.0, skin.y());
    const auto hit = test::first_hit(model.mesh, model.bone_surface.tris, skin, inward);
    REQUIRE(hit.has_value());
    CHECK(bone_name(model.bone_surface.bone[hit->second]) == "spinous_process");
    // physics.md section 1: only 5-10 mm of tissue over the spinous processes
    CHECK(hit->first >= 0.005);
    CHECK(hit->first <= 0.010);
  }
  // 4 cm lateral the ray passes the paraspinal muscles to the lamina: far deeper.
  const Vec3 skin = anatomy.landmarks.skin_point("L3", 0.04);
  const auto hit = test::first_hit(model.mesh, model.bone_surface.tris, skin, -anatomy.geometry.outward_normal(0.04, skin.y()));
  REQUIRE(hit.has_value());
  CHECK(hit->first > 0.04);
  CHECK(bone_name(model.bone_surface.bone[hit->second]) == "vertebra");
}

TEST_CASE("labels at known anatomical points", "[models]") {
  const BackModel& model = healthy_back(Resolution::standard);
  const BackAnatomy anatomy(model.subject);
  const Landmarks& l = anatomy.landmarks;
  const auto y = [&](const char* level) { return l.get(level).footprint.y(); };
  // the example: 5 cm lateral at L3, 3 cm deep is erector spinae (left = -x)
  CHECK(region_at(model, l.point_below_skin({-0.05, y("L3")}, 0.03)) == "erector_spinae_lumbar_left");
  CHECK(region_at(model, l.point_below_skin({0.05, y("L3")}, 0.03)) == "erector_spinae_lumbar_right");
  CHECK(region_at(model, l.point_below_skin({0.05, y("L3")}, 0.001)) == "skin");
  CHECK(region_at(model, l.point_below_skin({0.05, y("L3")}, 0.008)) == "fat");
  // the upper trapezius trigger point: midway between C7 and the acromion, under the fascia
  CHECK(region_at(model, l.point_below_fascia(l.between("C7", "acromion_right", 0.5), 0.002)) == "trapezius_upper_right");
  CHECK(region_at(model, l.point_below_fascia(l.between("C7", "acromion_left", 0.5), 0.002)) == "trapezius_upper_left");
  // lower trapezius beside the lower thoracic spines (its lateral border rises steeply
  // from T12 to the root of the scapular spine), latissimus over the lower ribs
  CHECK(region_at(model, l.point_below_fascia({0.025, y("T8")}, 0.002)) == "trapezius_lower_right");
  CHECK(region_at(model, l.point_below_fascia({0.13, y("T11")}, 0.002)) == "latissimus_dorsi_right");
  // middle trapezius beside T2, rhomboids under it at T3-T4 between spine and scapula
  CHECK(region_at(model, l.point_below_fascia({0.05, y("T2")}, 0.002)) == "trapezius_middle_right");
  const double under_trapezius = anatomy.profile.at(0.04, y("T4"))[Layer::muscle_superficial] + 0.002;
  CHECK(region_at(model, l.point_below_fascia({0.04, y("T4")}, under_trapezius)) == "rhomboids_right");
  // multifidus beside the L5 spinous process; quadratus lumborum deep and lateral at L3
  CHECK(region_at(model, l.point_below_fascia({-0.02, y("L5")}, 0.02)) == "multifidus_left");
  const LayerThickness at_ql = anatomy.profile.at(0.092, y("L3"));
  CHECK(region_at(model, l.point_below_skin({0.092, y("L3")}, at_ql.total() - 0.003)) == "quadratus_lumborum_right");
  // lumbar fascia is the thoracolumbar fascia
  const LayerThickness at_l3 = anatomy.profile.at(0.05, y("L3"));
  CHECK(region_at(model, l.point_below_skin({0.05, y("L3")}, at_l3.depth_of(Layer::fascia) + 0.5 * at_l3[Layer::fascia])) ==
        "thoracolumbar_fascia");
}

TEST_CASE("fibres are unit and within 20 degrees of each muscle's anatomical direction", "[models]") {
  const BackModel& model = healthy_back(Resolution::coarse);
  const BackAnatomy anatomy(model.subject);
  const BackGeometry& g = anatomy.geometry;
  // Expected in-plane direction at footprint p (right side; mirrored for the left),
  // from the anatomical descriptions (Standring 2016), independent of the atlas's
  // fan construction except for the bony landmarks.
  const auto expected = [&](Muscle m, Vec2 p) -> std::optional<Vec2> {
    switch (m) {
      case Muscle::erector_spinae_thoracic:
      case Muscle::erector_spinae_lumbar:
      case Muscle::multifidus:          // oblique-vertical: 15 deg off vertical
      case Muscle::quadratus_lumborum:  // iliac crest to 12th rib: near vertical
        return Vec2(0.0, 1.0);
      case Muscle::trapezius_middle: return Vec2(1.0, 0.0);  // horizontal
      case Muscle::trapezius_lower: {  // up-lateral, toward the medial end of the scapular spine
        const Vec2 d = g.scapular_spine_root() - p;
        if (d.norm() < 0.03) return std::nullopt;  // the direction to a point is undefined next to it
        return d;
      }
      case Muscle::trapezius_upper: {  // down-lateral, toward the acromion
        const Vec2 d = g.acromion() - p;
        if (d.norm() < 0.04) return std::nullopt;
        return d;
      }
      case Muscle::latissimus_dorsi: return g.latissimus_insertion() - p;  // up-lateral toward the humerus
      case Muscle::rhomboids: {  // down-lateral toward the medial border, ~35 deg below horizontal
        const double a = 35.0 * std::numbers::pi / 180.0;
        return Vec2(std::cos(a), -std::sin(a));
      }
      case Muscle::other_muscle: return std::nullopt;  // lumped, nominal direction only
    }
    return std::nullopt;
  };
  std::map<std::string, int> checked;
  for (Index t = 0; t < model.mesh.tet_count(); ++t) {
    const BackRegion r = back_region(model.mesh.region[t]);
    const Vec3& f = model.mesh.fibre[t];
    if (!r.is_muscle) continue;
    REQUIRE(std::fabs(f.norm() - 1.0) < 1e-12);
    Vec2 p = model.tet_footprint[t];
    const bool right = r.side == Side::right;
    REQUIRE(right == (p.x() > 0));
    p.x() = std::fabs(p.x());
    std::optional<Vec2> e = expected(r.muscle, p);
    if (!e) continue;
    if (!right) e->x() = -e->x();
    const Vec2 q = model.tet_footprint[t];
    const Vec3 e3 = g.surface_direction(q.x(), q.y(), *e);
    INFO(region_name(model.mesh.region[t]) << " at (" << q.x() << ", " << q.y() << ")");
    CHECK(degrees_between_lines(f, e3) <= 20.0);
    ++checked[std::string(muscle_name(r.muscle))];
  }
  // every muscle with a rule was sampled
  CHECK(checked.size() == static_cast<std::size_t>(kMuscleCount - 1));
  // non-fibrous tissue has no fibre (zero), the thoracolumbar fascia has one
  for (Index t = 0; t < model.mesh.tet_count(); ++t) {
    const BackRegion r = back_region(model.mesh.region[t]);
    if (!r.is_muscle && r.tissue != Tissue::thoracolumbar_fascia) REQUIRE(model.mesh.fibre[t].isZero());
    if (!r.is_muscle && r.tissue == Tissue::thoracolumbar_fascia) REQUIRE(std::fabs(model.mesh.fibre[t].norm() - 1.0) < 1e-12);
  }
}

TEST_CASE("region volumes fall in plausible adult ranges", "[models]") {
  // Ranges for the part of each tissue inside the model (C7-S1, scapula to scapula),
  // per side for muscles, in cm^3. They are order-of-magnitude bounds from area or
  // cross-section x length, deliberately wide (a factor of about 2 each way):
  //  - skin: posterior trunk 13 % of a 1.6-2.2 m^2 body surface (Lund-Browder chart)
  //    = 0.21-0.29 m^2 (more with the shoulders), x 1.5-3 mm dermis -> 300-900.
  //  - fat: the same area x 5-25 mm (physics.md) -> 1000-7000.
  //  - lumbar erector spinae (L1-S1, ~18 cm): MRI/CT cross-sections of 12-25 cm^2
  //    per side at L3-L4 (e.g. Fortin & Macedo 2013, Phys Ther 93:873) -> 150-450.
  //  - thoracic erector spinae (T1-T12, ~33 cm): 6-15 cm^2 -> 200-550.
  //  - multifidus (thoracic band + lumbar, largest at L4-S1, 6-10 cm^2 there) -> 80-350.
  //  - quadratus lumborum (12th rib to iliac crest, ~12-15 cm, 4-9 cm^2) -> 50-180.
  //  - trapezius below the occiput (sheet of ~300-400 cm^2, 3-10 mm thick) -> 60-350.
  //  - latissimus dorsi in the back (its humeral end is outside the model; whole
  //    muscle ~150-350 cm^3, Holzbaur 2007 J Biomech 40:742 scale) -> 80-350.
  //  - rhomboids (sheet ~80-120 cm^2, 4-8 mm) -> 25-120.
  const BackModel& model = healthy_back(Resolution::standard);
  std::map<std::string, double> volume;
  for (Index t = 0; t < model.mesh.tet_count(); ++t) {
    const BackRegion r = back_region(model.mesh.region[t]);
    const std::string name = r.is_muscle ? std::string(muscle_name(r.muscle)) + (r.side == Side::right ? "" : "_left")
                                         : region_name(model.mesh.region[t]);
    const double v = signed_volume(model.mesh, t) * 1e6;
    volume[name] += v;
  }
  const auto check = [&](const std::string& name, double lo, double hi) {
    INFO(name << " = " << volume[name] << " cm^3, allowed " << lo << " to " << hi);
    CHECK(volume[name] >= lo);
    CHECK(volume[name] <= hi);
  };
  check("skin", 300, 900);
  check("fat", 1000, 7000);
  check("erector_spinae_lumbar", 150, 450);
  check("erector_spinae_thoracic", 200, 550);
  check("multifidus", 80, 350);
  check("quadratus_lumborum", 50, 180);
  check("latissimus_dorsi", 80, 350);
  check("rhomboids", 25, 120);
  const double trapezius = volume["trapezius_upper"] + volume["trapezius_middle"] + volume["trapezius_lower"];
  INFO("trapezius " << trapezius);
  CHECK(trapezius >= 60);
  CHECK(trapezius <= 350);
  // Left and right mirror each other. Not exactly: the Kuhn split of a mirrored hex
  // uses the other face diagonals, and the hexes' faces are slightly warped by the
  // curvature, so their tet volumes differ at ~1e-3.
  CHECK(volume["erector_spinae_lumbar_left"] == Approx(volume["erector_spinae_lumbar"]).epsilon(0.01));
}

TEST_CASE("the deep surface is held and lies on bone or the abdominal wall", "[models]") {
  const BackModel& model = healthy_back(Resolution::coarse);
  std::vector<std::uint8_t> held(model.mesh.node_count(), 0);
  for (Index v : model.held_nodes) held[v] = 1;
  std::map<Bone, int> count;
  for (std::size_t f = 0; f < model.bone_surface.tris.size(); ++f) {
    for (Index v : model.bone_surface.tris[f]) REQUIRE(held[v]);
    ++count[model.bone_surface.bone[f]];
  }
  // every kind of support occurs
  for (int b = 0; b < kBoneCount; ++b) CHECK(count[static_cast<Bone>(b)] > 0);
  // every held node is on the bone surface
  std::vector<std::uint8_t> on_surface(model.mesh.node_count(), 0);
  for (const Tri& tri : model.bone_surface.tris)
    for (Index v : tri) on_surface[v] = 1;
  for (Index v : model.held_nodes) REQUIRE(on_surface[v]);
  // no skin node is held
  for (Index t = 0; t < model.mesh.tet_count(); ++t)
    if (model.tet_layer[t] == static_cast<std::uint8_t>(Layer::skin))
      for (Index v : model.mesh.tets[t]) REQUIRE_FALSE(held[v]);
}

TEST_CASE("landmarks are addressable by name and lie on the skin", "[models]") {
  const BackAnatomy anatomy(preset_subject(Condition::healthy));
  const Landmarks& l = anatomy.landmarks;
  for (int i = 1; i < kLevelCount; ++i) CHECK(l.get(level_name(i)).footprint.y() < l.get(level_name(i - 1)).footprint.y());
  // T1 to L5 is the subject's back length
  CHECK(l.get("T1").footprint.y() - l.get("L5").footprint.y() == Approx(0.50));
  CHECK(l.get("acromion_left").footprint.x() == Approx(-0.195));
  const Vec3 p = l.skin_point("T7", -0.04);
  CHECK(p.x() == -0.04);
  CHECK(p.z() == Approx(anatomy.geometry.skin_z(-0.04, l.get("T7").footprint.y())));
  CHECK_THROWS_WITH(l.get("T13"), Catch::Contains("unknown landmark \"T13\""));
}

TEST_CASE("presets carry their tone maps and stiffness", "[models]") {
  const BackModel desk = generate_back(preset_subject(Condition::desk_worker), Resolution::coarse);
  const BackModel healthy = generate_back(preset_subject(Condition::healthy), Resolution::coarse);
  double max_upper_trap = 0, max_healthy = 0;
  for (Index t = 0; t < desk.mesh.tet_count(); ++t) {
    const BackRegion r = back_region(desk.mesh.region[t]);
    if (r.is_muscle && r.muscle == Muscle::trapezius_upper) max_upper_trap = std::max(max_upper_trap, desk.tet_tone[t]);
    max_healthy = std::max(max_healthy, healthy.tet_tone[t]);
  }
  CHECK(max_healthy == Approx(0.03));
  CHECK(max_upper_trap > 0.10);  // zone 0.10 plus the trigger point
  CHECK(desk.trigger_points.size() == 4);
  const std::vector<MaterialParams> lbp = generate_back(preset_subject(Condition::low_back_pain), Resolution::coarse).region_material;
  const auto id = region_id(Muscle::erector_spinae_lumbar, Side::left);
  // Wu 2020: 319 vs 277 N/m, on the elastography modulus at baseline tone: the matrix's
  // shear modulus E / (2 (1 + nu)) plus the tone's tension a sigma_max (docs/physiology.md)
  const auto elastography = [](const MaterialParams& p, double tone) {
    return p.youngs_modulus / (2 * (1 + p.poisson_ratio)) + tone * p.max_active_stress;
  };
  const double tone = preset_subject(Condition::healthy).baseline_tone;
  REQUIRE(preset_subject(Condition::low_back_pain).baseline_tone == tone);
  CHECK(elastography(lbp[static_cast<std::size_t>(id)], tone) /
            elastography(healthy.region_material[static_cast<std::size_t>(id)], tone) ==
        Approx(319.0 / 277.0));
  CHECK(preset_subject(Condition::pregnancy).posture == Posture::side_lying);
}
