// Lumped vascular compartment per element: blood volume, arterial inflow, venous
// outflow through one-way valves, reactive hyperemia and skin vasodilation driven by
// friction (physics.md section 5; derivation, parameters and sources in
// docs/physiology.md, section "Circulation").
//
// Per element, with v the blood volume fraction (m^3 blood per m^3 tissue) and p the
// tissue pressure (Pa, compressive positive, supplied by the mechanics):
//
//   P_c   = p + P_tm(v)                                    compartment (venular) pressure
//   P_tm  = (v - v_u) / C                       v >= v_u   open vessels, linear compliance
//         = K (1 - (v_u / v)^(3/2))             v <  v_u   collapsed vessels (tube law,
//           K = 2 v_u / (3 C)                              Shapiro 1977), slope 1/C at v_u
//   q_in  = G max(P_a - max(P_c, p), 0) / R_a              arterial inflow, no backflow
//   q_out = max(P_c - P_v, 0) / R_v                        venous outflow through valves
//   G     = (1 + S) (1 + k_h D)                            arteriolar conductance multiplier
//   dv/dt = q_in - q_out + e                               e: optional Darcy exchange
//   dS/dt = k_f w (1 - S / S_max) - S / tau_s              skin dilation, w friction power (W/m^3)
//   dD/dt = u (1 - D) / tau_debt - (1 - u) D / tau_h       flow debt, u = max(1 - q_in / q0, 0)
//
// max(P_c, p) is the vascular waterfall (Permutt & Riley 1963, J Appl Physiol 18:924):
// while the compartment is collapsed (P_c < p) its entrance is held shut by the
// tissue, and inflow sees the tissue pressure, not the (lower) lumen pressure. The
// collapse law keeps v > 0 under any finite pressure: compression expels blood down
// to the volume at which the lumen pressure equals P_v, release refills it.
//
// Parameters are given as the baseline they must reproduce (P_a, P_c0, P_v, q0, v0, C
// at p = 0, S = 0, D = 0); R_a = (P_a - P_c0) / q0, R_v = (P_c0 - P_v) / q0 and
// v_u = v0 - C P_c0 follow. Every flow is evaluated as q0 times a dimensionless drive
// that is exactly 1 at baseline, so the baseline is a steady state to the last bit.
//
// Time integration, per step of length dt with p and w held over the step:
//  1. S: the dilation law is linear in S for constant w; integrated exactly.
//  2. v: backward Euler, f(v) = v - v_n - dt (q_in(v) - q_out(v) + e) = 0, with G from
//     the new S and the start-of-step D. f is continuous and strictly increasing
//     (q_in falls and q_out rises with v), so the root is unique; it is bracketed in
//     (0, v_n + dt (q_in,max + max(e, 0))] and found by Newton's method safeguarded by
//     bisection, to round-off. Backward Euler on a monotone scalar law is
//     unconditionally stable and positivity preserving for any dt (1e-4 s to minutes),
//     and reproduces every equilibrium exactly; its first-order error only shapes
//     transients shorter than dt. The relaxation time of v is C R_a R_v / (R_a + R_v),
//     1-10 s, so explicit schemes would fail at the mechanics' 0.5 s steps.
//  3. D: linear in D for the end-of-step u; integrated exactly.
// Each element reads only its own inputs; the exchange reads neighbours' values from
// the start of the step, gathered from scratch arrays filled in earlier passes, so
// results are bit-identical on any number of threads.
//
// Exchange (optional): between neighbours i, j through a symmetric conductance K_ij
// (m^3 / (Pa s)), the volume flow Q_ij = K_ij theta_ij (d_j - d_i), d = P_c - P_c0 the
// compartment pressure above its baseline (so that the baseline stays a steady state
// when regions have different P_c0), from start-of-step values. Q_ij = -Q_ji bit for
// bit, so exchange conserves blood. With L_i = sum_j K_ij / (V_i C_i) the exchange rate
// of element i (C_i = dv/dP_tm at the start of the step), theta_ij = 1 while
// dt (L_i + L_j) <= 1 and 1 / (dt (L_i + L_j)) beyond: the new pressures are convex
// combinations of the old for any dt (no overshoot), and theta is further limited so
// that no element sends more than half its blood in one step (positivity, however
// large the pressure difference). The price: for dt (L_i + L_j) >> 1 (stiff exchange,
// K_ij >> V C / dt) the exchange is throttled to an effective conductance of about
// V C / dt, so compartments under different sustained loads equalise only partly
// within a step; resolve such coupling with steps dt <~ V C / (2 sum K).
#pragma once

#include "engine/core/types.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace backsim {

enum class VascularTissue { skin, fat, fascia, muscle, none };

// One region's vascular law, SI units. Flows and volumes are per unit tissue volume.
// A region with baseline_flow == 0 and baseline_volume == 0 is avascular (bone,
// epidermis-only layers): its elements carry no blood, no flow, and a perfusion index
// of 1 (their flow never departs from its baseline of 0); the other fields are ignored.
struct VascularParams {
  // baseline: p = 0, no dilation, no debt
  double arterial_pressure = 0;     // P_a, Pa: pressure upstream of the resistance vessels
  double compartment_pressure = 0;  // P_c0, Pa: baseline pressure of the compliant (venular) compartment
  double venous_pressure = 0;       // P_v, Pa: pressure beyond the venous valves
  double baseline_flow = 0;         // q0, 1/s: m^3 blood per m^3 tissue per s
  double baseline_volume = 0;       // v0: m^3 blood per m^3 tissue
  double compliance = 0;            // C, 1/Pa: dv/dP_tm of the open vessels
  // reactive hyperemia
  double hyperemia_gain = 0;        // k_h: conductance gain at full debt (D = 1)
  double hyperemia_time = 25;       // tau_h, s: decay of the debt while flow is not in deficit
  double debt_time = 120;           // tau_debt, s: charging of the debt under full occlusion
  // skin vasodilation by friction heating
  double friction_dilation_gain = 0;  // k_f, m^3/J: dilation rate per friction power density
  double dilation_time = 600;         // tau_s, s: decay of the dilation without friction
  double max_dilation = 0;            // S_max: ceiling of S (conductance (1 + S_max) x baseline)

  bool avascular() const { return baseline_flow == 0 && baseline_volume == 0; }
};

// Literature defaults for each tissue kind (sources in circulation.cpp and docs).
VascularParams default_vascular_params(VascularTissue tissue);

// Constants derived once from a region's VascularParams.
struct VascularRegion {
  bool vascular = false;
  double arterial_pressure = 0;     // P_a, Pa
  double compartment_pressure = 0;  // P_c0, Pa
  double venous_pressure = 0;       // P_v, Pa
  double baseline_flow = 0;         // q0, 1/s
  double baseline_volume = 0;       // v0
  double compliance = 0;            // C, 1/Pa
  double inv_compliance = 0;        // 1/C, Pa
  double arterial_resistance = 0;   // R_a = (P_a - P_c0) / q0, Pa s
  double venous_resistance = 0;     // R_v = (P_c0 - P_v) / q0, Pa s
  double inv_arterial_drop = 0;     // 1 / (P_a - P_c0), 1/Pa
  double inv_venous_drop = 0;       // 1 / (P_c0 - P_v), 1/Pa
  double unstressed_volume = 0;     // v_u = v0 - C P_c0
  double collapse_modulus = 0;      // K = 2 v_u / (3 C), Pa
  double time_constant = 0;         // C R_a R_v / (R_a + R_v), s: small-signal relaxation of v
  double hyperemia_gain = 0;        // k_h
  double hyperemia_time = 0;        // tau_h, s
  double debt_time = 0;             // tau_debt, s
  double friction_dilation_gain = 0;  // k_f, m^3/J
  double dilation_time = 0;           // tau_s, s
  double max_dilation = 0;            // S_max
};

// Validates and derives; throws InvalidInput naming the offending field.
VascularRegion derive_vascular_region(const VascularParams& params);

// P_c - P_c0 (Pa) at blood volume fraction v > 0 and tissue pressure p; exactly 0 at
// the baseline (v = v0, p = 0). `slope` receives d(P_c)/dv = 1 / compliance at v.
double compartment_pressure_excess(const VascularRegion& region, double v, double p, double& slope);

// What a circulation model is built from.
struct CirculationInputs {
  std::vector<VascularParams> region_params;  // [region] law of each region id
  std::vector<std::int32_t> element_region;   // [element] region id
  std::vector<double> element_volume;         // [element] tissue volume, m^3 (> 0)
  // optional exchange graph, CSR; empty: no exchange. Rows sorted, no self loops,
  // symmetric: j in row i with K_ij iff i in row j with the same K_ji.
  std::vector<Index> exchange_offsets;        // [element + 1] row ranges
  std::vector<Index> exchange_neighbours;     // [exchange_offsets.back()] neighbour ids
  std::vector<double> exchange_conductance;   // [exchange_offsets.back()] K_ij, m^3 / (Pa s)
};

// Immutable after build.
struct CirculationModel {
  std::vector<VascularParams> params;         // [region] as given
  std::vector<VascularRegion> regions;        // [region] derived constants
  std::vector<std::int32_t> element_region;   // [element]
  std::vector<double> element_volume;         // [element] m^3
  std::vector<Index> exchange_offsets;        // [element + 1] or empty
  std::vector<Index> exchange_neighbours;     // [edges]
  std::vector<double> exchange_conductance;   // [edges] m^3 / (Pa s)

  Index element_count() const { return static_cast<Index>(element_region.size()); }
  bool has_exchange() const { return !exchange_neighbours.empty(); }
  const VascularRegion& region_of(Index element) const {
    return regions[static_cast<std::size_t>(element_region[element])];
  }
};

// Validates (throws InvalidInput) and derives the region constants.
[[nodiscard]] CirculationModel build_circulation(CirculationInputs inputs);

// Everything a step changes. Volumes and flows per unit tissue volume: multiply by
// the element volume for m^3 and m^3/s.
struct CirculationState {
  double time = 0;                        // s
  std::vector<double> blood_volume;       // [element] v, m^3 blood per m^3 tissue
  std::vector<double> dilation;           // [element] S >= 0, friction-driven vasodilation
  std::vector<double> debt;               // [element] D in [0, 1], reactive-hyperemia flow debt
  std::vector<double> inflow;             // [element] q_in over the last step, 1/s
  std::vector<double> outflow;            // [element] q_out over the last step, 1/s
  std::vector<double> perfusion_index;    // [element] q_in / q0 (1 for avascular elements)
  std::vector<double> inflow_volume;      // [element] integral of q_in dt
  std::vector<double> outflow_volume;     // [element] integral of q_out dt
  std::vector<double> exchange_volume;    // [element] integral of e dt (net gain from neighbours)
  // [element] integral of max(q_out - q_in, 0) dt: venous outflow in excess of arterial
  // inflow, the blood squeezed out by compression (exchange with neighbours excluded).
  std::vector<double> flushed_volume;
};

// The baseline: v = v0, S = D = 0, flows q0, perfusion index 1, integrals 0.
CirculationState initial_circulation(const CirculationModel& model);

// Memory a step works in, sized once.
struct CirculationScratch {
  std::vector<double> pressure_excess;  // [element] P_c - P_c0 at the start of the step, Pa
  std::vector<double> exchange_rate;    // [element] L_i, 1/s
  std::vector<double> exchange_limit;   // [element] positivity limit on outgoing exchange, in (0, 1]
  std::vector<double> partials;         // [reduction chunks] for deterministic sums
};

CirculationScratch make_circulation_scratch(const CirculationModel& model);

// Advances the state by dt > 0 with tissue pressure (Pa, compressive positive) and
// friction power density (W/m^3, >= 0) held over the step, both [element]. Allocates
// nothing; throws SolverFailure if an input is not finite (state left unchanged).
void advance_circulation(const CirculationModel& model, std::span<const double> tissue_pressure,
                         std::span<const double> friction_power_density, double dt,
                         CirculationState& state, CirculationScratch& scratch);

// Sum over elements of V_e v_e, m^3 of blood; the same on any thread count.
double total_blood_volume(const CirculationModel& model, const CirculationState& state,
                          CirculationScratch& scratch);

}  // namespace backsim
