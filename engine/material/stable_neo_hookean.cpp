#include "engine/material/stable_neo_hookean.hpp"

#include "engine/core/error.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include <algorithm>

namespace backsim {

namespace {

Mat3 cofactor(const Mat3& F) {
  // cof(F) = dJ/dF: column j is the cross product of the other two columns.
  Mat3 C;
  C.col(0) = F.col(1).cross(F.col(2));
  C.col(1) = F.col(2).cross(F.col(0));
  C.col(2) = F.col(0).cross(F.col(1));
  return C;
}

Mat3 cross_matrix(const Vec3& v) {
  Mat3 m;
  m << 0, -v.z(), v.y(), v.z(), 0, -v.x(), -v.y(), v.x(), 0;
  return m;
}

// d^2 J / d vec(F)^2: block (a, b) is d/df_b (dJ/df_a) for columns f_a, f_b.
Mat9 determinant_hessian(const Mat3& F) {
  Mat9 H = Mat9::Zero();
  const Mat3 f0 = cross_matrix(F.col(0));
  const Mat3 f1 = cross_matrix(F.col(1));
  const Mat3 f2 = cross_matrix(F.col(2));
  H.block<3, 3>(0, 3) = -f2;
  H.block<3, 3>(0, 6) = f1;
  H.block<3, 3>(3, 0) = f2;
  H.block<3, 3>(3, 6) = -f0;
  H.block<3, 3>(6, 0) = -f1;
  H.block<3, 3>(6, 3) = f0;
  return H;
}

}  // namespace

StableNeoHookean StableNeoHookean::from_young_poisson(double youngs_modulus, double poisson_ratio) {
  const double E = youngs_modulus, nu = poisson_ratio;
  const double mu_l = E / (2.0 * (1.0 + nu));
  const double lambda_l = E * nu / ((1.0 + nu) * (1.0 - 2.0 * nu));
  return StableNeoHookean{mu_l, lambda_l + mu_l};
}

double StableNeoHookean::energy_density(const Mat3& F) const {
  const double alpha = 1.0 + mu / lambda;
  const double Ic = F.squaredNorm();
  const double J = F.determinant();
  // The constant mu^2 / (2 lambda) = psi(I) of the form above is subtracted so that
  // the rest state has zero energy; it changes no force.
  return 0.5 * mu * (Ic - 3.0) + 0.5 * lambda * ((J - alpha) * (J - alpha) - (mu / lambda) * (mu / lambda));
}

Mat3 StableNeoHookean::first_piola(const Mat3& F) const {
  const double alpha = 1.0 + mu / lambda;
  return mu * F + lambda * (F.determinant() - alpha) * cofactor(F);
}

Mat9 StableNeoHookean::stress_derivative(const Mat3& F) const {
  const double alpha = 1.0 + mu / lambda;
  const Mat3 C = cofactor(F);
  const Eigen::Map<const Vec9> g(C.data());
  return mu * Mat9::Identity() + lambda * g * g.transpose() +
         lambda * (F.determinant() - alpha) * determinant_hessian(F);
}

Mat9 StableNeoHookean::stress_derivative_psd(const Mat3& F) const {
  // Rotation-variant SVD: F = U diag(s) V^T with U, V rotations (a reflection is
  // moved into the sign of s2), so psi(F) = psi(diag(s)) and the Hessian in the
  // principal frame splits into a 3x3 scaling block and three 2x2 twist/flip pairs.
  Eigen::JacobiSVD<Mat3> svd(F, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Mat3 U = svd.matrixU(), V = svd.matrixV();
  Vec3 s = svd.singularValues();
  if (U.determinant() < 0) {
    U.col(2) *= -1.0;
    s(2) *= -1.0;
  }
  if (V.determinant() < 0) {
    V.col(2) *= -1.0;
    s(2) *= -1.0;
  }
  const double alpha = 1.0 + mu / lambda;
  const double J = s(0) * s(1) * s(2);
  const double k = lambda * (J - alpha);

  Mat9 Mp = Mat9::Zero();  // projected Hessian in the principal frame
  // Scaling block over vec indices 0, 4, 8 (A00, A11, A22).
  const Vec3 g(s(1) * s(2), s(0) * s(2), s(0) * s(1));
  Mat3 S = mu * Mat3::Identity() + lambda * g * g.transpose();
  S(0, 1) += k * s(2);
  S(1, 0) += k * s(2);
  S(0, 2) += k * s(1);
  S(2, 0) += k * s(1);
  S(1, 2) += k * s(0);
  S(2, 1) += k * s(0);
  Eigen::SelfAdjointEigenSolver<Mat3> eig(S);
  const Vec3 ev = eig.eigenvalues().cwiseMax(0.0);
  const Mat3 Sp = eig.eigenvectors() * ev.asDiagonal() * eig.eigenvectors().transpose();
  static constexpr int kScale[3] = {0, 4, 8};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) Mp(kScale[a], kScale[b]) = Sp(a, b);

  // Twist/flip pairs (A_ij, A_ji): [[mu, c], [c, mu]] with c = -k s_m, m the third
  // index; eigenvalues mu + c on (1, 1)/sqrt2 and mu - c on (1, -1)/sqrt2.
  static constexpr int kPairs[3][3] = {{3, 1, 2}, {6, 2, 1}, {7, 5, 0}};  // vec(A_ij), vec(A_ji), m
  for (const auto& p : kPairs) {
    const double c = -k * s(p[2]);
    const double e_plus = std::max(mu + c, 0.0);   // on (1, 1)
    const double e_minus = std::max(mu - c, 0.0);  // on (1, -1)
    Mp(p[0], p[0]) = Mp(p[1], p[1]) = 0.5 * (e_plus + e_minus);
    Mp(p[0], p[1]) = Mp(p[1], p[0]) = 0.5 * (e_plus - e_minus);
  }

  // Back to vec(F) coordinates: vec(U A V^T) = (V kron U) vec(A).
  Mat9 Q;
  for (int j = 0; j < 3; ++j)
    for (int l = 0; l < 3; ++l)
      for (int i = 0; i < 3; ++i)
        for (int kk = 0; kk < 3; ++kk) Q(i + 3 * j, kk + 3 * l) = V(j, l) * U(i, kk);
  return Q * Mp * Q.transpose();
}

double tet_energy(const StableNeoHookean& material, const TetElement& element,
                  const std::array<Vec3, 4>& x) {
  return element.volume * material.energy_density(deformation_gradient(x, element.Dm_inv));
}

double tet_energy_gradient(const StableNeoHookean& material, const TetElement& element,
                           const std::array<Vec3, 4>& x, Vec12& gradient) {
  const Mat3 F = deformation_gradient(x, element.Dm_inv);
  gradient = nodal_gradient(material.first_piola(F), element.Dm_inv, element.volume);
  return element.volume * material.energy_density(F);
}

double tet_energy_gradient_hessian(const StableNeoHookean& material, const TetElement& element,
                                   const std::array<Vec3, 4>& x, Vec12& gradient, Mat12& hessian,
                                   bool project_psd) {
  const Mat3 F = deformation_gradient(x, element.Dm_inv);
  gradient = nodal_gradient(material.first_piola(F), element.Dm_inv, element.volume);
  const Mat9 dPdF = project_psd ? material.stress_derivative_psd(F) : material.stress_derivative(F);
  tet_hessian(dPdF, element.Dm_inv, element.volume, hessian);
  return element.volume * material.energy_density(F);
}

}  // namespace backsim
