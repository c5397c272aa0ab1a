// Small models for engine tests.
#pragma once

#include "engine/core/parallel.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/simulation_spec.hpp"
#include "engine/sim/state.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace backsim::test {

// A 4 x 3 x 2 cm block, 20 kPa, a 1 cm sphere pressing 2 mm over 0.2 s, then a
// 1 cm glide: small enough to solve in well under a second.
inline SimulationSpec small_block_spec() {
  SimulationSpec s;
  s.geometry.size = Vec3(0.04, 0.03, 0.02);
  s.geometry.cells = {8, 6, 4};
  s.material.youngs_modulus = 20e3;
  s.material.poisson_ratio = 0.45;
  s.tool.shape = ToolShape::sphere;
  s.tool.radius = 0.01;
  s.tool.friction = 0.3;
  s.motion.control = ToolControl::kinematic;
  s.motion.path = {{0.0, 0.0}, {0.01, 0.0}};
  s.motion.press_depth = 0.002;
  s.motion.press_time = 0.2;
  s.motion.speed = 0.05;
  s.solver.time_step = 0.05;
  s.output.interval = 0.05;
  return s;
}

// The small block as a muscle: active fibres (sigma_max 300 kPa) and Blemker's
// passive fibre; muscle_block_inputs lays the fibres along x (the glide's
// direction) and gives every tet the resting tone 0.05.
inline SimulationSpec muscle_block_spec() {
  SimulationSpec s = small_block_spec();
  s.material.max_active_stress = 300e3;
  s.material.fibre_scale = 15e3;
  s.material.fibre_exponent = 6.6;
  return s;
}

inline ModelInputs muscle_block_inputs(const SimulationSpec& spec) {
  ModelInputs in = block_model_inputs(spec);
  in.mesh.fibre.assign(in.mesh.tet_count(), Vec3::UnitX());
  in.rest_activation.assign(in.mesh.tet_count(), 0.05);
  return in;
}

// Records every step and frame.
struct RecordingObserver : SimulationObserver {
  std::vector<StepStats> steps;
  std::vector<std::vector<double>> frames;
  void on_frame(const Model&, const State& s) override { frames.push_back(s.q); }
  void on_step(const Model&, const State&, const StepStats& st) override { steps.push_back(st); }
};

// A run's end state and summary.
struct Outcome {
  State state;
  SimulationSummary summary;
};

// Runs the model of `in` to its end, recording it.
inline Outcome run_to_end(const ModelInputs& in) {
  const Model model = build_model(in);
  Outcome o{initial_state(model), {}};
  Scratch w = make_scratch(model);
  RecordingObserver obs;
  o.summary = run_simulation(model, o.state, w, obs);
  return o;
}

// Largest |a_i - b_i| over equally long arrays.
inline double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

// Runs the block of `spec` to its end on `threads` OpenMP threads, recording it.
inline RecordingObserver run_with_threads(const SimulationSpec& spec, int threads) {
  set_threads(threads);
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  RecordingObserver obs;
  run_simulation(m, s, w, obs);
  return obs;
}

// Runs the block of `spec` to its end; returns the final positions (and tool depth).
inline std::vector<double> final_positions(const SimulationSpec& spec) {
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  RecordingObserver obs;
  run_simulation(m, s, w, obs);
  return s.q;
}

// |u - u_ref| / |u_ref| over the nodes, u = q - rest position.
inline double relative_displacement_error(const Model& m, const std::vector<double>& q,
                                          const std::vector<double>& ref) {
  double diff = 0, norm = 0;
  for (Index i = 0; i < m.node_count(); ++i)
    for (int k = 0; k < 3; ++k) {
      const double u = ref[3 * i + k] - m.mesh.nodes[i](k);
      diff += (q[3 * i + k] - ref[3 * i + k]) * (q[3 * i + k] - ref[3 * i + k]);
      norm += u * u;
    }
  return std::sqrt(diff / norm);
}

}  // namespace backsim::test
