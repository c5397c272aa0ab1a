// Everything a step changes, and the scratch memory it works in.
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/model.hpp"
#include "engine/solver/block_sparse_matrix.hpp"
#include "engine/solver/pcg.hpp"

#include <vector>

namespace backsim {

struct State {
  double time = 0;                  // s
  std::int64_t step = 0;            // steps taken
  std::vector<double> q;            // [3 N + 1] node positions (m), then tool depth s (m)
  std::vector<double> velocity;     // [3 N + 1] m/s (dynamic integration)
  Vec3 tool_position{0, 0, 0};      // m, reference point of the tool at `time`
  Vec3 tool_force{0, 0, 0};         // N, force of the tissue on the tool at `time`
};

State initial_state(const Model& model);

// Per-step constants of the incremental potential (filled at the start of a step).
struct StepTargets {
  double time = 0;             // s, end of the step
  double dt = 0;               // s
  Eigen::Vector2d tool_xy{0, 0};  // m, tool reference point over the surface
  double tool_rest_height = 0;    // m, height of the reference point resting on the undeformed skin
  double force_target = 0;     // N (force control)
  Vec3 tool_position_start{0, 0, 0};  // m, tool position at the start of the step
};

// Scratch memory, sized once for a model: a step allocates nothing.
struct Scratch {
  std::vector<double> q_start;      // [dofs] state at the start of the step
  std::vector<double> q_inertial;   // [dofs] inertial target q_n + h v_n
  std::vector<double> q_trial;      // [dofs] line-search trial point
  std::vector<double> gradient;     // [dofs]
  std::vector<double> direction;    // [dofs] Newton direction
  std::vector<double> rhs;          // [dofs]
  std::vector<double> tet_energy;   // [tets]
  std::vector<double> partials;     // [reduction chunks of the largest array]
  BlockSparseMatrix hessian;        // node-node blocks
  std::vector<double> tool_coupling;  // [3 N] Hessian column of the tool depth
  double tool_diagonal = 0;           // Hessian entry of the tool depth
  std::vector<Mat3> preconditioner;   // [nodes] inverse diagonal blocks
  double tool_preconditioner = 0;
  PcgScratch pcg;
  // contact, per quadrature point
  std::vector<double> contact_phi;     // signed distance at the point, m
  std::vector<Vec3> contact_normal;    // tool normal at the point
  std::vector<double> friction_normal_force;  // lagged normal force, N
  std::vector<Vec3> friction_t1, friction_t2; // lagged tangent basis
  std::vector<Vec3> contact_point_start;      // point position at the step start, m
};

Scratch make_scratch(const Model& model);

}  // namespace backsim
