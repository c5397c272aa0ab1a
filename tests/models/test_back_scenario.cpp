// Scenarios with a procedural back or an imported mesh: loading, the resolved text
// round trip, and scenario_model_inputs.
#include "engine/sim/model.hpp"
#include "models/back/back_model_inputs.hpp"
#include "models/import/gmsh_msh.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace backsim;
using namespace backsim::models;

namespace {

const char* kBackScenario = R"([geometry]
type = "back"
preset = "desk-worker"
resolution = "coarse"
fat_scale = 1.2
back_length = "52 cm"

[tool]
shape = "sphere"
radius = "2 cm"

[motion]
control = "kinematic"
path = [["-4 cm", "30 cm"], ["-4 cm", "10 cm"]]
press_depth = "5 mm"
)";

void check_valid_inputs(const ModelInputs& in) {
  REQUIRE(in.mesh.tet_count() > 0);
  for (Index t = 0; t < in.mesh.tet_count(); ++t) REQUIRE(signed_volume(in.mesh, t) > 0);
  REQUIRE(in.region_material.size() == in.mesh.region_names.size());
  for (std::int32_t r : in.mesh.region) REQUIRE(static_cast<std::size_t>(r) < in.region_material.size());
  for (const MaterialParams& p : in.region_material) {
    REQUIRE(p.youngs_modulus > 0);
    REQUIRE((p.poisson_ratio >= 0 && p.poisson_ratio < 0.5));
    REQUIRE(p.density > 0);
  }
  REQUIRE_FALSE(in.held_nodes.empty());
}

}  // namespace

TEST_CASE("a scenario with a back geometry loads and gives valid model inputs", "[models][scenarios]") {
  const Scenario s = parse_scenario(kBackScenario, "back.toml");
  REQUIRE(s.model.type == scenario_schema::GeometryType::back);
  CHECK(s.model.back.preset == Condition::desk_worker);
  CHECK(s.model.back.resolution == Resolution::coarse);
  REQUIRE(s.model.back.overrides.size() == 2);
  CHECK(s.model.back.overrides[1] == std::pair<std::string, double>{"back_length", 0.52});
  const ModelInputs in = scenario_model_inputs(s);
  check_valid_inputs(in);
  CHECK(in.motion.press_depth == 0.005);
  CHECK(in.tool.radius == 0.02);
  // the held nodes are those of the back's deep surface and spinous ridge: the same
  // as the model's, and none of them on the skin
  SubjectParams subject = preset_subject(Condition::desk_worker);
  subject.fat_scale = 1.2;
  subject.back_length = 0.52;
  const BackModel model = generate_back(subject, Resolution::coarse);
  CHECK(in.held_nodes == model.held_nodes);
  CHECK(in.mesh.nodes == model.mesh.nodes);
  std::vector<std::uint8_t> held(in.mesh.node_count(), 0);
  for (Index v : in.held_nodes) held[v] = 1;
  for (Index t = 0; t < model.mesh.tet_count(); ++t)
    if (model.tet_layer[t] == static_cast<std::uint8_t>(Layer::skin))
      for (Index v : model.mesh.tets[t]) REQUIRE_FALSE(held[v]);
  // the engine accepts it (positive tets, a material per region)
  const Model built = build_model(in);
  CHECK(built.node_count() == in.mesh.node_count());
}

TEST_CASE("the resolved text of a back scenario reads back exactly", "[models][scenarios]") {
  const Scenario s = parse_scenario(kBackScenario, "back.toml");
  const Scenario again = parse_scenario(s.resolved_text, "resolved.toml");
  CHECK(again.resolved_text == s.resolved_text);
  CHECK(again.model.back.overrides == s.model.back.overrides);
  CHECK(again.model.back.preset == s.model.back.preset);
  CHECK_THAT(s.resolved_text, Catch::Contains("type = \"back\"") && Catch::Contains("back_length = 0.52"));
  CHECK_THAT(s.resolved_text, !Catch::Contains("[boundary]"));
}

TEST_CASE("a scenario with a mesh geometry imports the file through its region table", "[models][scenarios]") {
  const BackModel& model = test::healthy_back(Resolution::coarse);
  const auto dir = test::scratch_directory("mesh_scenario");
  write_gmsh_msh(dir / "back.msh", model.mesh, model.bone_surface.tris, "bone_surface", true);
  std::string text = "[geometry]\ntype = \"mesh\"\nfile = \"back.msh\"\nfibre_field = \"fibre\"\n";
  for (std::size_t r = 0; r < model.mesh.region_names.size(); ++r)
    text += "[[geometry.regions]]\nsource = \"" + model.mesh.region_names[r] + "\"\nregion = \"" + model.mesh.region_names[r] +
            "\"\nyoungs_modulus = " + std::to_string(model.region_material[r].youngs_modulus) + "\n";
  text += "[[geometry.regions]]\nsource = \"bone_surface\"\nregion = \"bone\"\nrole = \"bone\"\n";
  text += "[tool]\nshape = \"sphere\"\n[motion]\ncontrol = \"kinematic\"\n";
  // relative to the scenario file's directory
  const Scenario s = parse_scenario(text, (dir / "scenario.toml").string());
  REQUIRE(s.model.type == scenario_schema::GeometryType::mesh);
  CHECK(s.model.mesh.file == (dir / "back.msh").string());
  const ModelInputs in = scenario_model_inputs(s);
  check_valid_inputs(in);
  CHECK(in.mesh.tets == model.mesh.tets);
  CHECK(in.held_nodes == model.held_nodes);
  CHECK(in.mesh.fibre == model.mesh.fibre);
  // the resolved text reads back to the same source
  const Scenario again = parse_scenario(s.resolved_text, "resolved.toml");
  CHECK(again.resolved_text == s.resolved_text);
  CHECK(again.model.mesh.options.regions.size() == s.model.mesh.options.regions.size());
  // an import error names the mesh file
  std::filesystem::resize_file(dir / "back.msh", 3000);
  CHECK_THROWS_WITH(scenario_model_inputs(s), Catch::StartsWith((dir / "back.msh").string()));
}

TEST_CASE("a block scenario still dispatches to the block", "[models][scenarios]") {
  const Scenario s = parse_scenario(builtin_demo_scenario_text(), "<builtin:demo>");
  CHECK(s.model.type == scenario_schema::GeometryType::block);
  const ModelInputs a = scenario_model_inputs(s);
  const ModelInputs b = block_model_inputs(s.spec);
  CHECK(a.mesh.nodes == b.mesh.nodes);
  CHECK(a.held_nodes == b.held_nodes);
  CHECK(s.resolved_text == write_scenario_toml(s.spec, s.info));
}
