// Bullet's deformable solver with the conjugate-gradient limits of Bullet's
// single-precision build.
//
// Bullet 3.24 builds its CG with btConjugateGradient(300), whose tolerance is
// SIMD_EPSILON, and stops when r.z < tolerance * min(1, z0.b) (btConjugateGradient.h).
// SIMD_EPSILON is FLT_EPSILON (1.19e-7) in the float build but DBL_EPSILON
// (2.2e-16) in the double build backsim links, so the double build iterates to
// machine precision (or to the 300-iteration cap) and is 3-4x slower
// (docs/bullet notes). The Newton and contact tolerances around it are the same in
// both builds, so the float build's CG tolerance is what Bullet's authors tuned the
// deformable pipeline with: we set FLT_EPSILON and keep the cap of 300 (read from the
// library: btDeformableBodySolver's constructor stores 0x12c in m_cg).
#pragma once

#include <BulletSoftBody/btDeformableBodySolver.h>

#include <cfloat>

namespace backsim {

class BulletDeformableSolver final : public btDeformableBodySolver {
 public:
  static constexpr int kMaxCgIterations = 300;                    // Bullet 3.24's own cap
  static constexpr btScalar kCgTolerance = btScalar(FLT_EPSILON);  // the float build's SIMD_EPSILON

  BulletDeformableSolver() {
    m_cg.m_maxIterations = kMaxCgIterations;
    m_cg.m_tolerance = kCgTolerance;
  }

};

}  // namespace backsim
