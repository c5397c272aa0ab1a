// Stable Neo-Hookean hyperelasticity (Smith, de Goes, Kim 2018, "Stable
// Neo-Hookean Flesh Simulation", ACM TOG 37(2):12), in the form without the log
// term (their eq. 14):
//
//   psi(F) = mu/2 (I_C - 3) + lambda/2 (J - alpha)^2 - mu^2 / (2 lambda),
//   alpha = 1 + mu / lambda,
//
// with I_C = tr(F^T F) and J = det F. It is finite and smooth for every F,
// including inverted ones (J <= 0), and its rest state F = I is stress and energy free:
// P(I) = mu I + lambda (1 - alpha) I = 0.
//
// Linearising at F = I (F = I + H, eps = sym H) gives
//   psi ~ mu |eps|^2 + (lambda - mu)/2 tr(eps)^2,
// so the small-strain Lame parameters are mu_L = mu and lambda_L = lambda - mu:
// mu = E / (2 (1 + nu)), lambda = E nu / ((1 + nu)(1 - 2 nu)) + mu.
#pragma once

#include "engine/core/types.hpp"
#include "engine/material/tet_kinematics.hpp"

namespace backsim {

struct StableNeoHookean {
  double mu = 0;      // Pa
  double lambda = 0;  // Pa (not the small-strain Lame lambda, see above)

  static StableNeoHookean from_young_poisson(double youngs_modulus, double poisson_ratio);

  double energy_density(const Mat3& F) const;
  Mat3 first_piola(const Mat3& F) const;
  // d vec(P) / d vec(F), exact (indefinite in general).
  Mat9 stress_derivative(const Mat3& F) const;
  // The same with negative eigenvalues clamped to zero, from the analytic
  // eigensystem in the principal frame (rotation-variant SVD of F).
  Mat9 stress_derivative_psd(const Mat3& F) const;
};

// A tet's energy, gradient and Hessian for one stable Neo-Hookean element
// (pure functions of the 4 node positions).
struct TetElement {
  Mat3 Dm_inv;
  double volume;  // reference volume, m^3
};

double tet_energy(const StableNeoHookean& material, const TetElement& element,
                  const std::array<Vec3, 4>& x);
double tet_energy_gradient(const StableNeoHookean& material, const TetElement& element,
                           const std::array<Vec3, 4>& x, Vec12& gradient);
// Hessian projected to positive semi-definite when `project_psd`.
double tet_energy_gradient_hessian(const StableNeoHookean& material, const TetElement& element,
                                   const std::array<Vec3, 4>& x, Vec12& gradient, Mat12& hessian,
                                   bool project_psd);

}  // namespace backsim
