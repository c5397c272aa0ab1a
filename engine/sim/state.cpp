#include "engine/sim/state.hpp"

#include "engine/bullet/bullet_world.hpp"
#include "engine/contact/tool_rest_height.hpp"
#include "engine/sim/tissue_update.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

State initial_state(const Model& model) {
  State s;
  const Index n = model.node_count();
  s.q.assign(model.dof_count(), 0.0);
  for (Index i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k) s.q[3 * i + k] = model.mesh.nodes[i](k);
  // the tool starts touching the undeformed surface, or lifted over it (repeated strokes)
  const DepthPlan plan = model.motion.depth_plan(0.0);
  const double depth = plan.free ? 0.0 : plan.depth;
  s.q[model.tool_dof()] = depth;
  s.velocity.assign(model.dof_count(), 0.0);
  const Eigen::Vector2d xy = model.motion.surface_point(0.0);
  s.tool_position = Vec3(xy.x(), xy.y(), tool_rest_height(model.tools[static_cast<std::size_t>(model.motion.tool(0.0))], xy,
                                                      model.rest_surface_points)) +
                    Vec3(0.0, 0.0, -depth);  // depth is measured along -z (potential.cpp)
  initialise_tissue(model, s);
  return s;
}

TissueForcing make_tissue_forcing(const Model& model) {
  const auto n = static_cast<std::size_t>(model.mesh.tet_count());
  TissueForcing f;
  f.stimulus.assign(n, 0.0);
  f.pressure.assign(n, 0.0);
  if (model.viscous) f.drive_stress.assign(n, Mat3::Zero());
  if (model.has_circulation()) f.friction_power_density.assign(n, 0.0);
  return f;
}

Scratch make_scratch(const Model& model) {
  Scratch s;
  const Index dofs = model.dof_count();
  const Index points = model.contact.point_count();
  for (auto* v : {&s.q_start, &s.q_inertial, &s.q_trial, &s.gradient, &s.direction, &s.rhs})
    v->assign(dofs, 0.0);
  s.dof_free = model.dof_free;
  s.zone_force.assign(model.zones.size(), 0.0);
  s.tet_energy.assign(model.mesh.tet_count(), 0.0);
  s.partials.assign(reduction_chunk_count(std::max({dofs, model.mesh.tet_count(), points})), 0.0);
  s.hessian.bind(model.pattern);
  s.tool_coupling.assign(3 * model.node_count(), 0.0);
  s.preconditioner.assign(model.node_count(), Mat3::Identity());
  if (model.solver.preconditioner == Preconditioner::cholesky) analyse_cholesky(model, s.cholesky);
  if (model.solver.preconditioner == Preconditioner::two_level) build_two_level(model, s.two_level);
  s.pcg.resize(dofs);
  s.contact_phi.assign(points, 0.0);
  s.contact_normal.assign(points, Vec3::Zero());
  s.friction_normal_force.assign(points, 0.0);
  s.friction_normal_before.assign(points, 0.0);
  s.friction_t1.assign(points, Vec3::Zero());
  s.friction_t2.assign(points, Vec3::Zero());
  s.contact_point_start.assign(points, Vec3::Zero());
  s.friction_power.assign(points, 0.0);
  for (const TissueMaterial& mat : model.materials) s.step_matrix.push_back(mat.matrix);
  if (model.viscous) s.step_overstress.assign(model.mesh.tet_count(), Mat3::Zero());
  s.forcing = make_tissue_forcing(model);
  if (model.solver.method == SolverMethod::bullet) {
    // Bullet's world for steps of solver.time_step (a step of another length, a retry
    // or the last one, rebuilds it: the drag depends on the sub-step)
    const double dt = model.solver.time_step;
    s.bullet = std::make_shared<BulletWorld>(model, dt / std::ceil(dt / model.solver.bullet_time_step * (1 - 1e-12)));
  }
  if (model.has_circulation()) {
    s.vessel_pressure.assign(model.mesh.tet_count(), 0.0);
    s.circulation = make_circulation_scratch(model.circulation);
  }
  if (model.solver.method == SolverMethod::xpbd) s.xpbd = make_xpbd_scratch(model);
  return s;
}

}  // namespace backsim
