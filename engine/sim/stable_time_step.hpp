// The stable time step of central differences: h <= 2 / omega_max, omega_max^2 the
// largest eigenvalue of M^-1 K. Bounded from above (so h from below) by Gershgorin's
// theorem on M^-1/2 K M^-1/2, with K the step's projected Hessian at its start plus,
// for every contact point within reach of the tool, the penalty it would add if it
// came into contact during the step (so a tool pressing in cannot make the sub-step
// unstable).
#pragma once

#include "engine/sim/potential.hpp"

#include <span>

namespace backsim {

// Upper bound of omega_max^2 (1/s^2) at configuration q over the free dofs, tool
// depth included when it is free (w.dof_free). Contact points closer to the tool
// than `reach` (m) count as pressing. Assembles w.hessian.
double max_frequency_squared_bound(const StepProblem& p, std::span<const double> q, Scratch& w, double reach);

}  // namespace backsim
