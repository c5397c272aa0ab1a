// Lumped vascular compartments: the baseline is a steady state, relaxation follows the
// analytic law with backward Euler's first-order error, compression flushes blood with
// exact mass balance, reactive hyperemia and friction dilation have the documented
// time courses, and the parallel update is deterministic and conservative.
#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"
#include "engine/physiology/circulation.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace backsim;

namespace {

constexpr double kElementVolume = 1e-6;  // m^3, a 1 cm^3 element

CirculationModel model_of(std::vector<VascularParams> params, std::vector<std::int32_t> element_region) {
  CirculationInputs in;
  in.region_params = std::move(params);
  in.element_volume.assign(element_region.size(), kElementVolume);
  in.element_region = std::move(element_region);
  return build_circulation(std::move(in));
}

// One element of one region, driven by a constant pressure and friction.
struct Single {
  CirculationModel model;
  CirculationState state;
  CirculationScratch scratch;
  explicit Single(const VascularParams& p)
      : model(model_of({p}, {0})), state(initial_circulation(model)), scratch(make_circulation_scratch(model)) {}
  void step(double pressure, double friction, double dt) {
    const double pr[1] = {pressure};
    const double fr[1] = {friction};
    advance_circulation(model, pr, fr, dt, state, scratch);
  }
  double v() const { return state.blood_volume[0]; }
  double index() const { return state.perfusion_index[0]; }
  const VascularRegion& region() const { return model.regions[0]; }
};

VascularParams without_hyperemia(VascularParams p) {
  p.hyperemia_gain = 0;
  return p;
}

// Rounding of a volume fraction near v over n steps: each step rounds v to a few ulps.
double round_off(int steps, double v) { return 4.0 * steps * 2.220446049250313e-16 * v; }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<const std::vector<double>*> state_arrays(const CirculationState& s) {
  return {&s.blood_volume,  &s.dilation,       &s.debt,           &s.inflow,          &s.outflow,
          &s.perfusion_index, &s.inflow_volume, &s.outflow_volume, &s.exchange_volume, &s.flushed_volume};
}

}  // namespace

TEST_CASE("default vascular parameters give the documented baselines", "[circulation]") {
  // per-volume flows from ICRP 89 shares of cardiac output (documented in circulation.cpp)
  const VascularRegion skin = derive_vascular_region(default_vascular_params(VascularTissue::skin));
  const VascularRegion muscle = derive_vascular_region(default_vascular_params(VascularTissue::muscle));
  const VascularRegion fat = derive_vascular_region(default_vascular_params(VascularTissue::fat));
  const VascularRegion fascia = derive_vascular_region(default_vascular_params(VascularTissue::fascia));
  const double ml_min_100ml = 1e-2 / 60.0;  // 1 mL/min/100 mL in 1/s
  // the ranges the docs quote: resting muscle 2-5, thermoneutral skin ~10, fat 1.5-4 mL/min/100 mL
  CHECK(muscle.baseline_flow / ml_min_100ml == Approx(4.0).margin(0.1));
  CHECK(skin.baseline_flow / ml_min_100ml == Approx(10.3).margin(0.1));
  CHECK(fat.baseline_flow / ml_min_100ml == Approx(1.64).margin(0.02));
  CHECK(muscle.baseline_volume == Approx(0.0269).margin(1e-4));
  CHECK(skin.baseline_volume == Approx(0.0506).margin(1e-4));
  for (const VascularRegion* r : {&skin, &muscle, &fat, &fascia}) {
    CHECK(r->vascular);
    CHECK(r->unstressed_volume > 0);
    // relaxation of the volume within the 1-10 s of limb venous emptying
    CHECK(r->time_constant > 1.0);
    CHECK(r->time_constant < 10.0);
  }
  CHECK(!derive_vascular_region(default_vascular_params(VascularTissue::none)).vascular);
  // only skin dilates under friction
  CHECK(skin.friction_dilation_gain > 0);
  CHECK(muscle.friction_dilation_gain == 0);
}

TEST_CASE("invalid vascular parameters and inputs are rejected", "[circulation]") {
  VascularParams p = default_vascular_params(VascularTissue::muscle);
  p.compartment_pressure = p.venous_pressure - 1.0;
  CHECK_THROWS_AS(derive_vascular_region(p), InvalidInput);
  p = default_vascular_params(VascularTissue::muscle);
  p.baseline_volume = 0.5 * p.compliance * p.compartment_pressure;  // negative unstressed volume
  CHECK_THROWS_AS(derive_vascular_region(p), InvalidInput);
  CHECK_THROWS_AS(model_of({default_vascular_params(VascularTissue::muscle)}, {1}), InvalidInput);

  // an asymmetric exchange graph
  CirculationInputs in;
  in.region_params = {default_vascular_params(VascularTissue::muscle)};
  in.element_region = {0, 0};
  in.element_volume = {1e-6, 1e-6};
  in.exchange_offsets = {0, 1, 2};
  in.exchange_neighbours = {1, 0};
  in.exchange_conductance = {1e-12, 2e-12};
  CHECK_THROWS_AS(build_circulation(in), InvalidInput);

  // a NaN pressure fails the step and leaves the state as it was
  Single s(default_vascular_params(VascularTissue::muscle));
  const CirculationState before = s.state;
  CHECK_THROWS_AS(s.step(std::nan(""), 0.0, 0.1), SolverFailure);
  CHECK(same_bits(s.state.blood_volume, before.blood_volume));
  CHECK_THROWS_AS(s.step(0.0, -1.0, 0.1), SolverFailure);
}

TEST_CASE("the baseline is a steady state to the last bit", "[circulation]") {
  const CirculationModel model =
      model_of({default_vascular_params(VascularTissue::skin), default_vascular_params(VascularTissue::fat),
                default_vascular_params(VascularTissue::fascia), default_vascular_params(VascularTissue::muscle),
                default_vascular_params(VascularTissue::none)},
               {0, 1, 2, 3, 4, 3, 0});
  CirculationState state = initial_circulation(model);
  const CirculationState start = state;
  CirculationScratch scratch = make_circulation_scratch(model);
  const std::vector<double> zero(model.element_count(), 0.0);
  for (int k = 0; k < 1000; ++k) advance_circulation(model, zero, zero, 1.0, state, scratch);
  CHECK(same_bits(state.blood_volume, start.blood_volume));
  CHECK(same_bits(state.dilation, start.dilation));
  CHECK(same_bits(state.debt, start.debt));
  CHECK(same_bits(state.inflow, start.inflow));
  CHECK(same_bits(state.outflow, start.outflow));
  CHECK(same_bits(state.flushed_volume, start.flushed_volume));
  for (Index e = 0; e < model.element_count(); ++e) {
    CHECK(state.perfusion_index[e] == 1.0);
    // inflow and outflow volumes grow in step: no net gain
    CHECK(state.inflow_volume[e] == state.outflow_volume[e]);
  }
  // the avascular element holds no blood and no flow
  CHECK(state.blood_volume[4] == 0.0);
  CHECK(state.inflow[4] == 0.0);
  CHECK(state.inflow_volume[0] > 0);  // the vascular ones did flow
}

TEST_CASE("a constant tissue pressure relaxes the volume to the analytic equilibrium", "[circulation]") {
  // Open vessels (v >= v_u) with inflow and outflow both positive: the law is linear,
  //   dv/dt = -q0 (1/(P_a - P_c0) + 1/(P_c0 - P_v)) (p + (v - v0)/C),
  // so P_c returns to P_c0 and v -> v_eq = v0 - C p with tau = C / (1/R_a + 1/R_v).
  const VascularParams params = without_hyperemia(default_vascular_params(VascularTissue::muscle));
  const double P_a = params.arterial_pressure, P_c0 = params.compartment_pressure, P_v = params.venous_pressure;
  const double q0 = params.baseline_flow, C = params.compliance, v0 = params.baseline_volume;
  const double p = 500.0;  // Pa: below P_c0 - P_v, so the vessels stay open and draining
  const double v_eq = v0 - C * p;
  const double tau = C / (q0 / (P_a - P_c0) + q0 / (P_c0 - P_v));
  REQUIRE(v_eq > v0 - C * P_c0);  // stays on the open branch
  const double amplitude = v0 - v_eq;

  SECTION("backward Euler matches its closed form and converges at first order") {
    double previous_error = 0;
    for (int refine = 0; refine < 5; ++refine) {
      const int steps = 10 << refine;  // dt = tau/10 ... tau/160
      const double dt = tau / steps;
      Single s(params);
      for (int k = 0; k < steps; ++k) s.step(p, 0.0, dt);
      // backward Euler on a linear law: v_n - v_eq = (v0 - v_eq) (1 + dt/tau)^-n exactly;
      // each step rounds v to a few ulps
      const double be = v_eq + amplitude * std::pow(1.0 + dt / tau, -steps);
      CHECK(std::abs(s.v() - be) <= round_off(steps, v0));
      const double error = std::abs(s.v() - (v_eq + amplitude * std::exp(-1.0)));
      if (refine > 0) {
        // first order: halving dt halves the error (ratio -> 2 as dt -> 0)
        CHECK(previous_error / error == Approx(2.0).margin(0.06));
      }
      previous_error = error;
    }
    CHECK(previous_error < 2e-3 * amplitude);  // dt = tau/160: error ~ dt/(2 tau) e^-1 of the amplitude
  }

  SECTION("small and large steps are stable, monotone and land on the equilibrium") {
    for (const double dt : {1e-4, 0.5, 10.0, 1000.0}) {
      Single s(params);
      // dt = 1e-4 s: 2 s of the transient (the closed form above covers accuracy);
      // the others: 60 tau, when the exponential has decayed by e^-60, or 40 steps,
      // when backward Euler's (tau / dt)^n has
      const bool tiny = dt < 1e-3;
      const int steps = tiny ? 20000 : std::max(static_cast<int>(std::ceil(60.0 * tau / dt)), 40);
      double last = s.v();
      bool monotone = true, above = true;
      for (int k = 0; k < steps; ++k) {
        s.step(p, 0.0, dt);
        // no oscillation, no overshoot past the equilibrium, up to the rounding of v
        monotone = monotone && s.v() <= last + round_off(1, v0);
        above = above && s.v() >= v_eq - round_off(1, v0);
        last = s.v();
      }
      CHECK(monotone);
      CHECK(above);
      if (tiny) {
        const double be = v_eq + amplitude * std::pow(1.0 + dt / tau, -steps);
        CHECK(std::abs(s.v() - be) <= round_off(steps, v0));
      } else {
        CHECK(std::abs(s.v() - v_eq) <= 1e-12 * amplitude);
        CHECK(s.index() == Approx(1.0).margin(1e-9));  // P_c back at P_c0: baseline inflow
      }
    }
  }

  SECTION("above the compartment pressure the vessels collapse to the analytic volume") {
    // p > P_c0: the lumen pressure falls below p (collapsed, v < v_u); inflow sees p
    // (waterfall), q_in = q0 (P_a - p)/(P_a - P_c0), and outflow matches it when
    // P_c = P_v + (P_c0 - P_v) (P_a - p)/(P_a - P_c0); the tube law gives v.
    const double p_high = 5000.0;
    const double P_c = P_v + (P_c0 - P_v) * (P_a - p_high) / (P_a - P_c0);
    const double v_u = v0 - C * P_c0;
    const double K = 2.0 * v_u / (3.0 * C);
    const double v_collapsed = v_u * std::pow(1.0 - (P_c - p_high) / K, -2.0 / 3.0);
    for (const double dt : {0.01, 1.0, 100.0}) {
      Single s(params);
      // 600 s >> the collapsed relaxation time (~1 s), and >= 40 steps so that backward
      // Euler's transient factor (tau / dt)^n has decayed below round-off
      const int steps = std::max(static_cast<int>(std::ceil(600.0 / dt)), 40);
      for (int k = 0; k < steps; ++k) s.step(p_high, 0.0, dt);
      CHECK(s.v() == Approx(v_collapsed).epsilon(1e-12));
      CHECK(s.index() == Approx((P_a - p_high) / (P_a - P_c0)).epsilon(1e-12));
    }
  }
}

TEST_CASE("compression above arterial pressure stops inflow and flushes blood with exact mass balance",
          "[circulation]") {
  const VascularParams params = default_vascular_params(VascularTissue::muscle);
  const double p = 20e3;  // Pa, deep massage: above P_a = 12 kPa
  REQUIRE(p > params.arterial_pressure);
  const VascularRegion r = derive_vascular_region(params);
  // equilibrium: no inflow, so outflow stops at P_c = P_v: P_tm = P_v - p on the tube law
  const double v_end = r.unstressed_volume * std::pow(1.0 + (p - params.venous_pressure) / r.collapse_modulus,
                                                      -2.0 / 3.0);
  for (const double dt : {1e-3, 0.05, 1.0, 30.0}) {
    Single s(params);
    const double v0 = s.v();
    const int steps = std::max(static_cast<int>(std::ceil(120.0 / dt)), 40);
    bool inflow_stopped = true;
    for (int k = 0; k < steps; ++k) {
      s.step(p, 0.0, dt);
      inflow_stopped = inflow_stopped && s.state.inflow[0] == 0.0;
    }
    CHECK(inflow_stopped);  // no inflow against p > P_a
    const CirculationState& st = s.state;
    CHECK(s.v() < v0);
    CHECK(s.v() > 0);
    // mass balance: v(0) - v(t) + integral(in) - integral(out) = 0; each step's
    // solve leaves a residual of a few ulps of v, summed over up to 1.2e5 steps
    CHECK(std::abs(v0 - s.v() + st.inflow_volume[0] - st.outflow_volume[0]) <= 1e-12 * v0);
    // all outflow was flushed (there was no inflow to offset it)
    CHECK(std::abs(st.flushed_volume[0] - (v0 - s.v())) <= 1e-12 * v0);
    // after 2 min (and >= 40 steps) the volume sits at the collapsed equilibrium
    CHECK(s.v() == Approx(v_end).epsilon(1e-9));
    CHECK(st.flushed_volume[0] / v0 > 0.7);  // most of the blood leaves (79 % at 20 kPa)
  }
}

TEST_CASE("reactive hyperemia after a 60 s occlusion", "[circulation]") {
  // Documented time course (docs/physiology.md): after 60 s of occlusion the debt is
  // D = 1 - exp(-60/120) = 0.39, the conductance 1 + 9 D = 4.5; the empty, collapsed
  // compartment refills against the tissue pressure (0), so inflow peaks at release at
  // G P_a / (P_a - P_c0) = 5.4 x baseline, then decays with tau_h = 25 s.
  const VascularParams params = default_vascular_params(GENERATE(VascularTissue::muscle, VascularTissue::skin));
  Single s(params);
  const double dt = 0.05;
  for (int k = 0; k < 1200; ++k) s.step(20e3, 0.0, dt);  // 60 s at 20 kPa > P_a
  CHECK(s.index() == 0.0);
  const double expected_debt = -std::expm1(-60.0 / params.debt_time);
  CHECK(s.state.debt[0] == Approx(expected_debt).epsilon(1e-12));  // exact integration of the debt law

  double peak = 0, peak_time = 0, at_2_min = 0, excess_volume = 0;
  for (int k = 1; k <= 6000; ++k) {  // 300 s of recovery
    s.step(0.0, 0.0, dt);
    const double t = k * dt;
    if (s.index() > peak) {
      peak = s.index();
      peak_time = t;
    }
    if (k == 2400) at_2_min = s.index();
    excess_volume += dt * (s.state.inflow[0] - params.baseline_flow);
  }
  const double expected_peak =
      (1.0 + params.hyperemia_gain * expected_debt) * params.arterial_pressure /
      (params.arterial_pressure - params.compartment_pressure);
  CHECK(peak == Approx(expected_peak).epsilon(0.01));  // first step's conductance decay: dt/tau_h = 0.2 %
  CHECK(peak > 4.0);
  CHECK(peak_time <= 10.0);
  CHECK(std::abs(at_2_min - 1.0) < 0.05);      // back within a few % after 2 min
  CHECK(std::abs(s.index() - 1.0) < 1e-3);     // and at baseline after 5 min
  CHECK(excess_volume > 0);                    // the debt is repaid by extra inflow
}

TEST_CASE("friction on skin raises perfusion many-fold - muscle is unaffected", "[circulation]") {
  // Deep effleurage (docs): 1.25e4 W/m^3 in the skin under the hand for 1 s of every
  // 2.5 s stroke cycle (stroke average 5e3 W/m^3), for 2 x 6 min with 1 min between.
  const CirculationModel model = model_of(
      {default_vascular_params(VascularTissue::skin), default_vascular_params(VascularTissue::muscle)}, {0, 1});
  CirculationState state = initial_circulation(model);
  CirculationScratch scratch = make_circulation_scratch(model);
  const double dt = 0.25;
  const std::vector<double> pressure(2, 0.0);
  std::vector<double> friction(2, 0.0);
  double t = 0;
  auto run = [&](double duration, bool massage) {
    const int steps = static_cast<int>(std::lround(duration / dt));
    for (int k = 0; k < steps; ++k) {
      const double phase = std::fmod(t, 2.5);
      const double w = massage && phase < 1.0 ? 1.25e4 : 0.0;
      friction = {w, w};
      advance_circulation(model, pressure, friction, dt, state, scratch);
      t += dt;
    }
  };
  run(360.0, true);
  const double after_first = state.perfusion_index[0];
  run(60.0, false);
  run(360.0, true);
  const double after_massage = state.perfusion_index[0];
  CHECK(after_first > 4.0);
  CHECK(after_massage > 5.0);  // many-fold, as Hinds 2004 measured on massaged skin
  CHECK(state.dilation[0] <= model.regions[0].max_dilation);
  // the same input leaves muscle exactly at baseline (no friction dilation, no pressure)
  CHECK(state.perfusion_index[1] == 1.0);
  CHECK(state.dilation[1] == 0.0);

  run(600.0, false);  // 10 min rest: S decays with tau_s = 600 s
  const double after_rest = state.perfusion_index[0];
  CHECK(after_rest < after_massage);
  CHECK(after_rest > 1.5);  // still elevated after 10 min
  run(2400.0, false);
  CHECK(state.perfusion_index[0] < 1.1);  // 50 min later: S = 10 e^-5, near baseline
}

TEST_CASE("circulation is bit-identical on 1 and 2 threads and exchange conserves blood", "[circulation]") {
  // A 60 x 50 grid of elements of random tissue with 4-neighbour exchange, random
  // volumes and conductances, and random pressures, friction and step lengths.
  const Index nx = 60, ny = 50, n = nx * ny;
  std::mt19937 rng(20240611);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  CirculationInputs in;
  for (const VascularTissue t : {VascularTissue::skin, VascularTissue::fat, VascularTissue::fascia,
                                 VascularTissue::muscle, VascularTissue::none})
    in.region_params.push_back(default_vascular_params(t));
  std::uniform_int_distribution<std::int32_t> region(0, 4);
  for (Index e = 0; e < n; ++e) {
    in.element_region.push_back(region(rng));
    in.element_volume.push_back(1e-7 * (1.0 + 9.0 * unit(rng)));
  }
  // symmetric conductances per grid edge; 2e-12 m^3/(Pa s) on a 1e-6 m^3 element is an
  // exchange rate of ~0.5-3 /s, comparable to the flows, so large steps need the damping
  std::vector<double> horizontal(n), vertical(n);
  for (Index e = 0; e < n; ++e) {
    horizontal[e] = 2e-12 * unit(rng);
    vertical[e] = 2e-12 * unit(rng);
  }
  in.exchange_offsets.push_back(0);
  for (Index y = 0; y < ny; ++y)
    for (Index x = 0; x < nx; ++x) {
      const Index e = y * nx + x;
      if (y > 0) { in.exchange_neighbours.push_back(e - nx); in.exchange_conductance.push_back(vertical[e - nx]); }
      if (x > 0) { in.exchange_neighbours.push_back(e - 1); in.exchange_conductance.push_back(horizontal[e - 1]); }
      if (x + 1 < nx) { in.exchange_neighbours.push_back(e + 1); in.exchange_conductance.push_back(horizontal[e]); }
      if (y + 1 < ny) { in.exchange_neighbours.push_back(e + nx); in.exchange_conductance.push_back(vertical[e]); }
      in.exchange_offsets.push_back(static_cast<Index>(in.exchange_neighbours.size()));
    }
  const CirculationModel model = build_circulation(in);

  // the driving inputs, drawn once
  const std::size_t steps = 80;
  std::vector<std::vector<double>> pressure(steps, std::vector<double>(n)), friction = pressure;
  std::vector<double> dts(steps);
  const double dt_choices[] = {1e-3, 0.05, 0.5, 3.0};
  for (std::size_t k = 0; k < steps; ++k) {
    dts[k] = dt_choices[k % 4];
    for (Index e = 0; e < n; ++e) {
      // a press covers a third of the elements, up to deep-friction pressures
      pressure[k][e] = unit(rng) < 0.33 ? 3e4 * unit(rng) : 0.0;
      friction[k][e] = 2e4 * unit(rng);
    }
  }
  auto run = [&](int threads) {
    const int saved = max_threads();
    set_threads(threads);
    CirculationState s = initial_circulation(model);
    CirculationScratch w = make_circulation_scratch(model);
    for (std::size_t k = 0; k < steps; ++k) advance_circulation(model, pressure[k], friction[k], dts[k], s, w);
    set_threads(saved);
    return s;
  };
  const CirculationState one = run(1);
  const CirculationState two = run(2);
  const auto a = state_arrays(one), b = state_arrays(two);
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(same_bits(*a[k], *b[k]));

  // the exchange moved blood...
  double moved = 0, blood = 0, exchanged = 0, net_flow = 0, change = 0;
  const CirculationState start = initial_circulation(model);
  for (Index e = 0; e < n; ++e) {
    const double V = model.element_volume[e];
    moved += V * std::abs(one.exchange_volume[e]);
    exchanged += V * one.exchange_volume[e];
    blood += V * one.blood_volume[e];
    net_flow += V * (one.inflow_volume[e] - one.outflow_volume[e]);
    change += V * (one.blood_volume[e] - start.blood_volume[e]);
    CHECK(one.blood_volume[e] >= 0.0);
    // per element: v - v0 = in - out + exchange, to the round-off of the solves
    CHECK(std::abs(one.blood_volume[e] - start.blood_volume[e] -
                   (one.inflow_volume[e] - one.outflow_volume[e] + one.exchange_volume[e])) <=
          1e-12 * (start.blood_volume[e] + 1e-3));
  }
  REQUIRE(moved > 1e-3 * blood);
  // ...and conserved it: the pairwise fluxes cancel bit for bit, leaving the rounding
  // of each element's division by its volume (~1e-16 relative per element and step)
  CHECK(std::abs(exchanged) <= 1e-12 * moved);
  CHECK(std::abs(change - net_flow) <= 1e-12 * blood);
  CirculationScratch w = make_circulation_scratch(model);
  CHECK(total_blood_volume(model, one, w) == Approx(blood).epsilon(1e-13));  // same sum, another order
}

TEST_CASE("exchange between two compartments converges to the analytic solution", "[circulation]") {
  // Two muscle elements on the open, linear branch, one pressed with p = 500 Pa. With
  // x_i = v_i - v0, d_i = p_i + x_i / C, g = q0 (1/(P_a - P_c0) + 1/(P_c0 - P_v)), k = K/V:
  //   dx_i/dt = -g d_i + k (d_j - d_i)
  // the sum relaxes at rate g/C and the difference at (g + 2k)/C, both to -C p:
  //   x0 + x1 = -C p (1 - exp(-g t / C)),  x0 - x1 = -C p (1 - exp(-(g + 2k) t / C)).
  const VascularParams params = without_hyperemia(default_vascular_params(VascularTissue::muscle));
  const double C = params.compliance, q0 = params.baseline_flow, v0 = params.baseline_volume;
  const double g = q0 / (params.arterial_pressure - params.compartment_pressure) +
                   q0 / (params.compartment_pressure - params.venous_pressure);
  const double V = 1e-6, K = g * V;  // exchange as fast as the element's own flows
  const double p = 500.0, T = 3.0;
  const double sum = -C * p * (1.0 - std::exp(-g * T / C));
  const double diff = -C * p * (1.0 - std::exp(-3.0 * g * T / C));
  const double x0 = 0.5 * (sum + diff), x1 = 0.5 * (sum - diff);
  CirculationInputs in;
  in.region_params = {params};
  in.element_region = {0, 0};
  in.element_volume = {V, V};
  in.exchange_offsets = {0, 1, 2};
  in.exchange_neighbours = {1, 0};
  in.exchange_conductance = {K, K};
  const CirculationModel model = build_circulation(in);
  const std::vector<double> pressure = {p, 0.0}, friction = {0.0, 0.0};
  double previous = 0;
  for (int refine = 0; refine < 4; ++refine) {
    const int steps = 30 << refine;
    const double dt = T / steps;
    CirculationState s = initial_circulation(model);
    CirculationScratch w = make_circulation_scratch(model);
    for (int k = 0; k < steps; ++k) advance_circulation(model, pressure, friction, dt, s, w);
    const double error = std::abs(s.blood_volume[0] - v0 - x0) + std::abs(s.blood_volume[1] - v0 - x1);
    if (refine > 0) CHECK(previous / error == Approx(2.0).margin(0.15));  // first order in dt
    previous = error;
    // the neighbour gained what the exchange took from the pressed element
    CHECK(s.exchange_volume[0] == -s.exchange_volume[1]);
  }
  CHECK(previous < 0.01 * C * p);  // dt = 25 ms: within 1 % of the displaced volume
}

TEST_CASE("very strong exchange with long steps stays positive and conservative", "[circulation]") {
  // Two muscle elements joined by a conductance 1e6 x that of their own flows (an
  // exchange rate of ~3e5 /s), one pressed to 8 kPa (collapsed), steps up to 5 s: the
  // damped exchange must neither overshoot into negative volumes nor create blood.
  CirculationInputs in;
  in.region_params = {without_hyperemia(default_vascular_params(VascularTissue::muscle))};
  in.element_region = {0, 0};
  in.element_volume = {1e-6, 1e-6};
  const CirculationModel alone = build_circulation(in);
  in.exchange_offsets = {0, 1, 2};
  in.exchange_neighbours = {1, 0};
  in.exchange_conductance = {1e-6, 1e-6};
  const CirculationModel model = build_circulation(in);
  const std::vector<double> pressure = {8e3, 0.0}, friction = {0.0, 0.0};
  CirculationState s = initial_circulation(model), uncoupled = initial_circulation(alone);
  CirculationScratch w = make_circulation_scratch(model), w_alone = make_circulation_scratch(alone);
  bool positive = true, conserved = true;
  // long steps first (throttled exchange), then short ones, where the exchange is
  // still 1e3 x stiffer than 1/dt but its throttled conductance V C / dt is 1e3 x the
  // element's own: the pressures must then equalise
  for (const double dt : {5.0, 0.5, 1e-3}) {
    for (int k = 0; k < 50; ++k) {
      advance_circulation(model, pressure, friction, dt, s, w);
      advance_circulation(alone, pressure, friction, dt, uncoupled, w_alone);
      positive = positive && s.blood_volume[0] > 0 && s.blood_volume[1] > 0;
      conserved = conserved && s.exchange_volume[0] == -s.exchange_volume[1];
    }
  }
  CHECK(positive);
  CHECK(conserved);  // equal volumes: the pairwise fluxes cancel bit for bit
  // the exchange pulls the two compartment pressures together
  double slope = 0;
  const VascularRegion& r = model.regions[0];
  const double gap = std::abs(compartment_pressure_excess(r, s.blood_volume[0], 8e3, slope) -
                              compartment_pressure_excess(r, s.blood_volume[1], 0.0, slope));
  const double gap_alone = std::abs(compartment_pressure_excess(r, uncoupled.blood_volume[0], 8e3, slope) -
                                    compartment_pressure_excess(r, uncoupled.blood_volume[1], 0.0, slope));
  CHECK(gap < 0.01 * gap_alone);

  // no overshoot: from the baseline, one long step with a gentle press on the open
  // branch (500 Pa) may at most equalise the two pressures, never swap them
  const std::vector<double> gentle = {500.0, 0.0};
  for (const double dt : {0.1, 5.0}) {
    CirculationState fresh = initial_circulation(model);
    advance_circulation(model, gentle, friction, dt, fresh, w);
    const double d0 = compartment_pressure_excess(r, fresh.blood_volume[0], 500.0, slope);
    const double d1 = compartment_pressure_excess(r, fresh.blood_volume[1], 0.0, slope);
    CHECK(d0 >= d1 - 1e-6);  // Pa: round-off of d ~ ulp(v) / C
    CHECK(d1 > 0);           // and the exchange did move blood to the neighbour
  }
}
