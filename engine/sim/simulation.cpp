#include "engine/sim/simulation.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/cycle_jump.hpp"
#include "engine/sim/cycle_path.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/window_steps.hpp"

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
  // Periods replayed within a cycle (solve_window): the forcing of the last solved
  // period, and the slow state before the last period and after the solved one.
  CycleRecord period_record{};
  CycleRecord* period_recording = nullptr;  // set while that period is solved
  SlowStateSnapshot period_before{};
  SlowStateSnapshot period_resolved{};
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
    if (period_recording != nullptr) period_recording->add_step(w.forcing);
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

  // Solves the steps of a window of the time line (window_steps.hpp). A cycle
  // (`cycle`) is cut at the periods its hold repeats, whether or not they are
  // replayed (so that solved_periods = 0 solves the same steps); it starts each step
  // from the same step of the stroke's last resolved cycle where there is one, and
  // keeps its own path; its periods are solved up to solver.solved_periods and the
  // last of those replayed over the next (replay_period). Returns false when the
  // observer asked to stop.
  bool solve_window(const MotionWindow& win, bool last, bool cycle) {
    const int solved_periods = m.solver.solved_periods;  // 0: none replayed
    const InnerCycles inner = cycle ? m.motion.inner_cycles(win) : InnerCycles{};
    const std::vector<StepSegment> segments = window_steps(win, inner, m.solver.time_step);
    const std::int64_t steps = step_count(segments);
    if (cycle) path.begin(win.stroke, win.length, steps, static_cast<std::size_t>(m.dof_count()));
    std::int64_t k = 0;             // steps done
    std::int64_t period_first = 0;  // the first step of the period kept for replays
    bool replaying = true;          // until the slow state has moved too far
    double change = 0, period_change = 0;
    for (const StepSegment& seg : segments) {
      if (solved_periods > 0 && seg.period >= solved_periods && replaying) {
        replaying = change + period_change <= m.solver.cycle_jump_tolerance;
        if (replaying) {
          replay_period(seg, period_first, k);
          k += seg.steps;
          period_change = slow_state_change(m, period_before, state);
          change = slow_state_change(m, period_resolved, state);
          continue;
        }
      }
      const bool keep = solved_periods > 0 && seg.period == solved_periods - 1;  // the period replays repeat
      if (keep) {
        period_record.clear(state);
        take_snapshot(m, state, period_before);
        period_recording = &period_record;
        period_first = k + 1;
      }
      for (std::int64_t i = 1; i <= seg.steps; ++i) {
        if (observer.stop_requested()) {
          summary.stopped_early = true;
          period_recording = nullptr;
          return false;
        }
        ++k;
        const double h = seg.length / static_cast<double>(seg.steps);
        const double t_end = i == seg.steps ? seg.end : seg.start + static_cast<double>(i) * h;
        advance_to(t_end, last && k == steps, cycle ? path.guess(k) : nullptr);
        if (cycle) path.record(k, state.q);
      }
      if (keep) {
        period_recording = nullptr;
        period_record.finish(state);
        period_change = slow_state_change(m, period_before, state);
        take_snapshot(m, state, period_resolved);
        change = 0;
      }
    }
    if (cycle) path.finish();
    return true;
  }

  // A period of a cycle's hold replayed from the last solved one (period_record):
  // the slow state advances under that period's forcing, which also joins the
  // cycle's own record; the positions stay at the solved period's end, where this
  // one ends too, the motion being periodic. `before` steps of the window are done.
  void replay_period(const StepSegment& seg, std::int64_t period_first, std::int64_t before) {
    take_snapshot(m, state, period_before);
    period_record.replay(m, state, w);
    state.time = seg.end;  // exact
    if (recording != nullptr) recording->add_steps(period_record);
    for (std::int64_t i = 1; i <= seg.steps; ++i) path.repeat(before + i, period_first + i - 1);
    summary.jumped_periods += 1;
    frame_if_due(false);
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

    period_before = make_slow_state_snapshot(m);
    period_resolved = make_slow_state_snapshot(m);
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
