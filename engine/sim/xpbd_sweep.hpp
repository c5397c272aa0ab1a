// One Gauss-Seidel sweep over every tet's constraints, colour by colour, four tets
// at a time (xpbd_tet_constraint.hpp). Called by every thread of an enclosing OpenMP
// parallel region: each colour is an `omp for` over its batches (with its barrier),
// so the caller opens one region for many sweeps instead of one per colour.
// Deterministic: within a colour no two tets share a node, and a batch computes the
// same numbers whichever thread runs it.
#pragma once

#include "engine/sim/xpbd_scratch.hpp"

namespace backsim {

// The fastest kernel this CPU runs (AVX2 if it has it; decided by the CPU alone).
XpbdKernel best_xpbd_kernel();

void sweep_tets(XpbdScratch& x, double* q);

}  // namespace backsim
