#include "engine/sim/simulation.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/cycle_jump.hpp"
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
  CycleRecord* recording = nullptr;  // set while a cycle is resolved for a jump
  std::int64_t last_frame_index = 0;  // frame k is due at t = k * interval

  void record(const StepStats& st) {
    summary.steps += 1;
    summary.newton_iterations += st.newton_iterations;
    summary.cg_iterations += st.cg_iterations;
    summary.peak_depth = std::max(summary.peak_depth, st.tool_depth);
    summary.peak_normal_force = std::max(summary.peak_normal_force, st.tool_force.z());
    if (recording != nullptr) recording->add_step(w.forcing);
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

  // Steps to t_next (exactly), then hands out a frame when an output time has been
  // reached or crossed, and at the end.
  void advance_to(double t_next, bool last) {
    advance(t_next - state.time, kMaxStepHalvings);
    state.time = t_next;  // exact, whatever sub-steps did
    frame_if_due(last);
  }

  void frame_if_due(bool last) {
    const auto frame_index = static_cast<std::int64_t>(std::floor(state.time / m.output.interval + 1e-9));
    if (frame_index > last_frame_index || last) {
      observer.on_frame(m, state);
      ++summary.frames;
      last_frame_index = frame_index;
    }
  }

  // Every step solved, at multiples of solver.time_step.
  void run_steps() {
    const double dt = m.solver.time_step;
    // Times are computed from step counts, not accumulated, so that they do not drift.
    const auto step_count = static_cast<std::int64_t>(std::ceil(m.duration / dt - 1e-9));
    for (std::int64_t k = 1; k <= step_count; ++k) {
      if (observer.stop_requested()) {
        summary.stopped_early = true;
        return;
      }
      advance_to(std::min(static_cast<double>(k) * dt, m.duration), k == step_count);
    }
  }

  // Repeated strokes with cycle jumps (cycle_jump.hpp): each cycle is cut into
  // whole steps of about solver.time_step, so that every cycle is sampled alike.
  // The wait before the first stroke is solved step by step.
  void run_cycles(double period) {
    const double dt = m.solver.time_step;
    const double offset = std::min(m.motion.start_time(), m.duration);
    if (offset > 0) {
      const auto wait_steps = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(offset / dt - 1e-9)));
      const double h_wait = offset / static_cast<double>(wait_steps);
      for (std::int64_t k = 1; k <= wait_steps; ++k) {
        if (observer.stop_requested()) {
          summary.stopped_early = true;
          return;
        }
        advance_to(k == wait_steps ? offset : static_cast<double>(k) * h_wait, offset == m.duration && k == wait_steps);
      }
    }
    const auto steps_per_cycle = std::max<std::int64_t>(1, std::llround(period / dt));
    const double h = period / static_cast<double>(steps_per_cycle);
    const auto cycles = static_cast<std::int64_t>(std::ceil((m.duration - offset) / period - 1e-9));
    const auto strokes = static_cast<std::int64_t>(m.motion.cycle_count());
    CycleRecord record;
    SlowStateSnapshot resolved = make_slow_state_snapshot(m);
    SlowStateSnapshot before = make_slow_state_snapshot(m);
    std::int64_t c = 0;
    while (c < cycles) {
      // resolve cycle c in full, keeping its forcing
      const double start = offset + static_cast<double>(c) * period;
      const double end = std::min(start + period, m.duration);
      record.clear(state);
      take_snapshot(m, state, before);
      recording = &record;
      for (std::int64_t k = 1;; ++k) {
        if (observer.stop_requested()) {
          summary.stopped_early = true;
          recording = nullptr;
          return;
        }
        const double t_next = std::min(start + static_cast<double>(k) * h, end);
        const bool cycle_end = k == steps_per_cycle || t_next >= end;
        advance_to(cycle_end ? end : t_next, cycle_end && c + 1 == cycles);
        if (cycle_end) break;
      }
      recording = nullptr;
      record.finish(state);
      ++c;
      summary.resolved_cycles += 1;

      // jump: replay the record over the following cycles of the same kind (stroke
      // or rest), never over the last cycle, while the predicted change stays small
      const std::int64_t jumpable_end = (c - 1 < strokes) ? std::min(strokes, cycles - 1) : cycles - 1;
      double cycle_change = slow_state_change(m, before, state);
      take_snapshot(m, state, resolved);
      double change = 0;
      std::int64_t jumped = 0;
      while (c < jumpable_end && jumped < m.solver.max_jumped_cycles &&
             change + cycle_change <= m.solver.cycle_jump_tolerance) {
        take_snapshot(m, state, before);
        record.replay(m, state, w);
        ++c;
        ++jumped;
        state.time = offset + static_cast<double>(c) * period;  // exact
        cycle_change = slow_state_change(m, before, state);
        change = slow_state_change(m, resolved, state);
      }
      if (jumped > 0) {
        summary.jumped_cycles += jumped;
        frame_if_due(false);
      }
    }
  }
};

}  // namespace

SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer) {
  const auto wall_start = std::chrono::steady_clock::now();
  Runner r{model, state, scratch, observer, {}};
  observer.on_frame(model, state);
  r.summary.frames = 1;
  const double period = model.motion.cycle_period();
  if (model.solver.cycle_jump && period > 0) {
    r.run_cycles(period);
  } else {
    r.run_steps();
  }
  r.summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r.summary;
}

void displacement(const Model& model, const State& state, std::span<Vec3> out) {
  for (Index i = 0; i < model.node_count(); ++i)
    out[i] = Vec3(state.q[3 * i], state.q[3 * i + 1], state.q[3 * i + 2]) - model.mesh.nodes[i];
}

}  // namespace backsim
