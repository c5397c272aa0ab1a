// write_scenario_toml: every key written in SI numbers, and read back exactly.
#include "scenarios/scenario.hpp"
#include "tests/scenarios/spec_comparison.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

using namespace backsim;

namespace {

// A spec that differs from the defaults wherever a file can express it, with a box
// tool under force control (fields that do not apply keep their defaults, as the
// loader leaves them).
SimulationSpec non_default_box_spec() {
  SimulationSpec spec;
  spec.geometry.size = Vec3(0.31, 0.17, 0.053);
  spec.geometry.cells = {13, 7, 5};
  spec.geometry.grading = 2.7;
  spec.material.youngs_modulus = 12345.678;
  spec.material.poisson_ratio = 0.4321;
  spec.material.density = 987.6;
  spec.boundary.fix_sides = true;
  spec.tool.shape = ToolShape::box;
  spec.tool.radius = 0.0;
  spec.tool.half_extents = Vec3(0.041, 0.013, 0.007);
  spec.tool.axis = Vec3(0.6, 0.8, 0.0);
  spec.tool.friction = 1.0 / 3.0;  // not a short decimal: needs all 17 digits
  spec.tool.mass = 0.75;
  spec.tool.damping = 12.5;
  spec.motion.control = ToolControl::force;
  spec.motion.path = {{-0.1, -0.05}, {0.1 / 3.0, 0.0}, {0.12, 0.07}};
  spec.motion.normal_force = 5.0;
  spec.motion.max_depth = 0.021;
  spec.motion.press_time = 0.3;
  spec.motion.hold_time = 0.25;
  spec.motion.speed = 0.07;
  spec.motion.start_time = 0.4;
  spec.solver.integration = TimeIntegration::backward_euler;
  spec.solver.time_step = 0.003;
  spec.solver.duration = 2.5;
  spec.solver.gravity = Vec3(0.1, -0.2, -9.80665);
  spec.solver.max_newton_iterations = 77;
  spec.solver.newton_tolerance = 3e-7;
  spec.solver.max_cg_iterations = 4321;
  spec.solver.cg_tolerance = 1e-10;
  spec.solver.preconditioner = Preconditioner::cholesky;  // not the default
  spec.solver.contact_stiffness_scale = 250.5;
  spec.solver.friction_velocity = 2e-4;
  spec.solver.friction_passes = 7;
  spec.solver.friction_lag_tolerance = 1e-6;
  spec.solver.cycle_jump_tolerance = 0.0025;
  spec.solver.max_jumped_cycles = 17;
  spec.solver.solved_periods = 3;
  spec.output.interval = 0.03;
  spec.run.threads = 6;
  spec.run.seed = 9'007'199'254'740'993;  // 2^53 + 1: would be lost if read as a double
  return spec;
}

SimulationSpec round_trip(const SimulationSpec& spec) {
  const std::string text = write_scenario_toml(spec);
  INFO(text);
  return parse_scenario(text, "<resolved>").spec;
}

}  // namespace

TEST_CASE("the demo survives write -> parse exactly", "[scenarios]") {
  const SimulationSpec demo = parse_scenario(builtin_demo_scenario_text(), "<builtin:demo>").spec;
  test::require_same_spec(round_trip(demo), demo);
}

TEST_CASE("a non-default box spec under force control survives write -> parse exactly", "[scenarios]") {
  const SimulationSpec spec = non_default_box_spec();
  // Guard against a vacuous test: the spec really differs from the defaults.
  REQUIRE(spec.tool.shape != SimulationSpec{}.tool.shape);
  REQUIRE(spec.motion.control != SimulationSpec{}.motion.control);
  test::require_same_spec(round_trip(spec), spec);
}

TEST_CASE("a capsule spec survives write -> parse exactly", "[scenarios]") {
  SimulationSpec spec = non_default_box_spec();
  spec.tool.shape = ToolShape::capsule;
  spec.tool.radius = 0.017;
  spec.tool.length = 0.055;
  spec.tool.half_extents = SimulationSpec{}.tool.half_extents;  // not a capsule key
  spec.tool.axis = Vec3(1.0, 2.0, 0.0).normalized();
  spec.motion.control = ToolControl::kinematic;
  spec.motion.press_depth = 0.0123;
  spec.motion.normal_force = SimulationSpec{}.motion.normal_force;  // force-only keys
  spec.motion.max_depth = SimulationSpec{}.motion.max_depth;
  test::require_same_spec(round_trip(spec), spec);
}

TEST_CASE("a loaded example survives parse -> write -> parse exactly", "[scenarios]") {
  const Scenario loaded =
      load_scenario_file(std::string(BACKSIM_SOURCE_DIR) + "/scenarios/examples/force_glide.toml");
  const Scenario again = parse_scenario(loaded.resolved_text, "<resolved>");
  test::require_same_spec(again.spec, loaded.spec);
  CHECK(again.info.name == loaded.info.name);
  CHECK(again.info.description == loaded.info.description);
  CHECK(again.resolved_text == loaded.resolved_text);
}

TEST_CASE("the resolved text writes every table, each after a one-line comment", "[scenarios]") {
  const std::string text = write_scenario_toml(non_default_box_spec());
  std::istringstream lines(text);
  std::string previous;
  std::string line;
  int tables = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.front() == '[') {
      INFO(line);
      CHECK(previous.rfind("# ", 0) == 0);
      ++tables;
    }
    // Plain SI numbers: the resolved text never carries a unit string.
    CHECK(line.find(" m\"") == std::string::npos);
    previous = line;
  }
  CHECK(tables == 9);  // geometry material boundary tool motion solver output physiology run
  CHECK_THAT(text, Catch::Contains("friction = 0.3333333333333333\n"));
  CHECK_THAT(text, Catch::Contains("half_extents = ["));
  CHECK_THAT(text, !Catch::Contains("press_depth"));  // force control: not a key
}

TEST_CASE("name and description are quoted so that any text reads back", "[scenarios]") {
  const ScenarioInfo info{"quote \" and \\ backslash", "two\nlines\tand a tab"};
  const std::string text = write_scenario_toml(SimulationSpec{}, info);
  const Scenario scenario = parse_scenario(text, "<resolved>");
  CHECK(scenario.info.name == info.name);
  CHECK(scenario.info.description == info.description);
}

TEST_CASE("a spec that no file can express is refused, not written wrongly", "[scenarios]") {
  SimulationSpec free_bottom;
  free_bottom.boundary.fix_bottom = false;
  CHECK_THROWS_AS(write_scenario_toml(free_bottom), std::invalid_argument);
  SimulationSpec huge_seed;
  huge_seed.run.seed = ~std::uint64_t{0};
  CHECK_THROWS_AS(write_scenario_toml(huge_seed), std::invalid_argument);
}

TEST_CASE("repeated strokes with cycle jumps survive write -> parse exactly", "[scenarios]") {
  SimulationSpec spec = non_default_box_spec();
  spec.motion.control = ToolControl::kinematic;
  spec.motion.press_depth = 0.0123;
  spec.motion.normal_force = SimulationSpec{}.motion.normal_force;  // not kinematic keys
  spec.motion.max_depth = SimulationSpec{}.motion.max_depth;
  spec.motion.release_time = 0.35;
  spec.motion.lift_height = 0.007;
  spec.motion.repetitions = 42;
  spec.solver.cycle_jump = true;
  test::require_same_spec(round_trip(spec), spec);
}

TEST_CASE("a motion of several strokes survives write -> parse exactly", "[scenarios]") {
  SimulationSpec spec = non_default_box_spec();
  spec.motion.control = ToolControl::kinematic;
  spec.motion.press_depth = 0.0123;
  spec.motion.normal_force = SimulationSpec{}.motion.normal_force;
  spec.motion.max_depth = SimulationSpec{}.motion.max_depth;
  spec.motion.release_time = 0.35;
  spec.motion.repetitions = 3;
  MotionSpec knead = spec.motion;
  knead.path = {{0.01, 0.02}, {0.015, 0.02}};
  knead.press_depth = 0.004;
  knead.lift_height = 0.005;
  knead.repetitions = 7;
  MotionSpec last = knead;  // unreleased: rests pressed at its end
  last.release_time = 0;
  last.repetitions = 1;
  last.lift_height = knead.lift_height;  // inherited, not written
  spec.following = {knead, last};
  test::require_same_spec(round_trip(spec), spec);
}

TEST_CASE("a Bullet spec survives write -> parse exactly", "[scenarios]") {
  SimulationSpec spec = parse_scenario(builtin_demo_scenario_text(), "<builtin:demo>").spec;
  spec.solver.method = SolverMethod::bullet;
  spec.solver.bullet_time_step = 1.0 / 960.0;  // not the defaults
  spec.solver.bullet_damping = 0.0125;
  spec.solver.mass_damping = 3.5;
  test::require_same_spec(round_trip(spec), spec);
}
