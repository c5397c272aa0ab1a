// One time step: step(model, state, scratch, dt).
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/step_stats.hpp"

namespace backsim {

// Advances `state` by dt. Throws SolverFailure (with a diagnostic naming the step,
// the time and what to try) when the step cannot be solved; `state` is then left
// as it was at the start of the step. `guess` ([dofs] or nullptr): positions near
// the step's end (the same step of a stroke's last resolved cycle, cycle_path.hpp)
// that an iterative method may start from; the result depends on the start state,
// dt and the guess only.
StepStats step(const Model& model, State& state, Scratch& scratch, double dt, const double* guess = nullptr);

// The per-step constants of a step of length dt from `state`: the tool's place, its
// force target and the active stroke's tool.
StepTargets targets_at(const Model& model, const State& state, double dt);
// The same for an interval of length dt from `start_time` with the tool at
// `tool_position_start` (sub-steps of the explicit methods).
StepTargets targets_at(const Model& model, double start_time, const Vec3& tool_position_start, double dt);

}  // namespace backsim
