// The incremental potential that every step minimises over the unknowns
// q = (node positions x, tool depth s):
//
//   E(q) = sum_tets V psi(F)                                  elastic energy
//        - sum_nodes m g . (x - X)                            gravity
//        + sum_nodes m / (2 h^2) |x - x_hat|^2                inertia (backward Euler)
//        + sum_points kappa A / 2 min(phi(x_k - p(s)), 0)^2   contact penalty
//        + sum_points mu lambda_k f0(|u_k|)                   regularised Coulomb friction
//        - F s + k_lim / 2 max(s - s_max, 0)^2               tool pushed with force F
//        + m_tool / (2 h^2) (s - s_hat)^2                     tool inertia (dynamic)
//        + c_tool / (2 h) (s - s_n)^2                         tool damping (dynamic)
//
// Backward Euler is the minimiser of this potential with x_hat = x_n + h v_n
// (Kane et al. 2000; Gast et al. 2015); quasi-static steps drop the inertia.
// Friction follows Li et al. 2020 (IPC): the normal force lambda_k and the tangent
// basis T_k are lagged (taken from a known configuration), u_k = T_k^T (dx_k - dp)
// is the slip over the step, and f0 smooths static friction below slip eps = v_eps h.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"

#include <span>

namespace backsim {

// Integration constants of one step.
struct StepProblem {
  const Model* model = nullptr;
  StepTargets targets;
  bool dynamic = false;
  double h = 0;  // s
  bool project_hessian = true;  // false: exact element Hessians (tests; Newton near convergence)
  std::span<const double> activation;  // [tet] tone during the step (lagged); empty: none
};

// The material point of tet t during a step: fibre, tone, reference tension and the
// remembered overstress (w.step_overstress, filled by prepare_tissue_step).
MaterialPoint material_point(const StepProblem& p, const Scratch& w, Index t);

struct EnergyResult {
  double energy = 0;        // J
  double magnitude = 0;     // J, sum of the absolute values of the terms (round-off scale)
  double min_volume_ratio = 1;  // smallest det F
};

// The tool's reference point for tool depth s.
Vec3 tool_position(const StepTargets& targets, double depth);

EnergyResult evaluate_energy(const StepProblem& p, std::span<const double> q, Scratch& w);
// Energy and its gradient (into w.gradient, every dof, held ones included).
EnergyResult evaluate_gradient(const StepProblem& p, std::span<const double> q, Scratch& w);
// The Hessian (into w.hessian, w.tool_coupling, w.tool_diagonal). With
// p.project_hessian it is positive semi-definite: projected elastic Hessians,
// Gauss-Newton contact; without, exact. Inertia and friction (PSD by construction)
// are the same in both.
void assemble_hessian(const StepProblem& p, std::span<const double> q, Scratch& w);

// Lags the friction normal forces and tangent bases from configuration q with the
// tool at `tool` (the slip reference stays at the start of the step:
// w.contact_point_start).
void lag_friction(const StepProblem& p, std::span<const double> q, const Vec3& tool, Scratch& w);
// Positions of the contact points at the start of the step.
void record_contact_start(const Model& model, std::span<const double> q, Scratch& w);

// Power dissipated by friction at each contact point over the step (W, into
// w.friction_power): the lagged friction force times the slip, over h.
void compute_friction_power(const StepProblem& p, std::span<const double> q, Scratch& w);

struct ToolReaction {
  Vec3 force{0, 0, 0};   // N, force the tissue exerts on the tool
  int active_points = 0; // contact points in contact
  double max_penetration = 0;  // m, deepest contact point inside the tool (the penalty's give)
};
ToolReaction tool_reaction(const StepProblem& p, std::span<const double> q, Scratch& w);

}  // namespace backsim
