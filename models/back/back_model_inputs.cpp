#include "models/back/back_model_inputs.hpp"

namespace backsim::models {

ModelInputs back_model_inputs(const BackModel& model) {
  ModelInputs in;
  in.mesh = model.mesh;
  in.region_material = model.region_material;
  in.held_nodes = model.held_nodes;
  return in;
}

}  // namespace backsim::models
