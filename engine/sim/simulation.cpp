#include "engine/sim/simulation.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/step.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace backsim {

namespace {

struct Runner {
  const Model& m;
  State& state;
  Scratch& w;
  SimulationObserver& observer;
  SimulationSummary summary;

  void record(const StepStats& st) {
    summary.steps += 1;
    summary.newton_iterations += st.newton_iterations;
    summary.cg_iterations += st.cg_iterations;
    summary.peak_depth = std::max(summary.peak_depth, st.tool_depth);
    summary.peak_normal_force = std::max(summary.peak_normal_force, st.tool_force.z());
    observer.on_step(m, state, st);
  }

  // Advances by dt; on failure tries two half steps. A failed step() leaves the
  // state as it was at the start of the step (its contract), so nothing is restored here.
  void advance(double dt, int halvings_left) {
    try {
      record(step(m, state, w, dt));
    } catch (const SolverFailure&) {
      if (halvings_left == 0) throw;
      summary.retried_steps += 1;
      advance(0.5 * dt, halvings_left - 1);
      advance(0.5 * dt, halvings_left - 1);
    }
  }
};

}  // namespace

SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer) {
  const auto wall_start = std::chrono::steady_clock::now();
  Runner r{model, state, scratch, observer, {}};
  const double dt = model.solver.time_step;
  const double interval = model.output.interval;
  // Times are computed from step counts, not accumulated, so that they do not drift.
  const auto step_count = static_cast<std::int64_t>(std::ceil(model.duration / dt - 1e-9));
  std::int64_t frames = 0;
  std::int64_t last_frame_index = 0;  // frame k is due at t = k * interval
  observer.on_frame(model, state);
  ++frames;
  for (std::int64_t k = 1; k <= step_count; ++k) {
    if (observer.stop_requested()) {
      r.summary.stopped_early = true;
      break;
    }
    const double t_next = std::min(static_cast<double>(k) * dt, model.duration);
    r.advance(t_next - state.time, kMaxStepHalvings);
    state.time = t_next;  // exact, whatever sub-steps did
    // one frame when an output time has been reached or crossed, and at the end
    const auto frame_index = static_cast<std::int64_t>(std::floor(state.time / interval + 1e-9));
    if (frame_index > last_frame_index || k == step_count) {
      observer.on_frame(model, state);
      ++frames;
      last_frame_index = frame_index;
    }
  }
  r.summary.frames = frames;
  r.summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r.summary;
}

void displacement(const Model& model, const State& state, std::span<Vec3> out) {
  for (Index i = 0; i < model.node_count(); ++i)
    out[i] = Vec3(state.q[3 * i], state.q[3 * i + 1], state.q[3 * i + 2]) - model.mesh.nodes[i];
}

}  // namespace backsim
