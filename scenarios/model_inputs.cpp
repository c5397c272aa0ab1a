#include "scenarios/model_inputs.hpp"

#include "models/back/back_model_inputs.hpp"

namespace backsim {

models::SubjectParams BackSource::subject() const {
  models::SubjectParams s =
      cohort_seed ? models::sample_subject(preset, *cohort_seed, subject_index) : models::preset_subject(preset);
  for (const auto& [name, value] : overrides) models::set_subject_parameter(s, name, value);
  return s;
}

ModelInputs scenario_model_inputs(const Scenario& scenario) {
  const SimulationSpec& spec = scenario.spec;
  ModelInputs in;
  switch (scenario.model.type) {
    case scenario_schema::GeometryType::block:
      return block_model_inputs(spec);
    case scenario_schema::GeometryType::back: {
      const BackSource& back = scenario.model.back;
      const models::BackModel model = models::generate_back(back.subject(), back.resolution);
      in = models::back_model_inputs(model, spec.physiology);
      in.held_dofs = models::support_dofs(model, back.position);
      break;
    }
    case scenario_schema::GeometryType::mesh: {
      const MeshSource& mesh = scenario.model.mesh;
      models::ImportedMesh imported = models::import_mesh(mesh.file, mesh.format, mesh.options);
      in.mesh = std::move(imported.mesh);
      in.region_material = std::move(imported.region_material);
      in.held_nodes = std::move(imported.held_nodes);
      break;
    }
  }
  in.tool = spec.tool;
  in.other_tools = spec.other_tools;
  in.motion = spec.motion;
  in.following = spec.following;
  in.zones = spec.zones;
  in.solver = spec.solver;
  in.output = spec.output;
  return in;
}

}  // namespace backsim
