// One tet's stable Neo-Hookean constraints, projected together (XPBD, Macklin,
// Mueller, Chentanez 2016; constraints of Macklin and Mueller 2021, "A Constraint-based
// Formulation of Stable Neo-Hookean Materials").
//
// The matrix energy (stable_neo_hookean.hpp) of a tet of volume V is
//   V psi = V mu/2 I_C + V lambda/2 (J - alpha)^2 - V (3 mu/2 + mu^2/(2 lambda)),
// and XPBD's compliant constraint C with compliance a stores the energy C^2 / (2 a).
// So the two constraints
//   C_D = sqrt(I_C),   a_D = 1 / (mu V)       (deviatoric: stores V mu/2 I_C)
//   C_H = J - alpha,   a_H = 1 / (lambda V)   (hydrostatic: stores V lambda/2 (J - alpha)^2)
// reproduce the energy up to the constant, which moves no node: their fixed point is
// the minimiser of the same potential Newton minimises. At rest (F = I) both
// gradients point along the volume mode and their forces cancel
// (-sqrt(3) mu V / sqrt(3) + mu V = 0): projected one after the other, each would
// first undo the other and the rest state would creep; projected together (the 2x2
// system below) the rest state is a fixed point of every sweep.
//
// With multipliers l = (l_D, l_H) accumulated over the sub-step's sweeps and
// a~ = a / h^2, one projection solves the linearised system
//   (G W G^T + diag(a~)) dl = -C - diag(a~) l,   x += W G^T dl,   l += dl,
// G the 2 x 12 constraint gradient, W the inverse masses (0 on held coordinates).
#pragma once

#include "engine/core/types.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace backsim {

// Region constants of a sub-step of length h.
struct XpbdMatrixConstants {
  double deviatoric_compliance;  // 1 / (mu h^2): a~_D = this / V
  double volume_compliance;      // 1 / (lambda h^2)
  double rest_volume;            // alpha = 1 + mu / lambda
};

// Projects tet `nodes` once: moves x (3 N positions) and updates the multipliers.
inline void project_tet_constraints(const std::array<std::uint32_t, 4>& nodes, const Mat3& Dm_inv,
                                    double inverse_volume, const XpbdMatrixConstants& c, double* x,
                                    const double* inverse_mass, double& lambda_d, double& lambda_h) {
  Vec3 p[4];
  Vec3 w[4];
  for (int a = 0; a < 4; ++a) {
    p[a] = Vec3(x[3 * nodes[a]], x[3 * nodes[a] + 1], x[3 * nodes[a] + 2]);
    w[a] = Vec3(inverse_mass[3 * nodes[a]], inverse_mass[3 * nodes[a] + 1], inverse_mass[3 * nodes[a] + 2]);
  }
  Mat3 Ds;
  Ds << p[1] - p[0], p[2] - p[0], p[3] - p[0];
  const Mat3 F = Ds * Dm_inv;

  // dC/dF: F / |F| for C_D, cof F for C_H (columns f1 x f2, f2 x f0, f0 x f1)
  const double c_d = F.norm();
  Mat3 cof;
  cof << F.col(1).cross(F.col(2)), F.col(2).cross(F.col(0)), F.col(0).cross(F.col(1));
  const double c_h = F.col(0).dot(cof.col(0)) - c.rest_volume;
  // a collapsed tet (F = 0) has no deviatoric direction: its C_D gradient is taken as zero
  const double inv_c_d = c_d > 0 ? 1.0 / c_d : 0.0;

  // node gradients: dC/dx_a = (dC/dF) Dm^-T e_a for a = 1..3, and x_0 takes minus their sum
  const Mat3 gd = inv_c_d * (F * Dm_inv.transpose());
  const Mat3 gh = cof * Dm_inv.transpose();
  const Vec3 gd0 = -gd.rowwise().sum();
  const Vec3 gh0 = -gh.rowwise().sum();

  // G W G^T
  double s_dd = gd0.cwiseProduct(w[0]).dot(gd0);
  double s_dh = gd0.cwiseProduct(w[0]).dot(gh0);
  double s_hh = gh0.cwiseProduct(w[0]).dot(gh0);
  for (int a = 1; a < 4; ++a) {
    const Vec3 wd = gd.col(a - 1).cwiseProduct(w[a]);
    s_dd += wd.dot(gd.col(a - 1));
    s_dh += wd.dot(gh.col(a - 1));
    s_hh += gh.col(a - 1).cwiseProduct(w[a]).dot(gh.col(a - 1));
  }
  const double a_d = c.deviatoric_compliance * inverse_volume;
  const double a_h = c.volume_compliance * inverse_volume;
  const double b_d = -c_d - a_d * lambda_d;
  const double b_h = -c_h - a_h * lambda_h;
  // the 2x2 matrix is G W G^T (semi-definite) plus a positive diagonal: det > a_d a_h > 0
  const double m11 = s_dd + a_d;
  const double m22 = s_hh + a_h;
  const double inv_det = 1.0 / (m11 * m22 - s_dh * s_dh);
  const double dl_d = (m22 * b_d - s_dh * b_h) * inv_det;
  const double dl_h = (m11 * b_h - s_dh * b_d) * inv_det;
  lambda_d += dl_d;
  lambda_h += dl_h;

  const Vec3 d0 = w[0].cwiseProduct(dl_d * gd0 + dl_h * gh0);
  for (int k = 0; k < 3; ++k) x[3 * nodes[0] + k] += d0(k);
  for (int a = 1; a < 4; ++a) {
    const Vec3 d = w[a].cwiseProduct(dl_d * gd.col(a - 1) + dl_h * gh.col(a - 1));
    for (int k = 0; k < 3; ++k) x[3 * nodes[a] + k] += d(k);
  }
}

}  // namespace backsim
