// Bytes a solver must move through memory per iteration: the numerator of the
// bandwidth floor (floor = bytes / measured triad bandwidth). Counted from the data
// each iteration has to read or write at least once, assuming perfect caching of
// everything else, so the floor is a lower bound on the time of an iteration.
//
// What "an iteration" is, per method:
//   newton    one Newton iteration: Hessian assembly, then its CG iterations
//   explicit  one sub-step: a gradient evaluation and the velocity/position update
//   xpbd      one sweep over every constraint
#pragma once

#include "engine/sim/model.hpp"

namespace backsim::bench {

// Bytes of one iteration of `method` on `model`; cg_per_newton is the mean CG count
// of a Newton iteration (newton only). 0 when no model is given for the method.
double bytes_per_iteration(const Model& model, SolverMethod method, double cg_per_newton);

}  // namespace backsim::bench
