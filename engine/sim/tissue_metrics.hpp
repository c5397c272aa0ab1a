// What the tissue's state means for a study, per region: tone, the tension the
// muscle's active fibres carry, the stiffness an elastography scanner would
// measure, circulation. Computed at output frames, not every step.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"

#include <vector>

namespace backsim {

struct RegionMetrics {
  std::vector<double> mean_tone;        // [region] volume-weighted mean activation (0 without active fibres)
  std::vector<double> active_tension;   // [region] N: integral of the active fibre stress over the volume / fibre length
  std::vector<double> shear_modulus;    // [region] Pa: volume-weighted mean elastography modulus along the fibres
                                        //  (matrix shear modulus where there is no fibre)
  std::vector<double> perfusion_index;  // [region] arterial inflow over its baseline, sum V q_in / sum V q0 (1 without circulation)
  std::vector<double> flushed_volume;   // [region] m^3 of blood expelled by compression so far
  std::vector<double> volume;           // [region] m^3, reference
};

// Sized for the model (allocates; call once).
RegionMetrics make_region_metrics(const Model& model);
// Fills `out` from the state (parallel over tets into per-tet scratch, then serial
// sums per region in tet order: deterministic).
void measure_regions(const Model& model, const State& state, std::vector<double>& tet_scratch, RegionMetrics& out);

// Tension relief, %: the drop of a region's active fibre tension from `before`.
double tension_relief_percent(double before, double now);
// Relief (%) per kJ of therapist work (J); 0 when the tool did no work.
double relief_per_kilojoule(double relief_percent, double therapist_work);

}  // namespace backsim
