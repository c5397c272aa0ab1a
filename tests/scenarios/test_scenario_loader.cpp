// Loading valid scenarios: the demo, the shipped examples, defaults, units, and the
// shape of the error reports.
#include "scenarios/scenario.hpp"
#include "tests/scenarios/spec_comparison.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace backsim;

namespace {

const std::filesystem::path kExamplesDir = std::filesystem::path(BACKSIM_SOURCE_DIR) / "scenarios/examples";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The issues of text that must be rejected.
std::vector<ScenarioIssue> issues_of(std::string_view text) {
  try {
    parse_scenario(text, "test.toml");
  } catch (const InvalidScenario& error) {
    return error.issues();
  }
  FAIL("the scenario was accepted: " << text);
  return {};
}

constexpr std::string_view kMinimal = R"([tool]
shape = "sphere"
[motion]
control = "kinematic"
)";

}  // namespace

TEST_CASE("the built-in demo parses to the documented scenario", "[scenarios]") {
  const Scenario demo = parse_scenario(builtin_demo_scenario_text(), "<builtin:demo>");
  const SimulationSpec& spec = demo.spec;
  CHECK(demo.source_name == "<builtin:demo>");
  CHECK(demo.info.name == "demo_block");
  // Exact: every value is a decimal divided by an exact power of ten (one rounding).
  CHECK(spec.geometry.size == Vec3(0.20, 0.15, 0.04));
  CHECK(spec.geometry.cells == std::array<Index, 3>{20, 15, 6});
  CHECK(spec.geometry.grading == 1.0);
  CHECK(spec.material.youngs_modulus == 20e3);
  CHECK(spec.material.poisson_ratio == 0.45);
  CHECK(spec.boundary.fix_bottom);
  CHECK_FALSE(spec.boundary.fix_sides);
  CHECK(spec.tool.shape == ToolShape::sphere);
  CHECK(spec.tool.radius == 0.03);
  CHECK(spec.tool.friction == 0.3);
  CHECK(spec.motion.control == ToolControl::kinematic);
  CHECK(spec.motion.press_depth == 0.008);
  CHECK(spec.motion.press_time == 0.5);
  CHECK(spec.motion.path == std::vector<std::array<double, 2>>{{-0.04, 0.0}, {0.04, 0.0}});
  CHECK(spec.motion.speed == 0.1);
  CHECK(spec.solver.integration == TimeIntegration::quasi_static);
  CHECK(spec.solver.time_step == 0.02);
  CHECK(spec.output.interval == 0.1);
  CHECK(spec.solver.gravity == SolverSettings{}.gravity);
  CHECK_THAT(demo.resolved_text, Catch::Contains("youngs_modulus = 20000\n"));
}

TEST_CASE("examples/demo_block.toml is a copy of the built-in demo", "[scenarios]") {
  CHECK(read_text(kExamplesDir / "demo_block.toml") == builtin_demo_scenario_text());
}

TEST_CASE("every shipped example parses", "[scenarios]") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExamplesDir)) {
    if (entry.path().extension() != ".toml") continue;
    INFO(entry.path());
    CHECK_NOTHROW(load_scenario_file(entry.path()));
    ++count;
  }
  CHECK(count >= 2);
}

TEST_CASE("the force-control example has a capsule pressed with 5 N", "[scenarios]") {
  const SimulationSpec spec = load_scenario_file(kExamplesDir / "force_glide.toml").spec;
  CHECK(spec.motion.control == ToolControl::force);
  CHECK(spec.motion.normal_force == 5.0);
  CHECK(spec.motion.max_depth == 0.02);
  CHECK(spec.tool.shape == ToolShape::capsule);
  CHECK(spec.tool.length == 0.06);
  CHECK(spec.tool.axis == Vec3(0.0, 1.0, 0.0));
  CHECK(spec.tool.mass == 0.5);
  CHECK(spec.boundary.fix_sides);
  CHECK(spec.solver.integration == TimeIntegration::backward_euler);
  // 1.05 is not exact in binary: "1.05 g/cm^3" is 1.05 * 1000 rounded once more.
  CHECK(spec.material.density == Approx(1050.0).epsilon(1e-15));
}

TEST_CASE("keys left out keep the SimulationSpec defaults", "[scenarios]") {
  const Scenario scenario = parse_scenario(kMinimal, "minimal.toml");
  test::require_same_spec(scenario.spec, SimulationSpec{});
  CHECK(scenario.info.name.empty());
}

TEST_CASE("numbers and unit strings give the same SI values", "[scenarios]") {
  const std::string text = std::string(kMinimal) + R"(
[material]
youngs_modulus = "0.02 MPa"
density = 1050
[solver]
time_step = "10 ms"
gravity = ["0 m/s^2", 0, "-981 cm/s^2"]
)";
  const SimulationSpec spec = parse_scenario(text, "units.toml").spec;
  CHECK(spec.material.youngs_modulus == 20e3);
  CHECK(spec.material.density == 1050.0);
  CHECK(spec.solver.time_step == 0.01);
  CHECK(spec.solver.gravity == Vec3(0.0, 0.0, -9.81));
}

TEST_CASE("a tool axis is normalised on load", "[scenarios]") {
  const SimulationSpec spec = parse_scenario(R"([tool]
shape = "capsule"
axis = [3, 4, 0]
[motion]
control = "kinematic"
)", "axis.toml").spec;
  // 3/5 and 4/5 are each one correctly rounded division.
  CHECK(spec.tool.axis == Vec3(0.6, 0.8, 0.0));
}

TEST_CASE("all issues of a file are reported, in file order", "[scenarios]") {
  const auto issues = issues_of(R"([tool]
shape = "sphere"
radius = -1
[motion]
control = "kinematic"
speed = "fast"
[geometry]
cells = [0, 1, 1]
)");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].line == 3);
  CHECK_THAT(issues[0].message, Catch::Contains("tool.radius"));
  CHECK(issues[1].line == 6);
  CHECK_THAT(issues[1].message, Catch::Contains("motion.speed"));
  CHECK(issues[2].line == 8);
  CHECK(issues[2].column == 10);
  CHECK_THAT(issues[2].message, Catch::Contains("geometry.cells[0]"));
  CHECK(issues[0].file == "test.toml");
}

TEST_CASE("an issue prints as file:line:col: message", "[scenarios]") {
  CHECK(ScenarioIssue{"a.toml", 3, 7, "bad"}.to_string() == "a.toml:3:7: bad");
  CHECK(ScenarioIssue{"a.toml", 0, 0, "unreadable"}.to_string() == "a.toml: unreadable");
  const InvalidScenario error({ScenarioIssue{"a.toml", 1, 2, "x"}, ScenarioIssue{"a.toml", 3, 4, "y"}});
  CHECK(std::string(error.what()) == "a.toml:1:2: x\na.toml:3:4: y");
}

TEST_CASE("an unreadable file is an InvalidScenario without a position", "[scenarios]") {
  const std::filesystem::path missing = std::filesystem::temp_directory_path() / "backsim-no-such-scenario.toml";
  for (const std::filesystem::path& path : {missing, std::filesystem::temp_directory_path()}) {
    INFO(path);
    try {
      load_scenario_file(path);
      FAIL("no exception");
    } catch (const InvalidScenario& error) {
      REQUIRE(error.issues().size() == 1);
      CHECK(error.issues()[0].line == 0);
      CHECK(error.issues()[0].file == path.string());
      CHECK_THAT(error.issues()[0].to_string(), Catch::StartsWith(path.string() + ": cannot read"));
    }
  }
}
