#include "engine/material/fibre_stretch.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

FibreCurve PassiveFibre::at(double lambda) const {
  FibreCurve c;
  if (scale == 0.0 || lambda <= 1.0) return c;
  BACKSIM_ASSERT(exponent > 0.0 && linear_from > 1.0, "passive fibre needs P2 > 0 and lambda* > 1");
  const double x = std::min(lambda, linear_from) - 1.0;
  const double e = std::exp(exponent * x);
  c.energy = scale * ((e - 1.0) / exponent - x);
  c.stress = scale * (e - 1.0);
  c.slope = scale * exponent * e;
  if (lambda > linear_from) {  // linear continuation with the slope reached at lambda*
    const double d = lambda - linear_from;
    c.energy += c.stress * d + 0.5 * c.slope * d * d;
    c.stress += c.slope * d;
  }
  return c;
}

double PassiveFibre::linear_modulus() const {
  return scale == 0.0 ? 0.0 : scale * exponent * std::exp(exponent * (linear_from - 1.0));
}

double ActiveFibre::force_length(double l) {
  if (l <= 0.4 || l >= 1.6) return 0.0;
  if (l <= 0.6) return 9.0 * (l - 0.4) * (l - 0.4);
  if (l <= 1.4) return 1.0 - 4.0 * (1.0 - l) * (1.0 - l);
  return 9.0 * (l - 1.6) * (l - 1.6);
}

double ActiveFibre::force_length_slope(double l) {
  if (l <= 0.4 || l >= 1.6) return 0.0;
  if (l <= 0.6) return 18.0 * (l - 0.4);
  if (l <= 1.4) return 8.0 * (1.0 - l);
  return 18.0 * (l - 1.6);
}

double ActiveFibre::force_length_integral(double l) {
  // piece by piece: 3 (l - 0.4)^3 | (l - 0.6) + 4/3 ((1 - l)^3 - 0.4^3) | 3 ((l - 1.6)^3 + 0.2^3)
  constexpr double kFirst = 3.0 * 0.008;                          // int over [0.4, 0.6]
  constexpr double kSecond = 0.8 + 4.0 / 3.0 * (-0.064 - 0.064);  // int over [0.6, 1.4]
  constexpr double kThird = 3.0 * 0.008;                          // int over [1.4, 1.6]
  if (l <= 0.4) return 0.0;
  if (l <= 0.6) return 3.0 * (l - 0.4) * (l - 0.4) * (l - 0.4);
  if (l <= 1.4) return kFirst + (l - 0.6) + 4.0 / 3.0 * ((1.0 - l) * (1.0 - l) * (1.0 - l) - 0.064);
  if (l <= 1.6) return kFirst + kSecond + 3.0 * ((l - 1.6) * (l - 1.6) * (l - 1.6) + 0.008);
  return kFirst + kSecond + kThird;
}

FibreCurve ActiveFibre::at(double lambda, double activation) const {
  FibreCurve c;
  if (max_stress == 0.0 || activation == 0.0) return c;
  const double k = activation * max_stress;
  const double l = lambda / optimal_stretch;
  c.energy = k * optimal_stretch * (force_length_integral(l) - force_length_integral(1.0 / optimal_stretch));
  c.stress = k * force_length(l);
  c.slope = k * force_length_slope(l) / optimal_stretch;
  return c;
}

namespace {

// A fibre shortened to nothing has no direction; the mesh checks and the line search
// keep elements far from that, so a floor only guards the division.
constexpr double kMinStretch = 1e-8;

}  // namespace

void add_fibre_stress(const Mat3& F, const Vec3& a0, const FibreCurve& c, Mat3& P) {
  if (c.stress == 0.0) return;
  const Vec3 w = F * a0;
  const double lambda = std::max(w.norm(), kMinStretch);
  P.noalias() += (c.stress / lambda) * w * a0.transpose();
}

void add_fibre_stress_derivative(const Mat3& F, const Vec3& a0, const FibreCurve& c, bool project, Mat9& dPdF) {
  if (c.stress == 0.0 && c.slope == 0.0) return;
  const Vec3 w = F * a0;
  const double lambda = std::max(w.norm(), kMinStretch);
  const Mat3 N = (w / lambda) * a0.transpose();
  const Eigen::Map<const Vec9> n(N.data());
  const double along = project ? std::max(c.slope, 0.0) : c.slope;          // eigenvalue on n
  const double across = project ? std::max(c.stress / lambda, 0.0) : c.stress / lambda;  // on range(A) - n
  // (a0 a0^T) kron I3: block (j, l) = a0_j a0_l I3 in vec index i + 3 j.
  for (int j = 0; j < 3; ++j)
    for (int l = 0; l < 3; ++l) {
      const double al = across * a0(j) * a0(l);
      for (int i = 0; i < 3; ++i) dPdF(i + 3 * j, i + 3 * l) += al;
    }
  dPdF.noalias() += (along - across) * n * n.transpose();
}

}  // namespace backsim
