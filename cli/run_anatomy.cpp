#include "cli/run_anatomy.hpp"

#include "models/back/back_anatomy.hpp"
#include "scenarios/model_source.hpp"

#include <string>
#include <vector>

namespace backsim::cli {

void write_run_anatomy(RunWriter& writer, const Scenario& scenario) {
  if (scenario.model.type != scenario_schema::GeometryType::back) return;
  // The same subject the mesh was generated from (scenario_model_inputs), without
  // meshing it again: the landmarks depend on the surface and layers only.
  const models::BackAnatomy anatomy(scenario.model.back.subject());
  std::vector<std::string> names;
  std::vector<double> skin, footprint;
  for (const models::Landmark& l : anatomy.landmarks.all()) {
    names.push_back(l.name);
    skin.insert(skin.end(), {l.skin.x(), l.skin.y(), l.skin.z()});
    footprint.insert(footprint.end(), {l.footprint.x(), l.footprint.y()});
  }
  writer.write_strings("/anatomy/landmark_names", names,
                       "landmark i: vertebral levels C7, T1..T12, L1..L5 (spinous processes), bony landmarks per side");
  writer.write_dataset("/anatomy/landmark_skin", skin, 3, "m", "skin point above landmark i, reference configuration");
  writer.write_dataset("/anatomy/landmark_footprint", footprint, 2, "m", "(x, y) of landmark i on the footprint");
}

}  // namespace backsim::cli
