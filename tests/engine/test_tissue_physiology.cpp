// Slow tissue processes coupled to the mechanics: the tone law against its closed
// form, viscous memory against the Prony time constant, and tone in a massaged
// block (drops where stroked, recovers after, same bits on 1 and 2 threads).
#include "engine/core/parallel.hpp"
#include "engine/physiology/muscle_tone.hpp"
#include "engine/sim/tissue_metrics.hpp"
#include "engine/sim/tissue_update.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace backsim;

TEST_CASE("the tone law is integrated exactly for any step", "[physiology][tone]") {
  ToneParams p;
  p.relaxation_rate = 0.02;
  p.half_stimulus = 20;
  p.recovery_time = 60;
  p.pain_pressure = 30e3;
  p.guarding_rate = 0.05;
  p.guarding_width = 10e3;
  const double a0 = 0.05, rest = 0.03, D = 40, pressure = 45e3;
  // closed form of da/dt = -k_r s (a - a_min) + (rest - a)/tau + k_g h (a_max - a)
  const double s = 40.0 / 60.0;                 // D / (D + D50) with n = 1
  const double h_p = 1 - std::exp(-1.5);        // (45 - 30) / 10 kPa
  const double k = p.relaxation_rate * s + 1 / p.recovery_time + p.guarding_rate * h_p;
  const double a_eq = (rest / p.recovery_time + p.guarding_rate * h_p * p.max_activation) / k;
  CHECK(tone_stimulus_response(p, D) == Approx(s).epsilon(1e-14));
  CHECK(tone_guarding_drive(p, pressure) == Approx(h_p).epsilon(1e-14));
  CHECK(tone_guarding_drive(p, 29e3) == 0.0);
  for (double t : {0.01, 1.0, 30.0, 600.0}) {
    const double expected = a_eq + (a0 - a_eq) * std::exp(-k * t);
    // one step of any length, and 100 steps of a hundredth: exact up to round-off
    CHECK(advance_tone(p, a0, rest, D, pressure, t) == Approx(expected).epsilon(1e-12));
    double a = a0;
    for (int i = 0; i < 100; ++i) a = advance_tone(p, a, rest, D, pressure, t / 100);
    CHECK(a == Approx(expected).epsilon(1e-11));
  }
  // without stimulus or pain the tone returns to rest
  CHECK(advance_tone(p, a0, rest, 0, 0, 1e4) == Approx(rest).epsilon(1e-12));
}

TEST_CASE("a held stretch relaxes with the Prony time constant", "[physiology][viscous]") {
  // one tet, viscous matrix (g = 0.4, tau = 2 s), held at a 10 % shear from t = 0
  ModelInputs in;
  in.mesh.nodes = {Vec3(0, 0, 0), Vec3(0.01, 0, 0), Vec3(0, 0.01, 0), Vec3(0, 0, 0.01)};
  in.mesh.tets = {Tet{0, 1, 2, 3}};
  in.mesh.region = {0};
  in.mesh.region_names = {"tissue"};
  MaterialParams mat;
  mat.youngs_modulus = 2 * 1.45 * 10e3;
  mat.prony[0] = PronyTerm{0.4, 2.0};
  in.region_material = {mat};
  in.held_nodes = {0, 1, 2, 3};
  const Model model = build_model(in);
  State state = initial_state(model);
  Scratch w = make_scratch(model);
  Mat3 F = Mat3::Identity();
  F(0, 1) = 0.1;
  for (Index i = 0; i < 4; ++i) Eigen::Map<Vec3>(&state.q[3 * i]) = F * model.mesh.nodes[i];
  const double h = 0.05;
  StepProblem p;
  p.model = &model;
  p.h = h;
  std::vector<double> shear;  // P_01 at each step end
  for (int k = 0; k < 200; ++k) {
    prepare_tissue_step(model, state, h, w);
    const MaterialPoint pt = material_point(p, w, 0);
    shear.push_back(tissue_first_piola(w.step_matrix[0], model.materials[0], pt, F)(0, 1));
    advance_tissue(p, state, w);
  }
  const TissueMaterial& m = model.materials[0];
  const double long_term = tissue_first_piola(m.matrix, m, MaterialPoint{}, F)(0, 1);
  // first step: instantaneous response (1 + beta gamma(h)) of the long-term shape stress
  CHECK(shear[0] > 1.6 * long_term);
  // after: the overstress decays by exp(-h / tau) per step, exactly
  for (std::size_t k = 2; k < shear.size(); ++k) {
    const double ratio = (shear[k] - long_term) / (shear[k - 1] - long_term);
    CHECK(-h / std::log(ratio) == Approx(2.0).epsilon(1e-9));  // tau, to round-off of the ratio
  }
  // the jump is beta gamma(h) = 0.667 * 0.988 of the long-term stress (2 %: the drive and the
  // matrix differ in their volume terms at 10 % shear), and what is left after 199 steps is
  // exp(-199 h / tau) of it
  CHECK((shear[0] - long_term) / long_term == Approx(0.4 / 0.6 * (1 - std::exp(-0.025)) / 0.025).epsilon(0.02));
  CHECK((shear.back() - long_term) / (shear[0] - long_term) == Approx(std::exp(-199 * h / 2.0)).epsilon(1e-9));
}

namespace {

// The small block with fibres along x, a resting tone and a tone law that responds
// within the short run.
ModelInputs toned_block() {
  SimulationSpec spec = test::muscle_block_spec();
  spec.motion.path = {{-0.01, 0.0}, {0.01, 0.0}};
  ModelInputs in = test::muscle_block_inputs(spec);
  ToneParams law;
  law.relaxation_rate = 20;  // fast, so that a 0.6 s stroke shows it, and far from
  law.half_stimulus = 1e4;   // saturation (s ~ D / D50), so that the response stays local
  law.recovery_time = 1.0;
  in.region_tone = {law};
  in.solver.duration = 0.8;
  in.solver.gravity = Vec3::Zero();  // no settling under the block's weight: only the stroke stimulates
  return in;
}

}  // namespace

TEST_CASE("tone drops where the tissue is stroked and recovers without stimulus", "[physiology][tone]") {
  const Model model = build_model(toned_block());
  State state = initial_state(model);
  Scratch w = make_scratch(model);
  test::RecordingObserver obs;
  run_simulation(model, state, w, obs);
  // the tets under the path lost tone; tets far from it kept it
  double min_tone = 1, far_tone = 0;
  for (Index t = 0; t < model.mesh.tet_count(); ++t) {
    min_tone = std::min(min_tone, state.tissue.activation[t]);
    const Vec3 c = 0.25 * (model.mesh.nodes[model.mesh.tets[t][0]] + model.mesh.nodes[model.mesh.tets[t][1]] +
                           model.mesh.nodes[model.mesh.tets[t][2]] + model.mesh.nodes[model.mesh.tets[t][3]]);
    if (std::abs(c.y()) > 0.013 && c.z() < -0.015) far_tone = std::max(far_tone, 0.05 - state.tissue.activation[t]);
  }
  CHECK(min_tone < 0.045);   // at least 10 % relief under the stroke
  // the stimulus is local: deep at the block's sides the drop is a fraction of that
  // under the stroke (measured 0.300 of it with friction re-lagged to 1 %, just under
  // 0.3 with the older two-pass lag; a stimulus that spread evenly would give ~1)
  CHECK(far_tone < 0.4 * (0.05 - min_tone));
  // relief of the whole block's active tension is positive
  // then, without stimulus (the tool holds still), tone recovers toward rest with tau_rec = 1 s
  const double relaxed = min_tone;
  StepProblem p;
  p.model = &model;
  p.h = 0.5;
  for (int k = 0; k < 10; ++k) {  // 5 s of no change: zero stimulus
    prepare_tissue_step(model, state, p.h, w);
    advance_tissue(p, state, w);
  }
  double after = 1;
  for (double a : state.tissue.activation) after = std::min(after, a);
  CHECK(after > 0.05 - (0.05 - relaxed) * 0.05);  // within 5 % of the drop after 5 tau_rec (e^-5 < 1 %)
}

TEST_CASE("tone, stimulus and circulation are bit-identical on 1 and 2 threads", "[physiology][determinism]") {
  ModelInputs in = toned_block();
  in.region_vascular = {default_vascular_params(VascularTissue::muscle)};
  std::vector<std::vector<double>> results;
  for (int threads : {1, 2}) {
    set_threads(threads);
    const Model model = build_model(in);
    State state = initial_state(model);
    Scratch w = make_scratch(model);
    test::RecordingObserver obs;
    run_simulation(model, state, w, obs);
    std::vector<double> r = state.tissue.activation;
    r.insert(r.end(), state.tissue.stimulus_dose.begin(), state.tissue.stimulus_dose.end());
    r.insert(r.end(), state.circulation.blood_volume.begin(), state.circulation.blood_volume.end());
    r.insert(r.end(), state.q.begin(), state.q.end());
    results.push_back(r);
  }
  set_threads(1);
  REQUIRE(results[0].size() == results[1].size());
  CHECK(results[0] == results[1]);
}

namespace {

// Region tension relief (%) and peak element pressure (Pa) after `strokes` strokes
// pressed `depth` into the toned block.
std::pair<double, double> stroke_relief(double depth, int strokes, const ToneParams& law) {
  SimulationSpec spec = test::muscle_block_spec();
  spec.motion.path = {{-0.01, 0.0}, {0.01, 0.0}};
  spec.material.youngs_modulus = 60e3;  // firm enough that the deeper presses pass p_pain = 30 kPa
  spec.motion.press_depth = depth;
  spec.motion.release_time = 0.1;
  spec.motion.lift_height = 0.002;
  spec.motion.repetitions = strokes;
  spec.solver.gravity = Vec3::Zero();
  ModelInputs in = test::muscle_block_inputs(spec);
  in.region_tone = {law};
  const Model model = build_model(in);
  State state = initial_state(model);
  Scratch w = make_scratch(model);
  RegionMetrics before = make_region_metrics(model), after = make_region_metrics(model);
  std::vector<double> tet_scratch(static_cast<std::size_t>(model.mesh.tet_count()));
  measure_regions(model, state, tet_scratch, before);
  struct PeakPressure : test::RecordingObserver {
    double peak = 0;
    void on_step(const Model& m, const State& s, const StepStats& st) override {
      for (double p : s.tissue.pressure) peak = std::max(peak, p);
      test::RecordingObserver::on_step(m, s, st);
    }
  } obs;
  run_simulation(model, state, w, obs);
  measure_regions(model, state, tet_scratch, after);
  return {tension_relief_percent(before.active_tension[0], after.active_tension[0]), obs.peak};
}

}  // namespace

TEST_CASE("tension relief rises with pressure, then falls once guarding sets in", "[physiology][tone]") {
  // four strokes at each depth, default tone law (p_pain = 30 kPa)
  const std::vector<double> depths{1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3};
  std::vector<double> relief;
  double deepest_pressure = 0;
  for (double depth : depths) {
    const auto [r, p] = stroke_relief(depth, 4, ToneParams{});
    INFO("depth " << depth * 1e3 << " mm: relief " << r << " %, peak pressure " << p / 1e3 << " kPa");
    relief.push_back(r);
    deepest_pressure = p;
  }
  REQUIRE(deepest_pressure > 2 * ToneParams{}.pain_pressure);  // the sweep goes well past the threshold
  const auto best = static_cast<std::size_t>(std::max_element(relief.begin(), relief.end()) - relief.begin());
  INFO("most relief " << relief[best] << " % at " << depths[best] * 1e3 << " mm; at 8 mm " << relief.back() << " %");
  // rising, then falling: the optimum is inside the sweep, the curve is monotone on
  // both sides of it, and the deepest press gives clearly less (by a quarter) than the best
  REQUIRE(best > 0);
  REQUIRE(best + 1 < relief.size());
  for (std::size_t k = 1; k <= best; ++k) CHECK(relief[k] > relief[k - 1]);
  for (std::size_t k = best + 1; k < relief.size(); ++k) CHECK(relief[k] < relief[k - 1]);
  CHECK(relief.back() < 0.75 * relief[best]);
  // the fall is guarding's: without it, the deepest press relieves the most
  ToneParams no_guarding;
  no_guarding.guarding_rate = 0;
  const double unguarded_best = stroke_relief(depths[best], 4, no_guarding).first;
  const double unguarded_deepest = stroke_relief(depths.back(), 4, no_guarding).first;
  CHECK(unguarded_deepest > unguarded_best);
}
