// One Gauss-Seidel sweep over every tet's constraints, colour by colour, four tets
// at a time (xpbd_tet_constraint.hpp). Called by every thread of an enclosing OpenMP
// parallel region: each colour is an `omp for` over its batches (with its barrier),
// so the caller opens one region for many sweeps instead of one per colour.
// Deterministic: within a colour no two tets share a node, and a batch computes the
// same numbers whichever thread runs it.
#pragma once

#include "engine/material/stable_neo_hookean.hpp"
#include "engine/sim/xpbd_scratch.hpp"

#include <span>

namespace backsim {

// Whether this CPU has the instructions of `kernel`.
bool cpu_runs(XpbdKernel kernel);

// The fastest kernel this CPU runs (AVX-512VL, else AVX2, else the baseline;
// decided by the CPU alone).
XpbdKernel best_xpbd_kernel();

// The region constants a sweep reads, for sub-steps of length h and the step's
// matrix (Scratch::step_matrix, one per region): 1 / (mu h^2), 1 / (lambda h^2) and
// alpha = 1 + mu / lambda (XpbdScratch::region_constants).
void set_xpbd_region_constants(std::span<const StableNeoHookean> step_matrix, double h, XpbdScratch& x);

// Moves x.node_position and the multipliers.
void sweep_tets(XpbdScratch& x);

}  // namespace backsim
