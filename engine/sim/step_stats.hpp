// What one time step did: the per-step record kept under /solver/ and /tool/.
#pragma once

#include "engine/core/types.hpp"

namespace backsim {

struct StepStats {
  double time = 0;             // s, at the end of the step
  double dt = 0;               // s
  int newton_iterations = 0;
  int cg_iterations = 0;       // summed over the step's Newton iterations
  int substeps = 1;            // sub-steps the solver method took inside the step (explicit, ...)
  double residual = 0;         // final max-norm of the free residual force, N
  double energy = 0;           // total potential of the step's minimisation problem, J
  double min_line_search = 1;  // smallest accepted line-search step of the step
  double min_volume_ratio = 1; // smallest J = det F over all tets at the end of the step
  int active_contacts = 0;     // contact quadrature points in contact
  double max_penetration = 0;  // m, deepest skin point inside the tool (penalty contact gives a little)
  double wall_seconds = 0;     // wall time of the step

  Vec3 tool_position{0, 0, 0};  // m, tool reference point (sphere centre, ...)
  Vec3 tool_force{0, 0, 0};     // N, force the tissue exerts on the tool
  double tool_depth = 0;        // m, along the press axis below the undeformed surface
  double target_force = 0;      // N, the normal-force target (force control), else 0
};

}  // namespace backsim
