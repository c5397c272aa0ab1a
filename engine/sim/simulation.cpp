#include "engine/sim/simulation.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/cycle_jump.hpp"
#include "engine/sim/cycle_path.hpp"
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
  CyclePathRecorder path{};          // warm starts for a cycle resolved again
  std::int64_t last_frame_index = 0;  // frame k is due at t = k * interval
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  double wall_before = 0;             // s spent before a resume

  // A point where the run can stop and resume: `next` is the next step or window.
  // Returns false when the observer asked to stop (after handing it the position).
  bool resumable_point(std::int64_t next) {
    const bool stop = observer.stop_requested();
    if (stop || observer.checkpoint_due()) {
      RunPosition position{next, last_frame_index, summary, path.stored()};
      position.summary.wall_seconds = wall_before + seconds_since(wall_start);
      observer.on_checkpoint(m, state, position);
    }
    if (stop) summary.stopped_early = true;
    return !stop;
  }
  static double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  }

  void record(const StepStats& st) {
    summary.steps += 1;
    summary.newton_iterations += st.newton_iterations;
    summary.cg_iterations += st.cg_iterations;
    summary.peak_depth = std::max(summary.peak_depth, st.tool_depth);
    summary.peak_normal_force = std::max(summary.peak_normal_force, st.tool_force.z());
    if (recording != nullptr) recording->add_step(w.forcing);
    observer.on_step(m, state, st);
  }

  // Advances by dt; on failure tries two half steps (without the guess, which is
  // of the whole step's end). A failed step() leaves the state as it was at the
  // start of the step (its contract), so nothing is restored here.
  void advance(double dt, int halvings_left, const double* guess) {
    try {
      record(step(m, state, w, dt, guess));
    } catch (const SolverFailure&) {
      if (halvings_left == 0) throw;
      summary.retried_steps += 1;
      advance(0.5 * dt, halvings_left - 1, nullptr);
      advance(0.5 * dt, halvings_left - 1, nullptr);
    }
  }

  // Steps to t_next (exactly), then hands out a frame when an output time has been
  // reached or crossed, and at the end.
  void advance_to(double t_next, bool last, const double* guess = nullptr) {
    advance(t_next - state.time, kMaxStepHalvings, guess);
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
  void run_steps(std::int64_t first) {
    const double dt = m.solver.time_step;
    // Times are computed from step counts, not accumulated, so that they do not drift.
    const auto step_count = static_cast<std::int64_t>(std::ceil(m.duration / dt - 1e-9));
    for (std::int64_t k = first; k <= step_count; ++k) {
      if (!resumable_point(k)) return;
      advance_to(std::min(static_cast<double>(k) * dt, m.duration), k == step_count);
    }
  }

  // Solves the steps of a window of the time line, cut into whole steps of about
  // solver.time_step (so that every cycle of a stroke is sampled alike). A cycle
  // (`cycle`) starts each step from the same step of the stroke's last resolved
  // cycle where there is one, and keeps its own path. Returns false when the
  // observer asked to stop.
  bool solve_window(const MotionWindow& win, bool last, bool cycle) {
    const auto steps = std::max<std::int64_t>(1, std::llround(win.length / m.solver.time_step));
    const double h = win.length / static_cast<double>(steps);
    const double end = win.start + win.length;
    if (cycle) path.begin(win.stroke, win.length, steps, static_cast<std::size_t>(m.dof_count()));
    for (std::int64_t k = 1; k <= steps; ++k) {
      if (observer.stop_requested()) {
        summary.stopped_early = true;
        return false;
      }
      advance_to(k == steps ? end : win.start + static_cast<double>(k) * h, last && k == steps,
                 cycle ? path.guess(k) : nullptr);
      if (cycle) path.record(k, state.q);
    }
    if (cycle) path.finish();
    return true;
  }

  // Repeated strokes with cycle jumps (cycle_jump.hpp): the motion's time line cut
  // into windows (waits, stroke cycles, then rest cycles of the last stroke's period),
  // each cycle solved in full or replayed.
  void run_cycles(std::int64_t first) {
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
    // Between two windows nothing but the state is carried (the record and snapshots
    // are taken afresh below), so a run can stop and resume there.
    auto i = static_cast<std::size_t>(first - 1);
    while (i < windows.size()) {
      if (!resumable_point(static_cast<std::int64_t>(i) + 1)) return;
      const MotionWindow& win = windows[i];
      if (win.stroke == MotionWindow::kWait) {
        if (!solve_window(win, i == last, /*cycle=*/false)) return;
        ++i;
        continue;
      }
      // solve the cycle in full, keeping its forcing
      record.clear(state);
      take_snapshot(m, state, before);
      recording = &record;
      const bool completed = solve_window(win, i == last, /*cycle=*/true);
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

namespace {

SimulationSummary run_from(Runner& r, std::int64_t first) {
  const Model& model = r.m;
  if (model.solver.cycle_jump && model.motion.has_cycles() && model.duration > 0) {
    r.run_cycles(first);
  } else {
    r.run_steps(first);
  }
  r.summary.wall_seconds = r.wall_before + Runner::seconds_since(r.wall_start);
  return r.summary;
}

}  // namespace

SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer) {
  Runner r{model, state, scratch, observer, {}};
  observer.on_frame(model, state);
  r.summary.frames = 1;
  return run_from(r, 1);
}

SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer, const RunPosition& from) {
  Runner r{model, state, scratch, observer, from.summary};
  r.summary.stopped_early = false;
  r.last_frame_index = from.last_frame_index;
  r.wall_before = from.summary.wall_seconds;
  r.path.restore(from.cycle_path);
  return run_from(r, from.next);
}

void displacement(const Model& model, const State& state, std::span<Vec3> out) {
  for (Index i = 0; i < model.node_count(); ++i)
    out[i] = Vec3(state.q[3 * i], state.q[3 * i + 1], state.q[3 * i + 2]) - model.mesh.nodes[i];
}

}  // namespace backsim
