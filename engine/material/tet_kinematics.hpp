// Kinematics of a linear tetrahedron: deformation gradient and its derivative.
//
// F = Ds Dm^-1 with Ds = [x1 - x0, x2 - x0, x3 - x0] (deformed edges) and Dm the
// same in the reference configuration. F is linear in the 12 nodal coordinates:
// vec(F) = B x (B: 9 x 12), with vec() stacking columns (Eigen's default storage
// order): F_ij = sum_a x_a,i G(a, j), G the shape-function gradients (tet_hessian).
#pragma once

#include "engine/core/types.hpp"

#include <Eigen/Core>

#include <array>

namespace backsim {

using Vec9 = Eigen::Matrix<double, 9, 1>;
using Vec12 = Eigen::Matrix<double, 12, 1>;
using Mat9 = Eigen::Matrix<double, 9, 9>;
using Mat12 = Eigen::Matrix<double, 12, 12>;

inline Mat3 deformation_gradient(const std::array<Vec3, 4>& x, const Mat3& Dm_inv) {
  Mat3 Ds;
  Ds.col(0) = x[1] - x[0];
  Ds.col(1) = x[2] - x[0];
  Ds.col(2) = x[3] - x[0];
  return Ds * Dm_inv;
}

// The tet's Hessian V B^T A B (12 x 12) from a symmetric A = d vec(P) / d vec(F)
// (9 x 9), without forming B: node a's shape-function gradient is row a of
// G = [-1^T Dm^-1; Dm^-1], F_ij depends on x_a,i through G(a, j), so
//   H_ab(i, k) = V sum_{j,l} G(a, j) A(i + 3 j, k + 3 l) G(b, l).
// About 600 multiply-adds where the dense product B^T (A B) takes 2268 (and went
// through Eigen's general matrix kernel: ~12 % of the samples of a palm stroke on
// the standard back, perf); the blocks below the diagonal are mirrored, so H is
// exactly symmetric.
inline void tet_hessian(const Mat9& A, const Mat3& Dm_inv, double volume, Mat12& H) {
  double G[4][3];
  for (int j = 0; j < 3; ++j) {
    G[0][j] = -(Dm_inv(0, j) + Dm_inv(1, j) + Dm_inv(2, j));
    for (int a = 1; a < 4; ++a) G[a][j] = Dm_inv(a - 1, j);
  }
  // AG[b](r, k) = sum_l A(r, k + 3 l) G(b, l): A times node b's columns of B
  double AG[4][9][3];
  for (int b = 0; b < 4; ++b)
    for (int k = 0; k < 3; ++k)
      for (int r = 0; r < 9; ++r)
        AG[b][r][k] = A(r, k) * G[b][0] + A(r, k + 3) * G[b][1] + A(r, k + 6) * G[b][2];
  for (int a = 0; a < 4; ++a)
    for (int b = a; b < 4; ++b)
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 3; ++k) {
          const double h =
              volume * (G[a][0] * AG[b][i][k] + G[a][1] * AG[b][i + 3][k] + G[a][2] * AG[b][i + 6][k]);
          H(3 * a + i, 3 * b + k) = h;
          H(3 * b + k, 3 * a + i) = h;
        }
}

// Nodal gradient of V * psi from the first Piola-Kirchhoff stress P:
// d(V psi)/dx_a = V P Dm^-T e_a for a = 1..3, and node 0 takes minus their sum.
inline Vec12 nodal_gradient(const Mat3& P, const Mat3& Dm_inv, double volume) {
  const Mat3 H = volume * P * Dm_inv.transpose();
  Vec12 g;
  g.segment<3>(3) = H.col(0);
  g.segment<3>(6) = H.col(1);
  g.segment<3>(9) = H.col(2);
  g.segment<3>(0) = -(H.col(0) + H.col(1) + H.col(2));
  return g;
}

}  // namespace backsim
