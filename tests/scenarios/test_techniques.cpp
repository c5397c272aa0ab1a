// Techniques, hand surfaces, anatomical paths, zones and postures in scenario files:
// what each key resolves to, and that the resolved text reads back exactly.
#include "engine/sim/simulation.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/techniques.hpp"
#include "models/back/back_geometry.hpp"
#include "models/hand/contact_surfaces.hpp"
#include "models/hand/skin_friction.hpp"
#include "tests/scenarios/spec_comparison.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace backsim;

namespace {

// A protocol on the coarse back: effleurage with the palm, then circular friction with
// the thumb, then tapotement with the ulnar edge, over an injury zone.
const char* kProtocol = R"(
[geometry]
type = "back"
resolution = "coarse"
posture = "side_lying_left"
[tool]
skin = "oiled"
[motion]
technique = "effleurage"
path = [["T7", "-4 cm"], ["L5", "-4 cm"]]
repetitions = 3
[[motion.then]]
technique = "friction_circular"
path = [["L2", "-5 cm"]]
hold_time = "4 s"
[[motion.then]]
technique = "tapotement"
path = [["T8", "-6 cm"], ["T8", "6 cm"]]
[[zone]]
name = "strain"
centre = ["T12", "-4 cm"]
radius = "1.5 cm"
[solver]
integration = "backward_euler"
time_step = "5 ms"
)";

}  // namespace

TEST_CASE("a technique fills a stroke's defaults, its hand surface and control - keys override them", "[scenarios][technique]") {
  const Scenario s = parse_scenario(kProtocol, "<protocol>");
  const SimulationSpec& spec = s.spec;
  const Technique& effleurage = *find_technique("effleurage");
  CHECK(spec.motion.control == ToolControl::force);
  CHECK(spec.motion.normal_force == effleurage.normal_force);
  CHECK(spec.motion.speed == effleurage.speed);
  CHECK(spec.motion.repetitions == 3);
  // tool 0 is the palm, laid as the surface catalogue lays it, with the oiled skin's friction
  const ToolSpec palm = contact_surface_tool(*find_contact_surface("palm"), {0.0, -1.0});
  CHECK(spec.tool.shape == palm.shape);
  CHECK(spec.tool.half_extents == palm.half_extents);
  CHECK(spec.tool.friction == find_friction_preset("oiled")->coefficient);
  // the friction stroke changes to the thumb, keeps its own hold time, circles
  REQUIRE(spec.following.size() == 2);
  const MotionSpec& friction = spec.following[0];
  CHECK(friction.tool == 1);
  CHECK(friction.hold_time == 4.0);
  CHECK(friction.oscillation == PathOscillation::circle);
  CHECK(friction.oscillation_frequency == find_technique("friction_circular")->oscillation_frequency);
  // tapotement: the ulnar edge, kinematic strikes
  const MotionSpec& tapotement = spec.following[1];
  CHECK(tapotement.tool == 2);
  CHECK(tapotement.control == ToolControl::kinematic);
  CHECK(tapotement.percussion_frequency > 0);
  REQUIRE(spec.other_tools.size() == 2);
  CHECK(spec.other_tools[0].friction == spec.tool.friction);  // one skin for every tool
  // lying on the left side: gravity toward the patient's left
  CHECK(spec.solver.gravity == Vec3(-9.81, 0, 0));
}

TEST_CASE("path points name vertebral levels and lateral offsets", "[scenarios][technique]") {
  const Scenario s = parse_scenario(kProtocol, "<protocol>");
  const models::BackGeometry back(s.model.back.subject());
  // the effleurage path, rerouted round the zone: starts at T7 and ends at L5, 4 cm left
  const auto& path = s.spec.motion.path;
  CHECK(path.front()[0] == Approx(-0.04));
  CHECK(path.front()[1] == back.level_y(*models::level_index("T7")));
  CHECK(path.back()[1] == back.level_y(*models::level_index("L5")));
}

TEST_CASE("strokes go round a zone to avoid and keep the tool's reach and a margin from it", "[scenarios][zone]") {
  const Scenario s = parse_scenario(kProtocol, "<protocol>");
  REQUIRE(s.spec.zones.size() == 2);  // the injury, and the spine every back watches
  CHECK(s.spec.zones[1].name == "spinous_processes");
  CHECK(s.spec.zones[1].shape == ZoneShape::rectangle);
  const ZoneSpec& zone = s.spec.zones[0];
  const Eigen::Vector2d c(zone.centre[0], zone.centre[1]);
  const auto& path = s.spec.motion.path;
  CHECK(path.size() > 2);  // the straight glide was bent round the zone
  // palm reach: its half diagonal; every point of the polyline keeps zone + reach + 1 cm
  const double reach = std::hypot(s.spec.tool.half_extents.x(), s.spec.tool.half_extents.y());
  double closest = 1e9;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Eigen::Vector2d a(path[i - 1][0], path[i - 1][1]), b(path[i][0], path[i][1]);
    for (int k = 0; k <= 50; ++k) closest = std::min(closest, (a + (b - a) * (k / 50.0) - c).norm());
  }
  // chords of the 15-degree arc pieces cut inside the circle by r (1 - cos 7.5 deg) < 0.9 %
  CHECK(closest >= (zone.radius + reach + 0.01) * (1 - 0.009));
  // without avoidance the path stays straight
  std::string text = kProtocol;
  text.replace(text.find("radius = \"1.5 cm\""), 17, "radius = \"1.5 cm\"\navoid = false");
  const Scenario straight = parse_scenario(text, "<protocol>");
  CHECK(straight.spec.motion.path.size() == 2);
}

TEST_CASE("a protocol survives write -> parse exactly", "[scenarios][technique]") {
  const Scenario loaded = parse_scenario(kProtocol, "<protocol>");
  const Scenario again = parse_scenario(loaded.resolved_text, "<resolved>");
  test::require_same_spec(again.spec, loaded.spec);
  CHECK(again.resolved_text == loaded.resolved_text);
}

TEST_CASE("a stroke's path can follow a named muscle's fibres", "[scenarios][technique]") {
  const std::string text = R"(
[geometry]
type = "back"
resolution = "coarse"
[motion]
technique = "stripping"
fibre_path = { muscle = "erector_spinae_lumbar", side = "left", start = ["L4", "-4 cm"], length = "10 cm" }
[[motion.then]]
technique = "friction_cross_fibre"
fibre_path = { muscle = "erector_spinae_lumbar", side = "right", run = "across", start = ["L3", "3.5 cm"], length = "2 cm" }
)";
  const Scenario s = parse_scenario(text, "<fibres>");
  const models::BackGeometry back(s.model.back.subject());
  const auto& along = s.spec.motion.path;
  REQUIRE(along.size() == 11);  // a point every centimetre (kFibrePathSpacing)
  CHECK(along.front()[0] == -0.04);
  CHECK(along.front()[1] == back.level_y(*models::level_index("L4")));
  CHECK(along.back()[1] > along.front()[1] + 0.09);  // up the vertical fibres
  const auto& across = s.spec.following.at(0).path;
  REQUIRE(across.size() == 3);
  CHECK(across.back()[0] > across.front()[0] + 0.019);  // lateral on the right: +x
  CHECK(std::fabs(across.back()[1] - across.front()[1]) < 1e-3);
  // the resolved file lists the traced points: it reads back to the same strokes
  const Scenario again = parse_scenario(s.resolved_text, "<resolved>");
  CHECK(again.spec.motion.path == along);
  CHECK(again.spec.following.at(0).path == across);
}

TEST_CASE("technique and zone errors name the key and what is allowed", "[scenarios][technique]") {
  const auto error_of = [](const std::string& text) {
    try {
      parse_scenario(text, "<t>");
    } catch (const InvalidScenario& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "[geometry]\ntype = \"back\"\nresolution = \"coarse\"\n";
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"shiatsu\"\npath = [[\"T10\", 0]]\n"),
             Catch::Contains("is not a technique; allowed: \"effleurage\""));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"effleurage\"\npath = [[\"T99\", 0]]\n"),
             Catch::Contains("is not a vertebral level"));
  CHECK_THAT(error_of("[tool]\nshape = \"sphere\"\n[motion]\ncontrol = \"kinematic\"\npath = [[\"T10\", 0]]\n"),
             Catch::Contains("only geometry.type = \"back\" has vertebrae"));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"effleurage\"\npercussion_amplitude = \"1 cm\"\n"
                             "percussion_frequency = \"5 Hz\"\npath = [[\"T10\", 0]]\n"),
             Catch::Contains("needs control = \"kinematic\""));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"trigger_point\"\npath = [[\"T10\", \"-4 cm\"]]\n"
                             "[[zone]]\ncentre = [\"T10\", \"-4 cm\"]\nradius = \"1 cm\"\n"),
             Catch::Contains("is made at one point"));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"tapotement\"\npath = [[\"T10\", 0], [\"T8\", 0]]\n"),
             Catch::Contains("strikes (percussion) need inertia"));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"stripping\"\nfibre_path = { muscle = \"biceps\", side = \"left\", "
                             "start = [\"L4\", \"-4 cm\"], length = \"5 cm\" }\n"),
             Catch::Contains("motion.fibre_path.muscle = \"biceps\" is not allowed; allowed: \"trapezius_upper\""));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"stripping\"\nfibre_path = { muscle = \"rhomboids\", side = \"left\", "
                             "start = [\"L4\", \"-4 cm\"], length = \"5 cm\" }\n"),
             Catch::Contains("<t>:6:61: motion.fibre_path: the start"));
  CHECK_THAT(error_of(head + "[motion]\ntechnique = \"stripping\"\npath = [[\"L4\", 0]]\nfibre_path = { muscle = \"rhomboids\", "
                             "side = \"left\", start = [\"L4\", \"-4 cm\"], length = \"5 cm\" }\n"),
             Catch::Contains("both give the stroke's path; keep one"));
  CHECK_THAT(error_of("[motion]\ncontrol = \"kinematic\"\nfibre_path = { muscle = \"rhomboids\", side = \"left\", "
                      "start = [0, 0], length = \"5 cm\" }\n"),
             Catch::Contains("needs a back with muscles"));
  CHECK_THAT(error_of(head + "[tool]\nsurface = \"toe\"\n[motion]\ncontrol = \"force\"\npath = [[\"T10\", 0]]\n"),
             Catch::Contains("is not a contact surface; allowed: \"palm\""));
}

TEST_CASE("every technique is listed with a surface the catalogue has and a documented source", "[scenarios][technique]") {
  REQUIRE(techniques().size() >= 10);
  for (const Technique& t : techniques()) {
    INFO(t.name);
    CHECK(find_contact_surface(t.tool) != nullptr);
    CHECK(!t.source.empty());
    CHECK((t.control == ToolControl::force ? t.normal_force : t.press_depth) > 0);
    CHECK(t.dynamic == (t.percussion_amplitude > 0));
  }
}

TEST_CASE("with avoidance the load inside an injury zone is zero - without it the run reports it", "[scenarios][zone]") {
  // a 1 cm sphere glides 8 cm across a 12 x 8 cm block, over a zone in the middle
  const auto run = [](bool avoid) {
    std::string text = R"(
[geometry]
type = "block"
size = ["12 cm", "8 cm", "2 cm"]
cells = [24, 16, 4]
[tool]
shape = "sphere"
radius = "1 cm"
friction = 0.2
[motion]
control = "force"
normal_force = "1 N"
max_depth = "8 mm"
path = [["-4 cm", "0 cm"], ["4 cm", "0 cm"]]
speed = "10 cm/s"
[[zone]]
name = "strain"
centre = ["0 cm", "0.5 cm"]
radius = "0.5 cm"
avoid = AVOID
[solver]
time_step = "0.05 s"
[output]
interval = "0.5 s"
)";
    text.replace(text.find("AVOID"), 5, avoid ? "true" : "false");
    const Scenario s = parse_scenario(text, "<zone>");
    const Model m = build_model(scenario_model_inputs(s));
    State state = initial_state(m);
    Scratch w = make_scratch(m);
    struct Quiet : SimulationObserver {
      void on_frame(const Model&, const State&) override {}
      void on_step(const Model&, const State&, const StepStats&) override {}
    } quiet;
    run_simulation(m, state, w, quiet);
    REQUIRE(state.totals.zones.size() == 1);
    return state.totals.zones[0];
  };
  const ZoneLoad spared = run(true);
  const ZoneLoad crossed = run(false);
  CHECK(spared.impulse == 0.0);  // exactly: no contact point of the zone ever touched the tool
  CHECK(spared.peak_pressure == 0.0);
  CHECK(crossed.impulse > 0.0);
  CHECK(crossed.peak_force > 0.1);  // a good part of the 1 N while the sphere passes over it
}
