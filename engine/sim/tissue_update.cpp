#include "engine/sim/tissue_update.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

inline Mat3 tet_deformation(const Model& m, std::span<const double> q, Index t) {
  const Tet& tet = m.mesh.tets[t];
  std::array<Vec3, 4> x;
  for (int a = 0; a < 4; ++a) x[a] = Vec3(q[3 * tet[a]], q[3 * tet[a] + 1], q[3 * tet[a] + 2]);
  return deformation_gradient(x, m.elements[t].Dm_inv);
}

template <class S>  // State or const State
inline auto& overstress(S& s, Index t, int i) {
  return s.tissue.overstress[static_cast<std::size_t>(t) * kMaxPronyTerms + static_cast<std::size_t>(i)];
}

// Second Piola-Kirchhoff stress of the deviatoric drive at F.
Mat3 drive_stress(const TissueMaterial& mat, const Mat3& F) {
  return F.inverse() * mat.viscous_drive().first_piola(F);
}

}  // namespace

double deviatoric_energy_density(const TissueMaterial& mat, const Mat3& F) {
  const double mu = mat.instantaneous_matrix().mu;
  return StableNeoHookean{mu, mu / 3.0}.energy_density(F);
}

void initialise_tissue(const Model& m, State& s) {
  const Index n = m.mesh.tet_count();
  TissueState& ts = s.tissue;
  ts.activation = m.rest_activation;
  ts.stimulus_dose.assign(n, 0.0);
  ts.deviatoric_energy.assign(n, 0.0);
  ts.pressure.assign(n, 0.0);
  if (m.viscous) {
    ts.drive_stress.assign(n, Mat3::Zero());
    ts.overstress.assign(static_cast<std::size_t>(n) * kMaxPronyTerms, Mat3::Zero());
  }
  s.totals = RunTotals{};
  s.totals.zones.assign(m.zones.size(), ZoneLoad{});
  if (m.has_circulation()) s.circulation = initial_circulation(m.circulation);
}

void prepare_tissue_step(const Model& m, const State& s, double h, Scratch& w) {
  for (std::size_t r = 0; r < m.materials.size(); ++r) w.step_matrix[r] = m.materials[r].step_matrix(h);
  if (!m.viscous) return;
  const Index n = m.mesh.tet_count();
#pragma omp parallel for schedule(static)
  for (Index t = 0; t < n; ++t) {
    const TissueMaterial& mat = m.materials[static_cast<std::size_t>(m.mesh.region[t])];
    Mat3 H = Mat3::Zero();
    if (mat.viscous()) {
      // H = sum_i (e_i Q_i(n) - beta_i gamma_i S_d(n)) (tissue_material.hpp)
      for (int i = 0; i < kMaxPronyTerms; ++i) {
        const TissueMaterial::PronyStep k = mat.prony_step(i, h);
        H += k.decay * overstress(s, t, i) - k.weight * s.tissue.drive_stress[t];
      }
    }
    w.step_overstress[t] = H;
  }
}

void advance_tissue(const StepProblem& p, State& s, Scratch& w) {
  measure_tissue_forcing(p, s, w);
  advance_slow_tissue(*p.model, w.forcing, s, w);
}

void measure_tissue_forcing(const StepProblem& p, State& s, Scratch& w) {
  const Model& m = *p.model;
  const Index n = m.mesh.tet_count();
  TissueState& ts = s.tissue;
  TissueForcing& f = w.forcing;
  f.h = p.h;
  double peak_strain = s.totals.peak_principal_strain;
#pragma omp parallel for schedule(static) reduction(max : peak_strain)
  for (Index t = 0; t < n; ++t) {
    const auto r = static_cast<std::size_t>(m.mesh.region[t]);
    const TissueMaterial& mat = m.materials[r];
    const Mat3 F = tet_deformation(m, s.q, t);
    const double J = F.determinant();

    // stress of the step's solution: pressure and strain
    const Mat3 P = tissue_first_piola(w.step_matrix[r], mat, material_point(p, w, t), F);
    f.pressure[t] = -(P * F.transpose()).trace() / (3.0 * J);
    Eigen::SelfAdjointEigenSolver<Mat3> eig;
    eig.computeDirect(0.5 * (F.transpose() * F - Mat3::Identity()), Eigen::EigenvaluesOnly);
    peak_strain = std::max(peak_strain, eig.eigenvalues()(2));

    if (mat.viscous()) f.drive_stress[t] = drive_stress(mat, F);

    // stimulus: the change of deviatoric strain energy over the step
    const double psi = deviatoric_energy_density(mat, F);
    f.stimulus[t] = std::abs(psi - ts.deviatoric_energy[t]);
    ts.deviatoric_energy[t] = psi;
  }
  s.totals.peak_principal_strain = peak_strain;

  // skin elements: the friction power dissipated on the surface, spread through the
  // skin around each contact point's triangle (serial, point order)
  if (m.has_circulation()) {
    std::fill(f.friction_power_density.begin(), f.friction_power_density.end(), 0.0);
    for (Index k = 0; k < m.contact.point_count(); ++k) {
      if (w.friction_power[k] == 0) continue;
      const Index tri = m.contact.tri[k];
      const double density = w.friction_power[k] * m.friction_heat_inverse_volume[tri];
      for (Index j = m.friction_heat_offset[tri]; j < m.friction_heat_offset[tri + 1]; ++j)
        f.friction_power_density[m.friction_heat_tets[j]] += density;
    }
  }

  // pressure on bone: the force held nodes take, over their share of the held surface
  double peak_bone = s.totals.peak_bone_pressure;
  for (std::size_t k = 0; k < m.bone_nodes.size(); ++k) {
    const Index i = m.bone_nodes[k];
    const Vec3& an = m.bone_area_normal[k];  // area-weighted normal out of the tissue
    const double area = an.norm();
    // the bone holds the node with R = dE/dx_i; the tissue pushes on it with -R
    const Vec3 force = -Vec3(w.gradient[3 * i], w.gradient[3 * i + 1], w.gradient[3 * i + 2]);
    peak_bone = std::max(peak_bone, force.dot(an) / (area * area));
  }
  s.totals.peak_bone_pressure = peak_bone;
}

void advance_slow_tissue(const Model& m, const TissueForcing& f, State& s, Scratch& w) {
  const double h = f.h;
  const Index n = m.mesh.tet_count();
  TissueState& ts = s.tissue;
#pragma omp parallel for schedule(static)
  for (Index t = 0; t < n; ++t) {
    const auto r = static_cast<std::size_t>(m.mesh.region[t]);
    const TissueMaterial& mat = m.materials[r];
    ts.pressure[t] = f.pressure[t];
    ts.stimulus_dose[t] += f.stimulus[t];

    // viscous memory: Q_i(n+1) = e_i Q_i(n) + beta_i gamma_i (S_d(n+1) - S_d(n))
    if (mat.viscous()) {
      const Mat3 dS = f.drive_stress[t] - ts.drive_stress[t];
      for (int i = 0; i < kMaxPronyTerms; ++i) {
        const TissueMaterial::PronyStep k = mat.prony_step(i, h);
        Mat3& Q = overstress(s, t, i);
        Q = k.decay * Q + k.weight * dS;
      }
      ts.drive_stress[t] = f.drive_stress[t];
    }

    if (m.tone_dynamics() && mat.active.max_stress > 0) {
      ts.activation[t] =
          advance_tone(m.tone[r], ts.activation[t], m.rest_activation[t], f.stimulus[t] / h, f.pressure[t], h);
    }
  }

  // circulation: the vessels feel the compressive part of the tissue pressure
  if (m.has_circulation()) {
#pragma omp parallel for schedule(static)
    for (Index t = 0; t < n; ++t) w.vessel_pressure[t] = std::max(f.pressure[t], 0.0);
    advance_circulation(m.circulation, w.vessel_pressure, f.friction_power_density, h, s.circulation, w.circulation);
  }
}

}  // namespace backsim
