// One step of each solver method (SolverMethod); step() in step.hpp picks one.
// Each has the contract of step(): it advances `state` by dt or throws SolverFailure
// leaving `state` as it was.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/step_stats.hpp"

namespace backsim {

// Newton-PCG on the step's incremental potential, friction re-lagged from the
// solution (newton_step.cpp); `guess` (or nullptr) is one of its warm starts.
StepStats newton_step(const Model& model, State& state, Scratch& w, double dt, const double* guess);

// Central differences in sub-steps below the stable time step (explicit_step.cpp).
StepStats explicit_step(const Model& model, State& state, Scratch& w, double dt);

// XPBD: position-based sub-steps, Gauss-Seidel sweeps over tet, contact and friction
// constraints (xpbd_step.cpp).
StepStats xpbd_step(const Model& model, State& state, Scratch& w, double dt);
// Bullet's deformable world in equal sub-steps of at most solver.bullet_time_step
// (engine/bullet/bullet_step.cpp).
StepStats bullet_step(const Model& model, State& state, Scratch& w, double dt);

}  // namespace backsim
