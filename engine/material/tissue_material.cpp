#include "engine/material/tissue_material.hpp"

#include "engine/core/error.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

double prony_sum(const std::array<PronyTerm, kMaxPronyTerms>& prony) {
  double g = 0;
  for (const PronyTerm& t : prony) g += t.weight;
  return g;
}

// The fibre curve (passive + active) of a point, at F.
FibreCurve fibre_curve(const TissueMaterial& mat, const MaterialPoint& pt, double lambda) {
  FibreCurve c = mat.fibre.at(lambda);
  c += mat.active.at(lambda, pt.activation);
  return c;
}

bool has_fibre(const MaterialPoint& pt) { return pt.fibre.squaredNorm() > 0; }

}  // namespace

TissueMaterial TissueMaterial::from_params(const MaterialParams& p) {
  TissueMaterial m;
  const double E = p.youngs_modulus, nu = p.poisson_ratio;
  const double mu0 = E / (2.0 * (1.0 + nu));
  const double lambda_l = E * nu / ((1.0 + nu) * (1.0 - 2.0 * nu));
  const double g = prony_sum(p.prony);
  BACKSIM_ASSERT(g >= 0 && g < 1, "Prony weights sum below 1 (scenario loader checks)");
  const double mu_inf = (1.0 - g) * mu0;
  m.matrix = StableNeoHookean{mu_inf, lambda_l + mu_inf};
  m.fibre = PassiveFibre{p.fibre_scale, p.fibre_exponent, p.fibre_linear_stretch};
  m.active = ActiveFibre{p.max_active_stress, p.optimal_fibre_stretch};
  m.prony = p.prony;
  m.viscous_modulus = g > 0 ? mu_inf : 0.0;
  return m;
}

double TissueMaterial::prony_beta(int i) const {
  return prony[static_cast<std::size_t>(i)].weight / (1.0 - prony_sum(prony));
}

TissueMaterial::PronyStep TissueMaterial::prony_step(int i, double h) const {
  const PronyTerm& t = prony[static_cast<std::size_t>(i)];
  if (t.weight == 0) return {};
  const double x = h / t.time;
  // gamma = (1 - e^-x) / x, by its series where the division would lose digits
  const double gamma = x > 1e-8 ? -std::expm1(-x) / x : 1.0 - 0.5 * x;
  return {std::exp(-x), prony_beta(i) * gamma};
}

StableNeoHookean TissueMaterial::step_matrix(double h) const {
  if (!viscous()) return matrix;
  double c = 0;
  for (int i = 0; i < kMaxPronyTerms; ++i) c += prony_step(i, h).weight;
  const StableNeoHookean d = viscous_drive();
  return {matrix.mu + c * d.mu, matrix.lambda + c * d.lambda};
}

StableNeoHookean TissueMaterial::instantaneous_matrix() const { return step_matrix(0.0); }

double tissue_energy_density(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                             const Mat3& F) {
  double psi = matrix.energy_density(F);
  if (has_fibre(pt)) {
    const double lambda = fibre_stretch(F, pt.fibre);
    psi += fibre_curve(mat, pt, lambda).energy;
    psi -= pt.reference_tension * (pt.fibre.dot(F * pt.fibre) - 1.0);
  }
  if (pt.overstress) psi += 0.5 * pt.overstress->cwiseProduct(F.transpose() * F - Mat3::Identity()).sum();
  return psi;
}

Mat3 tissue_first_piola(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                        const Mat3& F) {
  Mat3 P = matrix.first_piola(F);
  if (has_fibre(pt)) {
    add_fibre_stress(F, pt.fibre, fibre_curve(mat, pt, fibre_stretch(F, pt.fibre)), P);
    P.noalias() -= pt.reference_tension * pt.fibre * pt.fibre.transpose();
  }
  if (pt.overstress) P.noalias() += F * (*pt.overstress);
  return P;
}

Mat9 tissue_stress_derivative(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                              const Mat3& F, bool project) {
  Mat9 A = project ? matrix.stress_derivative_psd(F) : matrix.stress_derivative(F);
  if (has_fibre(pt))
    add_fibre_stress_derivative(F, pt.fibre, fibre_curve(mat, pt, fibre_stretch(F, pt.fibre)), project, A);
  if (pt.overstress) {
    // d(F H)/dF = H kron I3: block (j, l) is H_jl I3; its eigenvalues are H's.
    Mat3 H = *pt.overstress;
    if (project) {
      Eigen::SelfAdjointEigenSolver<Mat3> eig;
      eig.computeDirect(H);
      H = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).asDiagonal() * eig.eigenvectors().transpose();
    }
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 3; ++l)
        for (int i = 0; i < 3; ++i) A(i + 3 * j, i + 3 * l) += H(j, l);
  }
  return A;
}

double tissue_tet_energy_gradient_hessian(const StableNeoHookean& matrix, const TissueMaterial& mat,
                                          const MaterialPoint& pt, const TetElement& element,
                                          const std::array<Vec3, 4>& x, Vec12& gradient, Mat12& hessian,
                                          bool project_psd) {
  const Mat3 F = deformation_gradient(x, element.Dm_inv);
  gradient = nodal_gradient(tissue_first_piola(matrix, mat, pt, F), element.Dm_inv, element.volume);
  const Mat9 dPdF = tissue_stress_derivative(matrix, mat, pt, F, project_psd);
  tet_hessian(dPdF, element.Dm_inv, element.volume, hessian);
  return element.volume * tissue_energy_density(matrix, mat, pt, F);
}
}  // namespace backsim
