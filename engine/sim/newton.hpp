// Projected Newton with a backtracking line search and a preconditioned CG inner
// solve (block Jacobi or a kept sparse Cholesky factor: preconditioner.hpp), on the
// free dofs of one step's potential.
#pragma once

#include "engine/sim/potential.hpp"

#include <span>
#include <string>

namespace backsim {

struct NewtonReport {
  bool converged = false;
  int iterations = 0;
  int cg_iterations = 0;
  double residual = 0;          // N, max |free gradient|
  double energy = 0;            // J
  double min_line_search = 1;
  double min_volume_ratio = 1;
  bool ended_exact = false;     // the last iteration used exact element Hessians (p.project_hessian false)
  std::string failure;          // why it stopped, when not converged
};

// Minimises the step potential from q (updated in place). Starts with projected
// element Hessians unless `start_exact` (q already near a minimum where exact ones
// took full steps: a friction re-lag's solve).
NewtonReport minimise(const StepProblem& p, std::span<double> q, Scratch& w, bool start_exact = false);

}  // namespace backsim
