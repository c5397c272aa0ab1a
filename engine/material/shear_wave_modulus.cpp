#include "engine/material/shear_wave_modulus.hpp"

namespace backsim {

double shear_wave_modulus(const Mat9& A, const Mat3& F, const Vec3& a0) {
  const Vec3 n = (F * a0).normalized();
  const Vec3 N = F.transpose() * n;
  Mat3 Q = Mat3::Zero();
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) {
      double s = 0;
      for (int J = 0; J < 3; ++J)
        for (int L = 0; L < 3; ++L) s += A(i + 3 * J, k + 3 * L) * N(J) * N(L);
      Q(i, k) = s;
    }
  Q /= F.determinant();
  // two unit polarisations perpendicular to n
  int axis = 0;
  n.cwiseAbs().minCoeff(&axis);
  const Vec3 b1 = n.cross(Vec3::Unit(axis)).normalized();
  const Vec3 b2 = n.cross(b1);
  return 0.5 * (b1.dot(Q * b1) + b2.dot(Q * b2));
}

}  // namespace backsim
