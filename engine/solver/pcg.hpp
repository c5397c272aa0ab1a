// Preconditioned conjugate gradients on a symmetric positive (semi-)definite
// operator, with deterministic reductions and no allocation per call.
#pragma once

#include "engine/core/parallel.hpp"

#include <cmath>
#include <span>
#include <vector>

namespace backsim {

struct PcgSettings {
  int max_iterations = 1000;
  double relative_tolerance = 1e-8;  // stop when |r| <= tol |b|
};

struct PcgResult {
  int iterations = 0;
  double relative_residual = 0;
  bool converged = false;
  bool negative_curvature = false;  // p^T A p <= 0 met: x holds the last good iterate
};

struct PcgScratch {
  std::vector<double> r, z, p, q, partials;
  void resize(Index n);
};

// Solves A x = b from x = 0. `apply(x, y)` computes y = A x; `precondition(r, z)`
// computes z = M^-1 r.
template <class Apply, class Precondition>
PcgResult pcg(Apply&& apply, Precondition&& precondition, std::span<const double> b,
              std::span<double> x, PcgScratch& s, const PcgSettings& settings) {
  const Index n = static_cast<Index>(b.size());
  std::span<double> r(s.r.data(), n), z(s.z.data(), n), p(s.p.data(), n), q(s.q.data(), n);
  std::span<double> partials(s.partials);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i) {
    x[i] = 0.0;
    r[i] = b[i];
  }
  PcgResult result;
  const double b_norm = std::sqrt(deterministic_dot(b, b, partials));
  if (b_norm == 0.0) {
    result.converged = true;
    return result;
  }
  precondition(std::span<const double>(r), z);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i) p[i] = z[i];
  double rz = deterministic_dot(r, z, partials);
  for (int k = 0; k < settings.max_iterations; ++k) {
    apply(std::span<const double>(p), q);
    const double pq = deterministic_dot(p, q, partials);
    if (!(pq > 0.0)) {
      result.negative_curvature = true;
      if (k == 0) {  // fall back to the preconditioned steepest-descent direction
#pragma omp parallel for schedule(static)
        for (Index i = 0; i < n; ++i) x[i] = z[i];
      }
      break;
    }
    const double alpha = rz / pq;
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    result.iterations = k + 1;
    result.relative_residual = std::sqrt(deterministic_dot(r, r, partials)) / b_norm;
    if (result.relative_residual <= settings.relative_tolerance) {
      result.converged = true;
      break;
    }
    precondition(std::span<const double>(r), z);
    const double rz_next = deterministic_dot(r, z, partials);
    const double beta = rz_next / rz;
    rz = rz_next;
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) p[i] = z[i] + beta * p[i];
  }
  return result;
}

}  // namespace backsim
