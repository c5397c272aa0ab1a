// The outcomes backsim compare reports for one run, from its metrics (docs/study.md):
// what a massage is judged by.
#pragma once

#include "cli/batch/study_results.hpp"

#include <array>
#include <string>
#include <string_view>

namespace backsim::cli {

struct OutcomeInfo {
  std::string_view key;    // column name in the CSV tables
  std::string_view label;  // for people
  std::string_view unit;
  bool higher_is_better;
};

inline constexpr std::array<OutcomeInfo, 7> kOutcomes{{
    {"tension_relief_percent", "Tension relief", "%", true},
    {"stiffness_change_percent", "Stiffness (shear modulus) change", "%", false},
    {"skin_perfusion_index", "Skin perfusion index", "1", true},
    {"muscle_perfusion_index", "Muscle perfusion index", "1", true},
    {"flushed_volume_ml", "Flushed volume", "mL", true},
    {"therapist_work_j", "Therapist work", "J", false},
    {"relief_per_kilojoule", "Relief per kJ", "%/kJ", true},
}};
inline constexpr std::size_t kReliefPerKilojoule = 6;  // index in kOutcomes: the default ranking

// The outcomes of a run that ended "ok", in kOutcomes order; NaN where the run cannot
// tell (a failed run, a block without muscle or skin, no work done). `region` ("" for
// all) keeps the regions whose name contains it, e.g. "erector_spinae_lumbar".
//   tension relief: 100 (1 - sum of active tension after / before) over the muscle regions
//   stiffness change: 100 (sum of shear moduli after / before - 1) over the muscle regions
//   skin perfusion: the perfusion index of the region "skin" at the last frame
//   muscle perfusion: the mean perfusion index of the muscle regions at the last frame
//   flushed volume: blood expelled over the regions, mL
//   therapist work: the tool's positive work on the tissue, J
//   relief per kJ: tension relief / therapist work in kJ
// A muscle region is one with active tension at the motion's start.
std::array<double, kOutcomes.size()> run_outcomes(const RunResult& run, std::string_view region);

}  // namespace backsim::cli
