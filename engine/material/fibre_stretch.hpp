// Fibre terms of a transversely isotropic material: energies W(lambda) of the fibre
// stretch lambda = |F a0| along a unit reference fibre direction a0.
//
// With w = F a0 and lambda = |w|, d lambda / dF = w a0^T / lambda, so a fibre term adds
//   P     = W'(lambda) / lambda * w a0^T
//   dP/dF = W'' n n^T + W' / lambda (A - n n^T),   n = vec(w a0^T) / lambda,
//                                                  A = (a0 a0^T) kron I3,
// where A is a projector of rank 3 and n lies in its range: the Hessian has the
// eigenvalue W'' on n, W'/lambda on the two other directions of range(A) (the fibre
// turning sideways: tension stiffening, like a string) and 0 elsewhere. The PSD
// projection clamps those two eigenvalues at 0, exactly.
//
// W' is the nominal (first Piola-Kirchhoff) stress along the fibre: force per
// reference area. Blemker, Pinsky & Delp 2005 (J Biomech 38:657) write their fibre
// terms in the isochoric stretch; here lambda is the full stretch (the volume term
// keeps J near 1, so the two differ by J^(1/3) ~ 1).
#pragma once

#include "engine/core/types.hpp"
#include "engine/material/tet_kinematics.hpp"

namespace backsim {

// A fibre energy density and its first two derivatives at one stretch.
struct FibreCurve {
  double energy = 0;  // W, Pa (J/m^3)
  double stress = 0;  // W', Pa
  double slope = 0;   // W'', Pa
  FibreCurve& operator+=(const FibreCurve& o) {
    energy += o.energy;
    stress += o.stress;
    slope += o.slope;
    return *this;
  }
};

// Passive fibre (Blemker et al. 2005, eq. 12): no stress when shortened
// (lambda <= 1: fibres buckle), exponential toe P1 (exp(P2 (lambda - 1)) - 1) up to
// lambda*, then linear with the slope reached there (C1). P1 = 0: no fibre term.
// Collagen in fascia takes the same form with a short toe and a steep linear part.
struct PassiveFibre {
  double scale = 0;         // P1, Pa
  double exponent = 0;      // P2, -
  double linear_from = 1.4; // lambda*, stretch where the toe turns linear

  FibreCurve at(double lambda) const;
  // Slope of the linear part: the fibre's tensile modulus there, Pa.
  double linear_modulus() const;
};

// Active fibre stress a sigma_max f_L(lambda / lambda_opt) with Blemker's piecewise
// quadratic force-length relation f_L (Blemker et al. 2005, eq. 13; zero outside
// 0.4 < lambda / lambda_opt < 1.6, one at lambda_opt). W is its integral from
// lambda = 1, so the rest state has zero active energy (not zero active stress).
struct ActiveFibre {
  double max_stress = 0;        // sigma_max, Pa; 0: tissue without active fibres
  double optimal_stretch = 1.0; // lambda_opt: stretch at optimal fibre length

  FibreCurve at(double lambda, double activation) const;
  static double force_length(double normalised_length);        // f_L
  static double force_length_integral(double normalised_length); // int_0.4^l f_L
  static double force_length_slope(double normalised_length);   // f_L'
};

// Fibre stretch |F a0| (a0 unit).
inline double fibre_stretch(const Mat3& F, const Vec3& a0) { return (F * a0).norm(); }

// P += W' / lambda * w a0^T.
void add_fibre_stress(const Mat3& F, const Vec3& a0, const FibreCurve& c, Mat3& P);
// dP/dF += the Hessian above; with `project`, its negative eigenvalues clamped to 0.
void add_fibre_stress_derivative(const Mat3& F, const Vec3& a0, const FibreCurve& c, bool project, Mat9& dPdF);

}  // namespace backsim
