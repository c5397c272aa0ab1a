// Kinematics of a linear tetrahedron: deformation gradient and its derivative.
//
// F = Ds Dm^-1 with Ds = [x1 - x0, x2 - x0, x3 - x0] (deformed edges) and Dm the
// same in the reference configuration. F is linear in the 12 nodal coordinates:
// vec(F) = B x, with vec() stacking columns (Eigen's default storage order).
#pragma once

#include "engine/core/types.hpp"

#include <Eigen/Core>

#include <array>

namespace backsim {

using Vec9 = Eigen::Matrix<double, 9, 1>;
using Vec12 = Eigen::Matrix<double, 12, 1>;
using Mat9 = Eigen::Matrix<double, 9, 9>;
using Mat12 = Eigen::Matrix<double, 12, 12>;
using Mat9x12 = Eigen::Matrix<double, 9, 12>;

inline Mat3 deformation_gradient(const std::array<Vec3, 4>& x, const Mat3& Dm_inv) {
  Mat3 Ds;
  Ds.col(0) = x[1] - x[0];
  Ds.col(1) = x[2] - x[0];
  Ds.col(2) = x[3] - x[0];
  return Ds * Dm_inv;
}

// d vec(F) / d x (9 x 12), x = (x0, x1, x2, x3) stacked.
inline Mat9x12 deformation_gradient_jacobian(const Mat3& Dm_inv) {
  // F_ij = sum_k (x_{k+1} - x_0)_i Dm_inv(k, j); vec index of F_ij is i + 3 j.
  Mat9x12 B = Mat9x12::Zero();
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) {
      double s = 0;
      for (int k = 0; k < 3; ++k) {
        B(i + 3 * j, 3 * (k + 1) + i) = Dm_inv(k, j);
        s += Dm_inv(k, j);
      }
      B(i + 3 * j, i) = -s;
    }
  return B;
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
