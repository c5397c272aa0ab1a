#include "engine/sim/potential.hpp"

#include "engine/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim {

namespace {

// The press axis: tools press along -z (into the skin). d p / d s = kPressAxis.
const Vec3 kPressAxis(0.0, 0.0, -1.0);

inline Vec3 node_position(std::span<const double> q, Index node) {
  return Vec3(q[3 * node], q[3 * node + 1], q[3 * node + 2]);
}

inline std::array<Vec3, 4> tet_positions(const Model& m, std::span<const double> q, Index t) {
  const Tet& tet = m.mesh.tets[t];
  return {node_position(q, tet[0]), node_position(q, tet[1]), node_position(q, tet[2]),
          node_position(q, tet[3])};
}

inline Vec3 contact_point(const Model& m, std::span<const double> q, Index k) {
  const Tri& tri = m.surface.tris[m.contact.tri[k]];
  const Vec3& b = m.contact.barycentric[k];
  return b(0) * node_position(q, tri[0]) + b(1) * node_position(q, tri[1]) + b(2) * node_position(q, tri[2]);
}

// Regularised Coulomb friction (Li et al. 2020, eq. 14-16): f0 is the smoothed
// |u|, f1 = f0' and the 2x2 Hessian below is positive semi-definite by construction.
struct FrictionKernel {
  double eps;  // slip at which static friction turns into sliding, m
  double f0(double y) const { return y >= eps ? y : -y * y * y / (3 * eps * eps) + y * y / eps + eps / 3; }
  double f1_over_y(double y) const { return y >= eps ? 1.0 / y : -y / (eps * eps) + 2.0 / eps; }
  Eigen::Matrix2d hessian(const Eigen::Vector2d& u) const {
    const double y = u.norm();
    if (y >= eps) {
      return (Eigen::Matrix2d::Identity() - u * u.transpose() / (y * y)) / y;
    }
    // (f1'(y) y - f1(y)) / y^3 = -1 / (eps^2 y): the u u^T term vanishes with y.
    const Eigen::Matrix2d iso = f1_over_y(y) * Eigen::Matrix2d::Identity();
    return y > 0 ? Eigen::Matrix2d(iso - u * u.transpose() / (eps * eps * y)) : iso;
  }
};

inline FrictionKernel friction_kernel(const StepProblem& p) {
  return {p.model->solver.friction_velocity * p.h};
}

inline double tool_depth_limit_stiffness(const Model& m) { return 1e3 * m.tool_regularisation; }

// Tool-depth terms: -F s + k_lim/2 max(s - s_max, 0)^2 + m_t/(2h^2)(s - s_hat)^2.
struct ToolTerms {
  double energy, gradient, hessian;
};
ToolTerms tool_terms(const StepProblem& p, std::span<const double> q, const Scratch& w) {
  const Model& m = *p.model;
  ToolTerms t{0, 0, 0};
  if (p.targets.stroke->control != ToolControl::force) return t;
  const double s = q[m.tool_dof()];
  t.energy = -p.targets.force_target * s;
  t.gradient = -p.targets.force_target;
  const double over = s - p.targets.stroke->max_depth;
  if (over > 0) {
    const double k = tool_depth_limit_stiffness(m);
    t.energy += 0.5 * k * over * over;
    t.gradient += k * over;
    t.hessian += k;
  }
  if (p.dynamic) {
    // inertia m/(2h^2)(s - s_hat)^2 and damping c/(2h)(s - s_n)^2, whose gradient
    // c (s - s_n)/h is the damping force at the end-of-step velocity
    const double k = p.targets.tool_spec->mass / (p.h * p.h);
    const double ds = s - w.q_inertial[m.tool_dof()];
    const double c = p.targets.tool_spec->damping / p.h;
    const double dv = s - w.q_start[m.tool_dof()];
    t.energy += 0.5 * k * ds * ds + 0.5 * c * dv * dv;
    t.gradient += k * ds + c * dv;
    t.hessian += k + c;
  }
  return t;
}

// Signed distances of every contact point to the tool placed at `tool` (parallel,
// each point independent).
void compute_contact_distances(const Model& m, const ToolGeometry& shape, const Vec3& tool, std::span<const double> q,
                               Scratch& w) {
  const Index n = m.contact.point_count();
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < n; ++k) {
    const SignedDistance d = tool_signed_distance(shape, tool, contact_point(m, q, k));
    w.contact_phi[k] = d.phi;
    w.contact_normal[k] = d.normal;
  }
}

// Slip of point k over the step, in its lagged tangent basis.
inline Eigen::Vector2d slip(const Model& m, std::span<const double> q, const Scratch& w, Index k,
                            const Vec3& tool_displacement) {
  const Vec3 d = contact_point(m, q, k) - w.contact_point_start[k] - tool_displacement;
  return {w.friction_t1[k].dot(d), w.friction_t2[k].dot(d)};
}

}  // namespace

MaterialPoint material_point(const StepProblem& p, const Scratch& w, Index t) {
  const Model& m = *p.model;
  MaterialPoint pt;
  if (!m.fibre.empty()) pt.fibre = m.fibre[t];
  if (!p.activation.empty()) pt.activation = p.activation[t];
  if (!m.reference_tension.empty()) pt.reference_tension = m.reference_tension[t];
  if (m.viscous && m.materials[static_cast<std::size_t>(m.mesh.region[t])].viscous())
    pt.overstress = &w.step_overstress[t];
  return pt;
}

Vec3 tool_position(const StepTargets& targets, double depth) {
  return Vec3(targets.tool_xy.x(), targets.tool_xy.y(), targets.tool_rest_height) + depth * kPressAxis;
}

namespace {

// The total energy from the per-tet energies in w.tet_energy and the contact
// distances in w.contact_phi: every sum in a fixed order, so that the energy of the
// line search and of the gradient evaluation agree to the last bit.
EnergyResult total_energy(const StepProblem& p, std::span<const double> q, Scratch& w, double min_j) {
  const Model& m = *p.model;
  EnergyResult r;
  r.min_volume_ratio = min_j;
  const auto add = [&r](double term) {
    r.energy += term;
    r.magnitude += std::abs(term);
  };
  add(deterministic_sum(m.mesh.tet_count(), w.partials, [&](Index t) { return w.tet_energy[t]; }));

  // gravity and inertia per node
  const Vec3 g = m.solver.gravity;
  const double inv_h2 = p.dynamic ? 1.0 / (p.h * p.h) : 0.0;
  add(deterministic_sum(m.node_count(), w.partials, [&](Index i) {
    const Vec3 x = node_position(q, i);
    double e = -m.node_mass[i] * g.dot(x - m.mesh.nodes[i]);
    if (p.dynamic) e += 0.5 * m.node_mass[i] * inv_h2 * (x - node_position(w.q_inertial, i)).squaredNorm();
    return e;
  }));

  // contact and friction per quadrature point
  const double mu = p.targets.tool_spec->friction;
  const FrictionKernel fk = friction_kernel(p);
  const Vec3 tool_disp = tool_position(p.targets, q[m.tool_dof()]) - p.targets.tool_position_start;
  add(deterministic_sum(m.contact.point_count(), w.partials, [&](Index k) {
    double e = 0;
    const double phi = w.contact_phi[k];
    if (phi < 0) e += 0.5 * m.contact_stiffness[k] * m.contact.area[k] * phi * phi;
    const double lambda = w.friction_normal_force[k];
    if (lambda > 0 && mu > 0) e += mu * lambda * fk.f0(slip(m, q, w, k, tool_disp).norm());
    return e;
  }));

  add(tool_terms(p, q, w).energy);
  return r;
}

}  // namespace

EnergyResult evaluate_energy(const StepProblem& p, std::span<const double> q, Scratch& w) {
  const Model& m = *p.model;
  const Index n_tets = m.mesh.tet_count();
  double min_j = std::numeric_limits<double>::infinity();
#pragma omp parallel for schedule(static) reduction(min : min_j)
  for (Index t = 0; t < n_tets; ++t) {
    const auto x = tet_positions(m, q, t);
    const TetElement& e = m.elements[t];
    const Mat3 F = deformation_gradient(x, e.Dm_inv);
    min_j = std::min(min_j, F.determinant());
    const auto r = static_cast<std::size_t>(m.mesh.region[t]);
    w.tet_energy[t] = e.volume * tissue_energy_density(w.step_matrix[r], m.materials[r], material_point(p, w, t), F);
  }
  compute_contact_distances(m, *p.targets.tool, tool_position(p.targets, q[m.tool_dof()]), q, w);
  return total_energy(p, q, w, min_j);
}

EnergyResult evaluate_gradient(const StepProblem& p, std::span<const double> q, Scratch& w) {
  const Model& m = *p.model;
  const Index n_nodes = m.node_count();
  std::span<double> grad(w.gradient);
  const Vec3 g = m.solver.gravity;
  const double inv_h2 = p.dynamic ? 1.0 / (p.h * p.h) : 0.0;

  // nodal terms first: they initialise every entry
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n_nodes; ++i) {
    Vec3 gi = -m.node_mass[i] * g;
    if (p.dynamic) gi += m.node_mass[i] * inv_h2 * (node_position(q, i) - node_position(w.q_inertial, i));
    Eigen::Map<Vec3>{&grad[3 * i]} = gi;
  }

  // elastic terms, colour by colour: no two tets of a colour share a node
  double min_j = std::numeric_limits<double>::infinity();
  const ElementColouring& col = m.tet_colouring;
#pragma omp parallel reduction(min : min_j)
  for (Index c = 0; c < col.colour_count(); ++c) {
#pragma omp for schedule(static)
    for (Index k = col.colour_offsets[c]; k < col.colour_offsets[c + 1]; ++k) {
      const Index t = col.elements[k];
      const auto x = tet_positions(m, q, t);
      const TetElement& e = m.elements[t];
      const auto r = static_cast<std::size_t>(m.mesh.region[t]);
      const MaterialPoint pt = material_point(p, w, t);
      const Mat3 F = deformation_gradient(x, e.Dm_inv);
      min_j = std::min(min_j, F.determinant());
      w.tet_energy[t] = e.volume * tissue_energy_density(w.step_matrix[r], m.materials[r], pt, F);
      const Vec12 ge = nodal_gradient(tissue_first_piola(w.step_matrix[r], m.materials[r], pt, F), e.Dm_inv, e.volume);
      const Tet& tet = m.mesh.tets[t];
      for (int a = 0; a < 4; ++a) Eigen::Map<Vec3>(&grad[3 * tet[a]]) += ge.segment<3>(3 * a);
    }
  }

  // contact and friction: distances in parallel, then a serial scatter in point
  // order (few points are active, and a fixed order keeps the sum deterministic)
  compute_contact_distances(m, *p.targets.tool, tool_position(p.targets, q[m.tool_dof()]), q, w);
  const double mu = p.targets.tool_spec->friction;
  const FrictionKernel fk = friction_kernel(p);
  const Vec3 tool_disp = tool_position(p.targets, q[m.tool_dof()]) - p.targets.tool_position_start;
  double grad_s = 0;
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const double phi = w.contact_phi[k];
    const double lambda = w.friction_normal_force[k];
    const bool pressing = phi < 0;
    const bool rubbing = lambda > 0 && mu > 0;
    if (!pressing && !rubbing) continue;
    Vec3 dEdx = Vec3::Zero();  // d E_k / d x_k
    if (pressing) {
      dEdx += m.contact_stiffness[k] * m.contact.area[k] * phi * w.contact_normal[k];
    }
    if (rubbing) {
      const Eigen::Vector2d u = slip(m, q, w, k, tool_disp);
      const Eigen::Vector2d du = mu * lambda * fk.f1_over_y(u.norm()) * u;
      dEdx += du(0) * w.friction_t1[k] + du(1) * w.friction_t2[k];
    }
    // x_k = sum_j b_j x_j and d x_k / d s = -d p / d s = -kPressAxis (relative position)
    const Tri& tri = m.surface.tris[m.contact.tri[k]];
    const Vec3& b = m.contact.barycentric[k];
    for (int j = 0; j < 3; ++j) Eigen::Map<Vec3>(&grad[3 * tri[j]]) += b(j) * dEdx;
    grad_s -= dEdx.dot(kPressAxis);
  }
  grad[m.tool_dof()] = grad_s + tool_terms(p, q, w).gradient;
  return total_energy(p, q, w, min_j);
}

void assemble_hessian(const StepProblem& p, std::span<const double> q, Scratch& w) {
  const Model& m = *p.model;
  const Index n_nodes = m.node_count();
  w.hessian.set_zero();
  std::fill(w.tool_coupling.begin(), w.tool_coupling.end(), 0.0);

  // elastic Hessians, projected to PSD, scattered colour by colour
  const ElementColouring& col = m.tet_colouring;
#pragma omp parallel
  for (Index c = 0; c < col.colour_count(); ++c) {
#pragma omp for schedule(static)
    for (Index k = col.colour_offsets[c]; k < col.colour_offsets[c + 1]; ++k) {
      const Index t = col.elements[k];
      const auto x = tet_positions(m, q, t);
      Vec12 ge;
      Mat12 he;
      const auto r = static_cast<std::size_t>(m.mesh.region[t]);
      tissue_tet_energy_gradient_hessian(w.step_matrix[r], m.materials[r], material_point(p, w, t), m.elements[t], x,
                                         ge, he, p.project_hessian);
      const Index* blocks = &m.tet_blocks[16 * static_cast<std::size_t>(t)];
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) w.hessian.blocks[blocks[4 * a + b]] += he.block<3, 3>(3 * a, 3 * b);
    }
  }

  // inertia: m / h^2 on the diagonal
  if (p.dynamic) {
    const double inv_h2 = 1.0 / (p.h * p.h);
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n_nodes; ++i)
      w.hessian.blocks[m.pattern.diagonal[i]] += m.node_mass[i] * inv_h2 * Mat3::Identity();
  }

  // contact (Gauss-Newton: kappa A n n^T) and friction (T H_u T^T), serial in point order
  compute_contact_distances(m, *p.targets.tool, tool_position(p.targets, q[m.tool_dof()]), q, w);
  const double mu = p.targets.tool_spec->friction;
  const FrictionKernel fk = friction_kernel(p);
  const Vec3 tool_disp = tool_position(p.targets, q[m.tool_dof()]) - p.targets.tool_position_start;
  double tool_diag = 0;
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const double phi = w.contact_phi[k];
    const double lambda = w.friction_normal_force[k];
    const bool pressing = phi < 0;
    const bool rubbing = lambda > 0 && mu > 0;
    if (!pressing && !rubbing) continue;
    Mat3 Hk = Mat3::Zero();  // d^2 E_k / d x_k^2
    if (pressing) {
      // kappa A (n n^T + phi d2phi): the second term (negative: phi < 0) is the
      // softening of a curved tool surface. It keeps Newton quadratic near the
      // solution; the projected (PSD) Hessian leaves it out (Gauss-Newton).
      Hk += m.contact_stiffness[k] * m.contact.area[k] * w.contact_normal[k] * w.contact_normal[k].transpose();
      if (!p.project_hessian) {
        const Vec3 tool_pos = tool_position(p.targets, q[m.tool_dof()]);
        Hk += m.contact_stiffness[k] * m.contact.area[k] * phi *
              tool_signed_distance_hessian(*p.targets.tool, tool_pos, contact_point(m, q, k));
      }
    }
    if (rubbing) {
      Eigen::Matrix<double, 3, 2> T;
      T.col(0) = w.friction_t1[k];
      T.col(1) = w.friction_t2[k];
      Hk += mu * lambda * T * fk.hessian(slip(m, q, w, k, tool_disp)) * T.transpose();
    }
    const Index tri_id = m.contact.tri[k];
    const Tri& tri = m.surface.tris[tri_id];
    const Vec3& b = m.contact.barycentric[k];
    const Index* blocks = &m.contact_tri_blocks[9 * static_cast<std::size_t>(tri_id)];
    // x_k depends on the tool depth through -kPressAxis (relative position)
    const Vec3 Hk_s = -(Hk * kPressAxis);
    for (int a = 0; a < 3; ++a) {
      for (int c = 0; c < 3; ++c) w.hessian.blocks[blocks[3 * a + c]] += b(a) * b(c) * Hk;
      Eigen::Map<Vec3>(&w.tool_coupling[3 * tri[a]]) += b(a) * Hk_s;
    }
    tool_diag += kPressAxis.dot(Hk * kPressAxis);
  }
  w.tool_diagonal = tool_diag + tool_terms(p, q, w).hessian;
}

void record_contact_start(const Model& model, std::span<const double> q, Scratch& w) {
  const Index n = model.contact.point_count();
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < n; ++k) w.contact_point_start[k] = contact_point(model, q, k);
}

void lag_friction(const StepProblem& p, std::span<const double> q, const Vec3& tool, Scratch& w) {
  const Model& m = *p.model;
  compute_contact_distances(m, *p.targets.tool, tool, q, w);
  const Index n = m.contact.point_count();
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < n; ++k) {
    const double phi = w.contact_phi[k];
    w.friction_normal_force[k] = phi < 0 ? -m.contact_stiffness[k] * m.contact.area[k] * phi : 0.0;
    // Tangent basis of the tool surface at the point: t1 from the coordinate axis
    // least aligned with the normal, so the basis is well conditioned.
    const Vec3& nrm = w.contact_normal[k];
    int axis = 0;
    nrm.cwiseAbs().minCoeff(&axis);
    const Vec3 t1 = nrm.cross(Vec3::Unit(axis)).normalized();
    w.friction_t1[k] = t1;
    w.friction_t2[k] = nrm.cross(t1);
  }
}

void compute_friction_power(const StepProblem& p, std::span<const double> q, Scratch& w) {
  const Model& m = *p.model;
  const double mu = p.targets.tool_spec->friction;
  const FrictionKernel fk = friction_kernel(p);
  const Vec3 tool_disp = tool_position(p.targets, q[m.tool_dof()]) - p.targets.tool_position_start;
  const Index n = m.contact.point_count();
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < n; ++k) {
    const double lambda = w.friction_normal_force[k];
    double power = 0;
    if (lambda > 0 && mu > 0) {
      const Eigen::Vector2d u = slip(m, q, w, k, tool_disp);
      // force mu lambda f1(|u|) u / |u| along the slip u: work f1 |u| >= 0
      power = mu * lambda * fk.f1_over_y(u.norm()) * u.squaredNorm() / p.h;
    }
    w.friction_power[k] = power;
  }
}

ToolReaction tool_reaction(const StepProblem& p, std::span<const double> q, Scratch& w) {
  const Model& m = *p.model;
  compute_contact_distances(m, *p.targets.tool, tool_position(p.targets, q[m.tool_dof()]), q, w);
  const double mu = p.targets.tool_spec->friction;
  const FrictionKernel fk = friction_kernel(p);
  const Vec3 tool_disp = tool_position(p.targets, q[m.tool_dof()]) - p.targets.tool_position_start;
  ToolReaction r;
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const double phi = w.contact_phi[k];
    // force on the tool = -dE/dp, and dE/dp = -dE/dx_k for the relative position
    if (phi < 0) {
      r.force += m.contact_stiffness[k] * m.contact.area[k] * phi * w.contact_normal[k];
      ++r.active_points;
      r.max_penetration = std::max(r.max_penetration, -phi);
    }
    const double lambda = w.friction_normal_force[k];
    if (lambda > 0 && mu > 0) {
      const Eigen::Vector2d u = slip(m, q, w, k, tool_disp);
      const Eigen::Vector2d du = mu * lambda * fk.f1_over_y(u.norm()) * u;
      r.force += du(0) * w.friction_t1[k] + du(1) * w.friction_t2[k];
    }
  }
  return r;
}

}  // namespace backsim
