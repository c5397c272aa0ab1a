#include "models/back/back_model_inputs.hpp"

#include "models/back/back_regions.hpp"

namespace backsim::models {

namespace {

VascularTissue vascular_tissue(const BackRegion& r) {
  if (r.is_muscle) return VascularTissue::muscle;
  switch (r.tissue) {
    case Tissue::skin: return VascularTissue::skin;
    case Tissue::fat: return VascularTissue::fat;
    case Tissue::fascia:
    case Tissue::thoracolumbar_fascia: return VascularTissue::fascia;
  }
  return VascularTissue::none;
}

}  // namespace

ModelInputs back_model_inputs(const BackModel& model, const PhysiologySettings& physiology) {
  ModelInputs in;
  in.mesh = model.mesh;
  in.region_material = model.region_material;
  in.held_nodes = model.held_nodes;
  in.rest_activation = model.tet_tone;
  const auto regions = static_cast<std::int32_t>(model.region_material.size());
  if (physiology.tone) in.region_tone.assign(static_cast<std::size_t>(regions), physiology.tone_law);
  if (physiology.circulation)
    for (std::int32_t id = 0; id < regions; ++id)
      in.region_vascular.push_back(default_vascular_params(vascular_tissue(back_region(id))));
  return in;
}

}  // namespace backsim::models
