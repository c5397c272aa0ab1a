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

  // Solves the steps of a window of the time line, cut into whole steps of about
  // solver.time_step (so that every cycle of a stroke is sampled alike).
  // Returns false when the observer asked to stop.
  bool solve_window(const MotionWindow& win, bool last) {
    const auto steps = std::max<std::int64_t>(1, std::llround(win.length / m.solver.time_step));
    const double h = win.length / static_cast<double>(steps);
    const double end = win.start + win.length;
    for (std::int64_t k = 1; k <= steps; ++k) {
      if (observer.stop_requested()) {
        summary.stopped_early = true;
        return false;
      }
      advance_to(k == steps ? end : win.start + static_cast<double>(k) * h, last && k == steps);
    }
    return true;
  }

  // Repeated strokes with cycle jumps (cycle_jump.hpp): the motion's time line cut
  // into windows (waits, stroke cycles, then rest cycles of the last stroke's period),
  // each cycle solved in full or replayed.
  void run_cycles() {
    std::vector<MotionWindow> windows;
    for (const MotionWindow& win : m.motion.windows())
      if (win.start < m.duration) windows.push_back(win);
    constexpr int kRest = -2;
    const double rest = m.motion.last_cycle_period();
    double t = m.motion.end_time();
    while (t < m.duration) {
      windows.push_back({t, rest > 0 ? rest : m.duration - t, rest > 0 ? kRest : MotionWindow::kWait});
      t += windows.back().length;
    }
    if (!windows.empty()) windows.back().length = m.duration - windows.back().start;  // the last may be cut

    CycleRecord record;
    SlowStateSnapshot resolved = make_slow_state_snapshot(m);
    SlowStateSnapshot before = make_slow_state_snapshot(m);
    const std::size_t last = windows.size() - 1;
    std::size_t i = 0;
    while (i < windows.size()) {
      const MotionWindow& win = windows[i];
      if (win.stroke == MotionWindow::kWait) {
        if (!solve_window(win, i == last)) return;
        ++i;
        continue;
      }
      // solve the cycle in full, keeping its forcing
      record.clear(state);
      take_snapshot(m, state, before);
      recording = &record;
      const bool completed = solve_window(win, i == last);
      recording = nullptr;
      if (!completed) return;
      record.finish(state);
      ++i;
      summary.resolved_cycles += 1;

      // jump: replay the record over the following cycles of the same stroke (or rest),
      // never over the run's last window, while the predicted change stays small
      double cycle_change = slow_state_change(m, before, state);
      take_snapshot(m, state, resolved);
      double change = 0;
      std::int64_t jumped = 0;
      while (i < last && windows[i].stroke == win.stroke && windows[i].length == win.length &&
             jumped < m.solver.max_jumped_cycles && change + cycle_change <= m.solver.cycle_jump_tolerance) {
        take_snapshot(m, state, before);
        record.replay(m, state, w);
        state.time = windows[i].start + windows[i].length;  // exact
        ++i;
        ++jumped;
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
  if (model.solver.cycle_jump && model.motion.has_cycles() && model.duration > 0) {
    r.run_cycles();
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
