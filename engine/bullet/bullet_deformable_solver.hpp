// Bullet's deformable solver with the conjugate-gradient limits of Bullet's
// single-precision build, and a count of its CG iterations.
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
#include <BulletSoftBody/btPreconditioner.h>

#include <cfloat>
#include <cstdint>

namespace backsim {

// Wraps the preconditioner Bullet's objective uses (mass or KKT, Bullet picks) and
// counts its applications: one per CG iteration plus two per CG solve
// (btConjugateGradient::solve), the only count of CG work Bullet exposes (it drops
// the iteration count solve() returns).
class CountingPreconditioner final : public ::Preconditioner {  // Bullet's (global namespace)
 public:
  void operator()(const TVStack& x, TVStack& b) override {
    ++applications;
    (*inner)(x, b);
  }
  void reinitialize(bool nodes_changed) override { inner->reinitialize(nodes_changed); }
  ::Preconditioner* inner = nullptr;  // owned by Bullet's objective
  std::int64_t applications = 0;
};

class BulletDeformableSolver final : public btDeformableBodySolver {
 public:
  static constexpr int kMaxCgIterations = 300;                    // Bullet 3.24's own cap
  static constexpr btScalar kCgTolerance = btScalar(FLT_EPSILON);  // the float build's SIMD_EPSILON

  BulletDeformableSolver() {
    m_cg.m_maxIterations = kMaxCgIterations;
    m_cg.m_tolerance = kCgTolerance;
  }

  // Puts the counter in front of the preconditioner the objective uses now. Call
  // before each step: Bullet may switch preconditioners (setPreconditioner), and the
  // objective owns and deletes its own, never ours.
  void count_preconditioner() {
    if (m_objective->m_preconditioner != &counter_) {
      counter_.inner = m_objective->m_preconditioner;
      m_objective->m_preconditioner = &counter_;
    }
  }
  // Gives the objective its own preconditioner back (before it is destroyed).
  void restore_preconditioner() {
    if (m_objective->m_preconditioner == &counter_) m_objective->m_preconditioner = counter_.inner;
  }
  std::int64_t preconditioner_applications() const { return counter_.applications; }

 private:
  CountingPreconditioner counter_;
};

}  // namespace backsim
