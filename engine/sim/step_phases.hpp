// The phases every solver method shares around its own solve of a step: what the
// step aims at before the solve, and what the solved step delivers after it (the
// tool's reaction and work, zone loads, the tissue's slow processes, the record).
//
// A method's step (method_steps.hpp) reads:
//   StepProblem p = begin_step(...);   targets, tissue constants, start of the step
//   ... its own solve of p, moving state.q (and state.velocity where it integrates it) ...
//   return finish_step(...);
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/step_stats.hpp"

#include <chrono>
#include <string>

namespace backsim {

// The step's problem and the start of the step in scratch: targets at the step's
// end, the tissue's constants for dt, w.q_start = state.q, the contact points'
// start positions, and the tool depth's freedom (w.dof_free). `dynamic` sets the
// inertia of the potential (Newton with backward Euler); methods that integrate
// inertia themselves pass false.
StepProblem begin_step(const Model& model, const State& state, Scratch& w, double dt, bool dynamic);

// The solver-specific part of a step's record.
struct SolveReport {
  int iterations = 0;          // Newton iterations, or the method's own (sub-steps x iterations)
  int cg_iterations = 0;
  int substeps = 1;            // sub-steps the method took inside the step
  double residual = 0;         // N
  double energy = 0;           // J
  double min_line_search = 1;
  double min_volume_ratio = 1;  // smallest det F at the end of the step
  // w.gradient holds the end state's gradient, min_volume_ratio is the end state's and
  // `reaction` the tool's reaction with the friction lag the step was solved with:
  // finish_step need not evaluate them again.
  bool solved_at_end = false;
  ToolReaction reaction;
};

// After a solve that left state.q at the end of the step. With `velocity_from_positions`
// the velocities are (q - q_start) / dt (implicit steps); otherwise the method has
// set state.velocity itself. Throws SolverFailure (restoring the start) when an
// element inverted. Evaluates the gradient at the end state unless the solve says
// it has (the slow processes read it), then advances time, tool, totals and tissue.
StepStats finish_step(const StepProblem& p, State& state, Scratch& w, const SolveReport& solve,
                      bool velocity_from_positions, std::chrono::steady_clock::time_point wall_start);

// Restores the step's start and throws SolverFailure naming the step, the time,
// what happened and what to try.
[[noreturn]] void fail_step(State& state, const Scratch& w, double dt, const std::string& what,
                            const char* advice);

}  // namespace backsim
