// The time loop: steps from t = 0 to the model's duration, hands every step and
// every output frame to an observer (which writes files, shows progress: the
// engine itself does no I/O), and retries a failed step as smaller sub-steps.
#pragma once

#include "engine/sim/cycle_path.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/step_stats.hpp"

#include <span>

namespace backsim {

struct SimulationSummary;
struct RunPosition;

class SimulationObserver {
 public:
  virtual ~SimulationObserver() = default;
  // A frame: the state at an output time (t = 0 and every output interval).
  virtual void on_frame(const Model& model, const State& state) = 0;
  virtual void on_step(const Model& model, const State& state, const StepStats& stats) = 0;
  // Asked between steps: return true to stop early (e.g. on SIGINT).
  virtual bool stop_requested() { return false; }
  // Asked at each point where a run can be resumed (between steps; between windows
  // with cycle jumps): return true to be handed the state there (a checkpoint).
  virtual bool checkpoint_due() { return false; }
  // The state and the runner's position at such a point, and (stop_requested) where
  // a stopped run ends: run_simulation(..., &position) continues from it.
  virtual void on_checkpoint(const Model&, const State&, const RunPosition&) {}
};

struct SimulationSummary {
  std::int64_t steps = 0;
  std::int64_t frames = 0;
  std::int64_t retried_steps = 0;  // steps that needed sub-steps
  std::int64_t newton_iterations = 0;
  std::int64_t cg_iterations = 0;
  std::int64_t resolved_cycles = 0;  // cycle jumps: cycles solved in full
  std::int64_t jumped_cycles = 0;    // cycle jumps: cycles replayed (cycle_jump.hpp)
  std::int64_t jumped_periods = 0;   // cycle jumps: periods replayed within solved cycles
  double peak_depth = 0;        // m
  double peak_normal_force = 0; // N, largest z force of the tissue on the tool
  double wall_seconds = 0;
  bool stopped_early = false;
};

// Where a run stands between two steps: enough, with the State, to continue it as if
// it had never stopped (the steps and windows ahead are computed from the model).
struct RunPosition {
  std::int64_t next = 1;              // the next step (k >= 1) or, with cycle jumps, window index
  std::int64_t last_frame_index = 0;  // output frame k is due at t = k * interval
  SimulationSummary summary;          // counters so far (wall_seconds: the time spent so far)
  CyclePath cycle_path;               // with cycle jumps: the warm starts of a cycle resolved again
};

// Runs to the end. Throws SolverFailure when a step fails even after halving the
// time step `kMaxStepHalvings` times; frames already handed out stay valid.
SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer);
// Continues a run from a checkpoint: `state` as it was handed to on_checkpoint with
// `from`. The frame at `from` is not handed out again. The results are bit-identical
// to the run that never stopped.
SimulationSummary run_simulation(const Model& model, State& state, Scratch& scratch,
                                 SimulationObserver& observer, const RunPosition& from);

inline constexpr int kMaxStepHalvings = 3;

// Node displacements (m) of a state: x - X.
void displacement(const Model& model, const State& state, std::span<Vec3> out);

}  // namespace backsim
