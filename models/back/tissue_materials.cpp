#include "models/back/tissue_materials.hpp"

#include "models/back/back_regions.hpp"

#include <algorithm>
#include <cmath>

namespace backsim::models {
namespace {

// Regions use nu = 0.45 but fat. Soft tissue is nearly incompressible, but linear
// tets lock volumetrically as nu -> 0.5, and the engine's stable Neo-Hookean has no
// mixed (u-p) formulation; 0.45 is the value the block scenarios use and keeps
// lambda / mu = 9 instead of 49 at nu = 0.49.
constexpr double kPoisson = 0.45;
// Fat is the exception. Its shear modulus (0.53 kPa) is so low that at nu = 0.45 the
// stable Neo-Hookean's volumetric stress saturates at ~6 kPa as J -> 0 (lambda alpha),
// below a palm's effleurage pressure: a 20 N press on the coarse back crushed fat
// elements to 4 % of their volume and stalled Newton. At nu = 0.49 the same press
// keeps fat above J = 0.73 and the glide converges. nu = 0.49 is nearly incompressible, as physics.md section 2 asks of all
// tissue; fat has one or two elements through its thickness, where the stiffening
// from locking is small next to the skin above it.
constexpr double kFatPoisson = 0.49;

// Young's modulus from a shear modulus at nu = 0.45: E = 2 (1 + nu) mu.
constexpr double young_from_shear(double mu) { return 2.0 * (1.0 + kPoisson) * mu; }

// Muscle: resting shear moduli from shear-wave elastography.
//  - upper trapezius along fibres 3.20 m/s at rest (Ewertsen 2018): mu = rho c^2 =
//    1060 * 3.2^2 = 10.9 kPa; used for all trapezius parts, latissimus, rhomboids,
//    quadratus lumborum and the lumped other muscles, for which physics.md has no
//    separate value.
//  - multifidus 18.55 kPa prone (Sadeghi 2020).
//  - erector spinae: 15 kPa, between the two (MyotonPRO stiffness of the lumbar erector
//    spinae, 239-277 N/m in healthy adults (Andonian 2015; Wu 2020), is not a modulus;
//    it places the erector spinae between relaxed trapezius and multifidus).
// Muscle fibres (Blemker, Pinsky & Delp 2005, J Biomech 38:657, Table 1): maximum
// isometric stress 300 kPa; passive fibre stress sigma_max * 0.05 (exp(6.6 (l - 1)) - 1),
// linear past l = 1.4, with l the stretch over optimal length. The back in the
// reference (imaged, resting) posture is taken to be at optimal fibre length.
constexpr double kMaxActiveStress = 300e3;
constexpr double kMuscleFibreScale = 0.05 * kMaxActiveStress;
constexpr double kMuscleFibreExponent = 6.6;
constexpr double kMuscleFibreLinear = 1.4;
// Collagen of the thoracolumbar fascia: tensile modulus ~150 MPa along its fibres
// (physics.md), reached after a toe region of ~4 % strain, as for ligament and tendon
// collagen: P2 = 100 and P1 chosen so that the slope at lambda* = 1.04 is 150 MPa.
constexpr double kFasciaFibreExponent = 100.0;
constexpr double kFasciaFibreLinear = 1.04;
constexpr double kFasciaTensileModulus = 150e6;
// Subcutaneous fat relaxes: Prony g = 0.39, tau = 700 s (Sims et al. 2010).
constexpr PronyTerm kFatRelaxation{0.39, 700.0};

constexpr double kMuscleDensity = 1060.0;  // kg/m^3, Ward & Lieber 2005 (1.056-1.060 g/cm^3)
constexpr double kTrapeziusShear = 1060.0 * 3.20 * 3.20;
constexpr double kMultifidusShear = 18.55e3;
constexpr double kErectorShear = 15.0e3;

double muscle_shear(Muscle m) {
  switch (m) {
    case Muscle::multifidus: return kMultifidusShear;
    case Muscle::erector_spinae_thoracic:
    case Muscle::erector_spinae_lumbar: return kErectorShear;
    default: return kTrapeziusShear;
  }
}

// Skin and fascia: effective small-strain moduli, far below their tensile
// moduli (dermis C10 ~ 1 MPa; thoracolumbar fascia 150 MPa along its fibres). Under a
// tool these layers are compressed and bent at small strain, in the toe region of
// their collagen, where in-vivo skin measures 0.1-0.9 MPa (torsion, Agache 1980,
// Arch Dermatol Res 269:221; suction, Diridollou 2000). Fascia resists a press by its
// tension only once it is stretched along its fibres, which the isotropic material
// cannot express; its tensile modulus used isotropically would make it a 1 mm steel
// sheet, and a 1e5 contrast to fat (1.5 kPa) that the Newton-PCG solver cannot
// condition. A few hundred kPa keeps them 100-300 times stiffer than fat and 10 times
// stiffer than muscle, so that they still spread the load (see docs/model.md).
constexpr double kSkinModulus = 300e3;
constexpr double kFasciaModulus = 300e3;
constexpr double kThoracolumbarFasciaModulus = 400e3;
// Subcutaneous fat: Neo-Hookean mu = 0.53 kPa (Sims 2010) -> E = 1.54 kPa; density
// of adipose tissue ~ 920 kg/m^3 (Farvid 2005).
constexpr double kFatShear = 530.0;
constexpr double kFatDensity = 920.0;
// Skin and dense connective tissue: ~1100 kg/m^3 (physics.md: tissue ~1050).
constexpr double kConnectiveDensity = 1100.0;

}  // namespace

std::vector<MaterialParams> back_region_materials(const SubjectParams& subject) {
  std::vector<MaterialParams> out(kBackRegionCount);
  for (std::int32_t id = 0; id < kBackRegionCount; ++id) {
    const BackRegion r = back_region(id);
    MaterialParams& p = out[static_cast<std::size_t>(id)];
    p.poisson_ratio = kPoisson;
    if (r.is_muscle) {
      double factor = subject.stiffness_scale;
      for (const StiffnessFactor& f : subject.stiffness_factors)
        if (f.muscle == r.muscle) factor *= f.factor;
      // The elastography modulus of a resting muscle is its matrix's shear modulus
      // plus the tension its resting tone carries (shear_wave_modulus.hpp): the matrix
      // gets what the measured value leaves after the baseline tone's tension.
      const double measured = muscle_shear(r.muscle) * factor;
      const double tone_tension = subject.baseline_tone * kMaxActiveStress;
      p.youngs_modulus = young_from_shear(std::max(measured - tone_tension, 0.2 * measured));
      p.density = kMuscleDensity;
      p.max_active_stress = kMaxActiveStress;
      p.fibre_scale = kMuscleFibreScale;
      p.fibre_exponent = kMuscleFibreExponent;
      p.fibre_linear_stretch = kMuscleFibreLinear;
      continue;
    }
    switch (r.tissue) {
      case Tissue::skin: p.youngs_modulus = kSkinModulus; p.density = kConnectiveDensity; break;
      case Tissue::fat:
        p.poisson_ratio = kFatPoisson;
        p.youngs_modulus = 2.0 * (1.0 + kFatPoisson) * kFatShear;
        p.density = kFatDensity;
        p.prony[0] = kFatRelaxation;
        break;
      case Tissue::fascia: p.youngs_modulus = kFasciaModulus; p.density = kConnectiveDensity; break;
      case Tissue::thoracolumbar_fascia:
        p.youngs_modulus = kThoracolumbarFasciaModulus;
        p.density = kConnectiveDensity;
        p.fibre_exponent = kFasciaFibreExponent;
        p.fibre_linear_stretch = kFasciaFibreLinear;
        p.fibre_scale = kFasciaTensileModulus /
                        (kFasciaFibreExponent * std::exp(kFasciaFibreExponent * (kFasciaFibreLinear - 1.0)));
        break;
    }
  }
  return out;
}

}  // namespace backsim::models
