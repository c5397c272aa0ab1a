#include "engine/physiology/circulation.hpp"

#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace backsim {

namespace {

constexpr double kMmHg = 133.322;  // Pa

// --- reference-man data (ICRP Publication 89, 2002, adult male) -------------------
// Cardiac output 6.5 L/min (Table 2.39); total blood volume 5.3 L (Table 2.12:
// 3.0 L plasma + 2.3 L red cells). Regional shares of cardiac output (Table 2.40):
// skeletal muscle 17 %, adipose 5 %, skin 5 %. Regional shares of blood volume
// (Table 2.14): skeletal muscle 14 %, fat 5 %, skin 3 %. Masses (Table 2.8):
// skeletal muscle 29 kg, adipose tissue 18.2 kg, skin 3.3 kg.
constexpr double kCardiacOutput = 6.5e-3 / 60.0;  // m^3/s
constexpr double kBloodVolume = 5.3e-3;           // m^3
constexpr double kLeanDensity = 1050.0;           // kg/m^3, soft tissue (physics.md)
constexpr double kFatDensity = 916.0;             // kg/m^3, adipose (ICRP 23, 1975, p. 44)

// A share of a whole-body total spread over a tissue's volume (per m^3 of tissue).
constexpr double per_tissue_volume(double share, double total, double mass_kg, double density) {
  return share * total / (mass_kg / density);
}

// --- pressures shared by every vascular tissue --------------------------------------
// P_a: mean arterial pressure at heart level, ~90-95 mmHg, minus the small drop along
// the conduit arteries; ~70 % of the pressure drop lies in the small arteries and
// arterioles (Rhoades & Bell, Medical Physiology, fig. 15.8), the segment G dilates.
// P_c0: venular pressure, ~15 mmHg (venous limb of human skin capillaries 12-15 mmHg,
// Landis 1930 Heart 15:209; Shore 2000 Br J Clin Pharmacol 50:501). P_v: 10 mmHg,
// the low end of physics.md's 1.3-2 kPa (the back lies near heart level when prone).
// With these, the venous side holds (P_c0 - P_v) / (P_a - P_v) = 6 % of the
// resistance, as textbooks give (~7 %), which lets arteriolar dilation raise flow up
// to ~16-fold (the ceiling (R_a + R_v) / R_v).
constexpr double kArterialPressure = 90.0 * kMmHg;
constexpr double kCompartmentPressure = 15.0 * kMmHg;
constexpr double kVenousPressure = 10.0 * kMmHg;
// C: limb venous compliance by venous-occlusion plethysmography is ~0.05 mL per 100 mL
// of tissue per mmHg in the forearm, ~0.1 in the calf (Halliwill, Minson & Joyner 1999,
// J Appl Physiol 87:1555). Compliance belongs to the vessels, so it is scaled with each
// tissue's blood content: C = kDistensibility v0, with the distensibility fixed by the
// forearm value over muscle's blood fraction (0.05 %/mmHg / 2.69 % = 1.9 % of the blood
// volume per mmHg). Checks: the stressed volume C P_c0 is then 28 % of the blood, as
// the ~70 % unstressed share of the circulation's volume (Guyton's textbook figure);
// and muscle's relaxation time C R_a R_v / (R_a + R_v) is 3.5 s, while the calf's
// volume follows an external pressure step with C R_v = 4.2 s (1.1 %/kPa x 3.8 s
// kPa/%, Phys Med Biol 1977 22:1146).
constexpr double kForearmCompliance = 0.05e-2 / kMmHg;  // 1/Pa per unit tissue volume
constexpr double kMuscleBloodFraction = 0.14 * kBloodVolume / (29.0 / kLeanDensity);
constexpr double kDistensibility = kForearmCompliance / kMuscleBloodFraction;  // 1/Pa
// Reactive hyperemia, the same law in every vascular tissue:
// - tau_debt = 120 s: the debt charges as 1 - exp(-T / tau_debt) under occlusion of
//   duration T, giving peak gains in the ratio 1 : 1.61 : 1.98 after 1, 2, 3 min;
//   forearm skin (laser Doppler) shows 15.4 : 24.8 : 32.1 AU = 1 : 1.61 : 2.09 (Tee et
//   al. 2004, J Pharmacol Toxicol Methods 50:73), and whole-limb peaks saturate after
//   3-5 min of occlusion (the plethysmographic literature summarised there).
// - tau_h = 25 s: after 5 min of occlusion forearm flow decays exponentially with a
//   half-life of 14-45 s (Imms, Lee & Ludlow 1988, Q J Exp Physiol 73:203), tau =
//   20-65 s; 25 s returns flow to within a few % of baseline 2 min after release.
// - k_h = 9: conductance 9.3 x baseline after a 5-min occlusion (D = 0.92), a peak
//   flow of ~10 x baseline in the first seconds as in forearm reactive hyperemia
//   (ASSUMPTION within the textbook range 5-10 x; not fitted to one data set).
constexpr double kHyperemiaGain = 9.0;
constexpr double kHyperemiaTime = 25.0;
constexpr double kDebtTime = 120.0;

VascularParams vascular_base(double flow, double volume) {
  VascularParams p;
  p.arterial_pressure = kArterialPressure;
  p.compartment_pressure = kCompartmentPressure;
  p.venous_pressure = kVenousPressure;
  p.baseline_flow = flow;
  p.baseline_volume = volume;
  p.compliance = kDistensibility * volume;
  p.hyperemia_gain = kHyperemiaGain;
  p.hyperemia_time = kHyperemiaTime;
  p.debt_time = kDebtTime;
  return p;
}

void require(bool ok, const char* what) {
  if (!ok) throw InvalidInput(std::string("circulation: ") + what);
}

}  // namespace

VascularParams default_vascular_params(VascularTissue tissue) {
  switch (tissue) {
    case VascularTissue::skin: {
      // ICRP 89: 5 % of cardiac output and 3 % of blood in 3.3 kg of skin:
      // q0 = 1.72e-3 /s (10.3 mL/min/100 mL), v0 = 0.051.
      VascularParams p = vascular_base(per_tissue_volume(0.05, kCardiacOutput, 3.3, kLeanDensity),
                                       per_tissue_volume(0.03, kBloodVolume, 3.3, kLeanDensity));
      // Friction heating dilates skin arterioles as local heating does.
      // S_max = 13: thermoneutral forearm skin sits at 7 +/- 2 % of its maximal
      // conductance (local heating to 42-44 C), i.e. max / baseline ~ 14 (Saci et al.
      // 2021, J Therm Biol 99:102978, regional %CVCmax; forearm 7 +/- 2 %CVCmax at
      // 32 C in a 22-subject local-heating study of facial vs forearm skin).
      // tau_s = 600 s: ASSUMPTION, skin warmth and heat-induced dilation fade over
      // ~10 min after the stimulus ends.
      // k_f: CALIBRATED so that a stroke-averaged friction power density of 5e3 W/m^3
      // (deep effleurage: 50 N at mu = 0.1 and 0.1 m/s over 100 cm^2 is 50 W/m^2,
      // half into 2 mm of skin is 1.25e4 W/m^3 under the hand, ~40 % of the time)
      // raises S with a 2-min time constant to 0.8 S_max, so 2 x 6 min of massage
      // drives skin perfusion ~7-fold (Hinds 2004, MSSE 36:1308: skin flow 150 vs 6
      // a.u.; Monteiro Rodrigues 2020, J Appl Physiol 128:1217: perfusion up after
      // 5 min of effleurage). k_f = S_max (1/120 - 1/600) / 5e3 = 1.73e-5 m^3/J.
      p.max_dilation = 13.0;
      p.dilation_time = 600.0;
      p.friction_dilation_gain = p.max_dilation * (1.0 / 120.0 - 1.0 / 600.0) / 5e3;
      return p;
    }
    case VascularTissue::fat:
      // ICRP 89: 5 % of cardiac output and 5 % of blood in 18.2 kg of adipose tissue:
      // q0 = 2.73e-4 /s (1.6 mL/min/100 mL; 1.8 mL/min/100 g, the low end of the
      // 2-4 mL/min/100 g measured by 133Xe washout), v0 = 0.013.
      return vascular_base(per_tissue_volume(0.05, kCardiacOutput, 18.2, kFatDensity),
                           per_tissue_volume(0.05, kBloodVolume, 18.2, kFatDensity));
    case VascularTissue::fascia:
      // No reference values for fascia. ASSUMPTIONS: dense connective tissue perfused
      // like adipose tissue (q0 = 1.5 mL/min/100 mL = 2.5e-4 /s) with 1 % blood.
      return vascular_base(1.5e-2 / 60.0, 0.01);
    case VascularTissue::muscle:
      // ICRP 89: 17 % of cardiac output and 14 % of blood in 29 kg of skeletal muscle:
      // q0 = 6.67e-4 /s (4.0 mL/min/100 mL; resting muscle 2-5 mL/min/100 g),
      // v0 = 0.027.
      return vascular_base(per_tissue_volume(0.17, kCardiacOutput, 29.0, kLeanDensity),
                           kMuscleBloodFraction);
    case VascularTissue::none:
      return VascularParams{};
  }
  throw InvalidInput("circulation: unknown VascularTissue");
}

VascularRegion derive_vascular_region(const VascularParams& p) {
  VascularRegion r;
  if (p.avascular()) return r;
  require(std::isfinite(p.arterial_pressure) && std::isfinite(p.compartment_pressure) &&
              std::isfinite(p.venous_pressure),
          "vascular pressures must be finite");
  require(p.arterial_pressure > p.compartment_pressure && p.compartment_pressure > p.venous_pressure,
          "need arterial_pressure > compartment_pressure > venous_pressure (flow runs downhill)");
  require(std::isfinite(p.baseline_flow) && p.baseline_flow > 0,
          "baseline_flow must be > 0 (or baseline_flow = baseline_volume = 0 for avascular tissue)");
  require(std::isfinite(p.compliance) && p.compliance > 0, "compliance must be > 0");
  require(std::isfinite(p.baseline_volume) && p.baseline_volume < 1, "baseline_volume must be < 1");
  const double unstressed = p.baseline_volume - p.compliance * p.compartment_pressure;
  require(unstressed > 0,
          "baseline_volume must exceed compliance * compartment_pressure (positive unstressed volume)");
  require(std::isfinite(p.hyperemia_gain) && p.hyperemia_gain >= 0, "hyperemia_gain must be >= 0");
  require(std::isfinite(p.hyperemia_time) && p.hyperemia_time > 0, "hyperemia_time must be > 0");
  require(std::isfinite(p.debt_time) && p.debt_time > 0, "debt_time must be > 0");
  require(std::isfinite(p.friction_dilation_gain) && p.friction_dilation_gain >= 0,
          "friction_dilation_gain must be >= 0");
  require(std::isfinite(p.dilation_time) && p.dilation_time > 0, "dilation_time must be > 0");
  require(std::isfinite(p.max_dilation) && p.max_dilation >= 0, "max_dilation must be >= 0");
  require(p.friction_dilation_gain == 0 || p.max_dilation > 0,
          "friction_dilation_gain > 0 needs max_dilation > 0");

  r.vascular = true;
  r.arterial_pressure = p.arterial_pressure;
  r.compartment_pressure = p.compartment_pressure;
  r.venous_pressure = p.venous_pressure;
  r.baseline_flow = p.baseline_flow;
  r.baseline_volume = p.baseline_volume;
  r.compliance = p.compliance;
  r.inv_compliance = 1.0 / p.compliance;
  r.arterial_resistance = (p.arterial_pressure - p.compartment_pressure) / p.baseline_flow;
  r.venous_resistance = (p.compartment_pressure - p.venous_pressure) / p.baseline_flow;
  r.inv_arterial_drop = 1.0 / (p.arterial_pressure - p.compartment_pressure);
  r.inv_venous_drop = 1.0 / (p.compartment_pressure - p.venous_pressure);
  r.unstressed_volume = unstressed;
  r.collapse_modulus = 2.0 * unstressed / (3.0 * p.compliance);
  r.time_constant = p.compliance * r.arterial_resistance * r.venous_resistance /
                    (r.arterial_resistance + r.venous_resistance);
  r.hyperemia_gain = p.hyperemia_gain;
  r.hyperemia_time = p.hyperemia_time;
  r.debt_time = p.debt_time;
  r.friction_dilation_gain = p.friction_dilation_gain;
  r.dilation_time = p.dilation_time;
  r.max_dilation = p.max_dilation;
  return r;
}

double compartment_pressure_excess(const VascularRegion& r, double v, double p, double& slope) {
  if (v >= r.unstressed_volume) {
    // open: P_c - P_c0 = p + (v - v_u)/C - P_c0 = p + (v - v0)/C, written so that it is
    // exactly 0 at the baseline
    slope = r.inv_compliance;
    return p + (v - r.baseline_volume) * r.inv_compliance;
  }
  // collapsed: P_tm = K (1 - x^(3/2)), x = v_u / v; dP_tm/dv = (3/2) K x^(5/2) / v_u = x^(5/2) / C
  const double x = r.unstressed_volume / v;
  const double sx = std::sqrt(x);
  slope = x * x * sx * r.inv_compliance;
  return p + r.collapse_modulus * (1.0 - x * sx) - r.compartment_pressure;
}

namespace {

// Inflow and outflow as multiples of q0 at pressure excess d = P_c - P_c0.
// Inflow sees max(P_c, p) (waterfall); `open_inflow` is set when it sees P_c, i.e. when
// inflow depends on v.
struct Drives {
  double in = 0;    // (P_a - max(P_c, p))^+ / (P_a - P_c0)
  double out = 0;   // (P_c - P_v)^+ / (P_c0 - P_v)
  bool in_depends_on_v = false;
};

Drives flow_drives(const VascularRegion& r, double d, double p) {
  const double tissue_excess = p - r.compartment_pressure;  // max(P_c, p) - P_c0 when collapsed
  const bool open = d >= tissue_excess;
  const double back = open ? d : tissue_excess;
  Drives q;
  const double a = 1.0 - back * r.inv_arterial_drop;
  const double b = 1.0 + d * r.inv_venous_drop;
  q.in = a > 0 ? a : 0.0;
  q.out = b > 0 ? b : 0.0;
  q.in_depends_on_v = open && a > 0;
  return q;
}

constexpr int kMaxVolumeIterations = 200;

// Backward Euler for the blood volume: the root of
//   f(v) = v - v_n - dt (G q0 in(v) - q0 out(v) + e)
// f is continuous and strictly increasing, negative as v -> 0+ (the collapse law sends
// P_c to -inf, stopping outflow, and the exchange limit keeps dt e >= -v_n / 2) and
// non-negative at hi = v_n + dt (G q0 in_max + max(e, 0)): the root lies in (0, hi].
// Newton from v_n, kept inside the shrinking bracket by bisection; Newton is exact on
// the linear pieces of the open branch and monotone on the concave collapsed branch.
double solve_blood_volume(const VascularRegion& r, double v_n, double p, double conductance, double e,
                          double dt) {
  const double gq = conductance * r.baseline_flow;
  const double q0 = r.baseline_flow;
  const double in_max_drive = std::max(1.0 - (p - r.compartment_pressure) * r.inv_arterial_drop, 0.0);
  double lo = 0.0;
  double hi = v_n + dt * (gq * in_max_drive + std::max(e, 0.0));
  double v = v_n;
  for (int it = 0; it < kMaxVolumeIterations; ++it) {
    double slope = 0;
    const double d = compartment_pressure_excess(r, v, p, slope);
    const Drives q = flow_drives(r, d, p);
    const double f = v - v_n - dt * (gq * q.in - q0 * q.out + e);
    if (f == 0) return v;
    if (f > 0) {
      hi = v;
    } else {
      lo = v;
    }
    double df = 1.0;
    if (q.in_depends_on_v) df += dt * gq * r.inv_arterial_drop * slope;
    if (q.out > 0) df += dt * q0 * r.inv_venous_drop * slope;
    double next = v - f / df;
    // a step below round-off: v is the root. Tested before the bracket, which such a
    // step can touch (f > 0 at v set hi = v, and next rounds to v): bisecting from
    // there cost 30.5 iterations per element on the coarse back's Swedish session,
    // 97 % of them bisections
    const double round_off = 4.0 * std::numeric_limits<double>::epsilon() * next;
    if (std::abs(next - v) <= round_off) return next;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - v) <= 4.0 * std::numeric_limits<double>::epsilon() * next) return next;
    v = next;
  }
  return v;  // not reached in practice: 2.1 iterations per element on average (the coarse
             // back's Swedish session); bisection alone < 120
}

// Exact solution over dt of dy/dt = a - k y (a, k constant, k > 0).
double relax_exact(double y, double a, double k, double dt) {
  const double y_inf = a / k;
  return y_inf + (y - y_inf) * std::exp(-k * dt);
}

// Damping of the explicit exchange on edge (i, j): 1 while dt (L_i + L_j) <= 1, where
// explicit exchange is accurate and monotone, then 1 / (dt (L_i + L_j)), which moves at
// most the volume that would equalise an isolated pair in one step. Either way each
// row satisfies sum_j dt K_ij theta_ij / (V_i C_i) <= 1: the new pressures are convex
// combinations of the old ones (no overshoot, no oscillation) for any dt.
double exchange_damping(double rate_i, double rate_j, double dt) {
  const double x = dt * (rate_i + rate_j);
  return x > 1.0 ? 1.0 / x : 1.0;
}

// Volume flow rate of exchange i <- j (m^3/s), the same bits from both ends with
// opposite sign (every operation is symmetric in i, j except the final difference,
// which IEEE subtraction negates exactly). `limit_i`, `limit_j`: positivity limits,
// applied to the sender; theta = damping x limit keeps each sender's total within the
// half of its blood that pass 2 allowed.
double exchange_flow(double k_ij, double d_i, double d_j, double rate_i, double rate_j, double limit_i,
                     double limit_j, double dt) {
  const double sender_limit = d_i > d_j ? limit_i : (d_j > d_i ? limit_j : 1.0);
  return k_ij * (exchange_damping(rate_i, rate_j, dt) * sender_limit) * (d_j - d_i);
}

// Below this many elements a parallel region costs more than the work.
constexpr Index kParallelMinElements = 2048;

}  // namespace

CirculationModel build_circulation(CirculationInputs in) {
  CirculationModel m;
  require(!in.region_params.empty(), "no region parameters");
  m.regions.reserve(in.region_params.size());
  for (const VascularParams& p : in.region_params) m.regions.push_back(derive_vascular_region(p));
  const std::size_t n = in.element_region.size();
  require(in.element_volume.size() == n, "element_volume must have one entry per element");
  for (std::size_t e = 0; e < n; ++e) {
    const std::int32_t reg = in.element_region[e];
    require(reg >= 0 && static_cast<std::size_t>(reg) < m.regions.size(),
            "element region id out of range of region_params");
    require(std::isfinite(in.element_volume[e]) && in.element_volume[e] > 0, "element volumes must be > 0");
  }
  const bool exchange = !in.exchange_offsets.empty() || !in.exchange_neighbours.empty() ||
                        !in.exchange_conductance.empty();
  if (exchange) {
    require(in.exchange_offsets.size() == n + 1, "exchange_offsets must have element count + 1 entries");
    require(in.exchange_offsets.front() == 0, "exchange_offsets must start at 0");
    for (std::size_t e = 0; e < n; ++e)
      require(in.exchange_offsets[e] <= in.exchange_offsets[e + 1], "exchange_offsets must not decrease");
    const std::size_t edges = in.exchange_offsets.back();
    require(in.exchange_neighbours.size() == edges && in.exchange_conductance.size() == edges,
            "exchange_neighbours and exchange_conductance must have exchange_offsets.back() entries");
    for (std::size_t i = 0; i < n; ++i) {
      for (Index k = in.exchange_offsets[i]; k < in.exchange_offsets[i + 1]; ++k) {
        const Index j = in.exchange_neighbours[k];
        require(j < n, "exchange neighbour id out of range");
        require(j != i, "exchange graph has a self loop");
        require(k == in.exchange_offsets[i] || in.exchange_neighbours[k - 1] < j,
                "exchange rows must be sorted without duplicates");
        require(std::isfinite(in.exchange_conductance[k]) && in.exchange_conductance[k] >= 0,
                "exchange conductances must be finite and >= 0");
        // symmetry: i in row j with the same conductance
        const auto jb = in.exchange_neighbours.begin() + in.exchange_offsets[j];
        const auto je = in.exchange_neighbours.begin() + in.exchange_offsets[j + 1];
        const auto back = std::lower_bound(jb, je, static_cast<Index>(i));
        require(back != je && *back == i, "exchange graph must be symmetric (j in row i iff i in row j)");
        require(in.exchange_conductance[static_cast<std::size_t>(back - in.exchange_neighbours.begin())] ==
                    in.exchange_conductance[k],
                "exchange conductance must be symmetric (K_ij == K_ji)");
      }
    }
  }
  m.params = std::move(in.region_params);
  m.element_region = std::move(in.element_region);
  m.element_volume = std::move(in.element_volume);
  if (exchange) {
    m.exchange_offsets = std::move(in.exchange_offsets);
    m.exchange_neighbours = std::move(in.exchange_neighbours);
    m.exchange_conductance = std::move(in.exchange_conductance);
  }
  return m;
}

CirculationState initial_circulation(const CirculationModel& m) {
  const std::size_t n = m.element_count();
  CirculationState s;
  s.blood_volume.assign(n, 0.0);
  s.dilation.assign(n, 0.0);
  s.debt.assign(n, 0.0);
  s.inflow.assign(n, 0.0);
  s.outflow.assign(n, 0.0);
  s.perfusion_index.assign(n, 1.0);
  s.inflow_volume.assign(n, 0.0);
  s.outflow_volume.assign(n, 0.0);
  s.exchange_volume.assign(n, 0.0);
  s.flushed_volume.assign(n, 0.0);
  for (Index e = 0; e < n; ++e) {
    const VascularRegion& r = m.region_of(e);
    if (!r.vascular) continue;
    s.blood_volume[e] = r.baseline_volume;
    s.inflow[e] = r.baseline_flow;
    s.outflow[e] = r.baseline_flow;
  }
  return s;
}

CirculationScratch make_circulation_scratch(const CirculationModel& m) {
  const std::size_t n = m.element_count();
  CirculationScratch w;
  if (m.has_exchange()) {
    w.pressure_excess.assign(n, 0.0);
    w.exchange_rate.assign(n, 0.0);
    w.exchange_limit.assign(n, 1.0);
  }
  w.partials.assign(reduction_chunk_count(m.element_count()), 0.0);
  return w;
}

void advance_circulation(const CirculationModel& m, std::span<const double> tissue_pressure,
                         std::span<const double> friction_power_density, double dt, CirculationState& s,
                         CirculationScratch& w) {
  const Index n = m.element_count();
  BACKSIM_ASSERT(tissue_pressure.size() == n && friction_power_density.size() == n,
                 "circulation inputs need one value per element");
  BACKSIM_ASSERT(s.blood_volume.size() == n && s.flushed_volume.size() == n,
                 "circulation state not made for this model: use initial_circulation");
  BACKSIM_ASSERT(!m.has_exchange() || w.exchange_limit.size() == n,
                 "circulation scratch not made for this model: use make_circulation_scratch");

  // validate the inputs at the boundary, before anything changes
  if (!(std::isfinite(dt) && dt > 0))
    throw SolverFailure("circulation: time step must be finite and > 0, got " + std::to_string(dt));
  Index bad = 0;
#pragma omp parallel for schedule(static) reduction(+ : bad) if (n >= kParallelMinElements)
  for (Index e = 0; e < n; ++e) {
    const double p = tissue_pressure[e];
    const double f = friction_power_density[e];
    if (!std::isfinite(p) || !std::isfinite(f) || f < 0) ++bad;
  }
  if (bad > 0)
    throw SolverFailure("circulation: " + std::to_string(bad) +
                        " elements have a non-finite tissue pressure or a non-finite or negative friction "
                        "power; check the mechanics step that produced them");

  if (m.has_exchange()) {
    // exchange, pass 1: start-of-step pressure excess and exchange rate of each element
#pragma omp parallel for schedule(static) if (n >= kParallelMinElements)
    for (Index i = 0; i < n; ++i) {
      const VascularRegion& ri = m.region_of(i);
      if (!ri.vascular) {
        w.pressure_excess[i] = 0.0;
        w.exchange_rate[i] = 0.0;
        continue;
      }
      double slope = 0;
      w.pressure_excess[i] = compartment_pressure_excess(ri, s.blood_volume[i], tissue_pressure[i], slope);
      double k_sum = 0;
      for (Index k = m.exchange_offsets[i]; k < m.exchange_offsets[i + 1]; ++k)
        if (m.region_of(m.exchange_neighbours[k]).vascular) k_sum += m.exchange_conductance[k];
      w.exchange_rate[i] = k_sum * slope / m.element_volume[i];
    }
    // exchange, pass 2: limit what each element sends to half its blood per step
#pragma omp parallel for schedule(static) if (n >= kParallelMinElements)
    for (Index i = 0; i < n; ++i) {
      w.exchange_limit[i] = 1.0;
      if (!m.region_of(i).vascular) continue;
      double sent = 0;  // m^3 over the step, undamped by the limit
      for (Index k = m.exchange_offsets[i]; k < m.exchange_offsets[i + 1]; ++k) {
        const Index j = m.exchange_neighbours[k];
        if (!m.region_of(j).vascular) continue;
        const double drop = w.pressure_excess[i] - w.pressure_excess[j];
        if (drop > 0)
          sent += dt * m.exchange_conductance[k] * exchange_damping(w.exchange_rate[i], w.exchange_rate[j], dt) * drop;
      }
      const double available = 0.5 * s.blood_volume[i] * m.element_volume[i];
      if (sent > available) w.exchange_limit[i] = available / sent;
    }
  }

  // per element: dilation, blood volume, flows, debt, outputs
#pragma omp parallel for schedule(static) if (n >= kParallelMinElements)
  for (Index i = 0; i < n; ++i) {
    const VascularRegion& r = m.region_of(i);
    if (!r.vascular) {
      s.inflow[i] = 0.0;
      s.outflow[i] = 0.0;
      s.perfusion_index[i] = 1.0;
      continue;
    }
    const double p = tissue_pressure[i];

    // dilation: dS/dt = k_f w - (k_f w / S_max + 1 / tau_s) S, exact for constant w
    const double drive = r.friction_dilation_gain * friction_power_density[i];
    const double dilation_rate = 1.0 / r.dilation_time + (drive > 0 ? drive / r.max_dilation : 0.0);
    const double S = relax_exact(s.dilation[i], drive, dilation_rate, dt);
    const double conductance = (1.0 + S) * (1.0 + r.hyperemia_gain * s.debt[i]);

    // exchange with neighbours at their start-of-step pressures (1/s per unit tissue volume)
    double exchange = 0.0;
    if (m.has_exchange()) {
      double flow = 0.0;  // m^3/s
      for (Index k = m.exchange_offsets[i]; k < m.exchange_offsets[i + 1]; ++k) {
        const Index j = m.exchange_neighbours[k];
        if (!m.region_of(j).vascular) continue;
        flow += exchange_flow(m.exchange_conductance[k], w.pressure_excess[i], w.pressure_excess[j],
                              w.exchange_rate[i], w.exchange_rate[j], w.exchange_limit[i], w.exchange_limit[j],
                              dt);
      }
      exchange = flow / m.element_volume[i];
    }

    // blood volume: backward Euler, then the flows at the new volume
    const double v = solve_blood_volume(r, s.blood_volume[i], p, conductance, exchange, dt);
    double slope = 0;
    const Drives q = flow_drives(r, compartment_pressure_excess(r, v, p, slope), p);
    const double perfusion = conductance * q.in;  // q_in / q0
    const double q_in = r.baseline_flow * perfusion;
    const double q_out = r.baseline_flow * q.out;

    // debt: dD/dt = u / tau_debt - (u / tau_debt + (1 - u) / tau_h) D, exact for the
    // end-of-step deficit u
    const double deficit = perfusion < 1.0 ? 1.0 - perfusion : 0.0;
    const double charge = deficit / r.debt_time;
    const double debt = relax_exact(s.debt[i], charge, charge + (1.0 - deficit) / r.hyperemia_time, dt);

    s.blood_volume[i] = v;
    s.dilation[i] = S;
    s.debt[i] = debt;
    s.inflow[i] = q_in;
    s.outflow[i] = q_out;
    s.perfusion_index[i] = perfusion;
    s.inflow_volume[i] += dt * q_in;
    s.outflow_volume[i] += dt * q_out;
    s.exchange_volume[i] += dt * exchange;
    if (q_out > q_in) s.flushed_volume[i] += dt * (q_out - q_in);
  }
  s.time += dt;
}

double total_blood_volume(const CirculationModel& m, const CirculationState& s, CirculationScratch& w) {
  return deterministic_sum(m.element_count(), w.partials,
                           [&](Index e) { return m.element_volume[e] * s.blood_volume[e]; });
}

}  // namespace backsim
