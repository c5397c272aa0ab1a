// The constitutive model of every tissue: a stable Neo-Hookean matrix, optional
// passive and active fibre terms (muscle after Blemker et al. 2005; fascia's
// collagen), and quasi-linear viscoelasticity (a Prony series on a deviatoric
// stress). Skin and fat are the special case without fibres.
//
// Energy density of one step (Simo 1987; Holzapfel 2000, sec. 6.10, in incremental
// form so that a step stays the minimiser of a potential):
//
//   psi_step(F) = psi_m(F) + c psi_d(F)                  matrix + instantaneous overstress
//               + W_p(lambda) + a W_a(lambda)            passive and active fibre
//               - T0 (a0^T F a0 - 1)                     reference tension (dead load)
//               + 1/2 H : (F^T F - I)                    overstress remembered from the past
//
// psi_m is the long-term matrix (mu_inf, lambda). The overstress Q_i of Prony term i
// follows dQ_i/dt + Q_i / tau_i = beta_i dS_d/dt, with S_d the second Piola-Kirchhoff
// stress of psi_d = stable Neo-Hookean (mu_inf, mu_inf / 3), whose small-strain bulk
// modulus lambda_L + 2/3 mu = (mu/3 - mu) + 2/3 mu is zero: it drives shape change
// only (deviatoric at small strain; at large strain not exactly isochoric). Over a step
// of length h, with e_i = exp(-h / tau_i) and gamma_i = (1 - e_i) tau_i / h,
//   Q_i(n+1) = e_i Q_i(n) + beta_i gamma_i (S_d(n+1) - S_d(n)),
// so the step's stress is P_m + c P_d + F H with c = sum_i beta_i gamma_i and
// H = sum_i (e_i Q_i(n) - beta_i gamma_i S_d(n)), constant over the step. Weights are
// given as fractions g_i of the instantaneous modulus that relax (the Abaqus
// convention Sims et al. 2010 use): mu_inf = (1 - sum g) mu_0, beta_i = g_i / (1 - sum g).
//
// The reference geometry is the body as imaged, at rest, where the muscles already
// carry their resting tone: T0 = a_rest sigma_max f_L(1 / lambda_opt) is the tension
// the attachments hold, a load linear in F (no stiffness), so the rest state is in
// equilibrium and a tone below rest lets the muscle lengthen.
#pragma once

#include "engine/material/fibre_stretch.hpp"
#include "engine/material/stable_neo_hookean.hpp"
#include "engine/sim/simulation_spec.hpp"

#include <array>

namespace backsim {

struct TissueMaterial {
  StableNeoHookean matrix;  // long-term isotropic matrix
  PassiveFibre fibre;       // used where an element has a fibre direction
  ActiveFibre active;       // max_stress 0: no active fibres
  // viscoelasticity
  std::array<PronyTerm, kMaxPronyTerms> prony{};  // (g_i, tau_i); g = 0 unused
  double viscous_modulus = 0;                      // mu_inf of the deviatoric drive, Pa

  // From the scenario's parameters: E and nu give the instantaneous isotropic matrix.
  static TissueMaterial from_params(const MaterialParams& p);

  bool viscous() const { return viscous_modulus > 0; }
  StableNeoHookean viscous_drive() const { return {viscous_modulus, viscous_modulus / 3.0}; }
  double prony_beta(int i) const;  // g_i / (1 - sum g)
  // Term i over a step of length h: the decay e_i = exp(-h / tau_i) of the remembered
  // overstress and the weight beta_i gamma_i of the step's new drive stress.
  struct PronyStep {
    double decay = 1;
    double weight = 0;
  };
  PronyStep prony_step(int i, double h) const;
  // The matrix plus c times the drive: a stable Neo-Hookean again (the J terms of
  // two stable Neo-Hookeans sum to one with summed parameters).
  StableNeoHookean step_matrix(double h) const;
  // The instantaneous matrix (h -> 0): what a fast shear wave sees.
  StableNeoHookean instantaneous_matrix() const;
};

// What varies per element: fibre, tone, reference tension, remembered overstress.
struct MaterialPoint {
  Vec3 fibre{0, 0, 0};            // unit reference fibre direction, or zero: none
  double activation = 0;          // tone a in [0, 1]
  double reference_tension = 0;   // T0, Pa
  const Mat3* overstress = nullptr;  // H (second Piola-Kirchhoff, Pa), or null: none
};

// `matrix` is the step's isotropic matrix (TissueMaterial::step_matrix).
double tissue_energy_density(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                             const Mat3& F);
Mat3 tissue_first_piola(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                        const Mat3& F);
// Exact, or projected to PSD term by term (each projected term is PSD, so the sum is).
Mat9 tissue_stress_derivative(const StableNeoHookean& matrix, const TissueMaterial& mat, const MaterialPoint& pt,
                              const Mat3& F, bool project);

// Element energy, gradient and Hessian (as the stable Neo-Hookean functions).
double tissue_tet_energy_gradient_hessian(const StableNeoHookean& matrix, const TissueMaterial& mat,
                                          const MaterialPoint& pt, const TetElement& element,
                                          const std::array<Vec3, 4>& x, Vec12& gradient, Mat12& hessian,
                                          bool project_psd);
}  // namespace backsim
