#include "cli/compare/statistics.hpp"

#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace backsim::cli {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Boost.Math reports domain and overflow errors by returning NaN or infinity rather
// than throwing: a report must show "no interval", not stop.
using Policy = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                             boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                             boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

// The noncentrality delta at which P(T <= t | n - 1, delta) = p. The CDF falls as
// delta rises, so the root is bracketed by expanding around t.
double noncentrality_for(double t, double dof, double p) {
  const auto excess = [&](double delta) {
    return boost::math::cdf(boost::math::non_central_t_distribution<double, Policy>(dof, delta), t) - p;
  };
  double low = t - 10.0, high = t + 10.0;
  for (int i = 0; i < 60 && excess(low) < 0; ++i) low -= 10.0;
  for (int i = 0; i < 60 && excess(high) > 0; ++i) high += 10.0;
  if (excess(low) < 0 || excess(high) > 0) return kNaN;
  std::uintmax_t iterations = 200;
  // 1e-12 relative in delta: far below the three digits a report prints
  const auto [a, b] = boost::math::tools::toms748_solve(excess, low, high, boost::math::tools::eps_tolerance<double>(40),
                                                        iterations);
  return 0.5 * (a + b);
}
}  // namespace

double student_t_quantile(double p, double dof) {
  return boost::math::quantile(boost::math::students_t_distribution<double, Policy>(dof), p);
}

MeanInterval mean_interval(std::span<const double> values, double confidence) {
  MeanInterval m;
  m.n = values.size();
  if (m.n == 0) {
    m.mean = m.sd = m.low = m.high = kNaN;
    return m;
  }
  double sum = 0;
  for (const double v : values) sum += v;
  m.mean = sum / static_cast<double>(m.n);
  if (m.n < 2) {
    m.sd = m.low = m.high = kNaN;
    return m;
  }
  double squares = 0;
  for (const double v : values) squares += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(squares / static_cast<double>(m.n - 1));
  const double half = student_t_quantile(0.5 + 0.5 * confidence, static_cast<double>(m.n - 1)) * m.sd /
                      std::sqrt(static_cast<double>(m.n));
  m.low = m.mean - half;
  m.high = m.mean + half;
  return m;
}

PairedEffect paired_effect(std::span<const double> differences, double confidence) {
  PairedEffect e;
  e.difference = mean_interval(differences, confidence);
  const std::size_t n = e.difference.n;
  if (n < 2 || !(e.difference.sd > 0)) {
    e.d_z = e.d_low = e.d_high = kNaN;
    return e;
  }
  e.d_z = e.difference.mean / e.difference.sd;
  const double root_n = std::sqrt(static_cast<double>(n));
  const double t = e.d_z * root_n;
  const double dof = static_cast<double>(n - 1);
  const double alpha = 1.0 - confidence;
  e.d_low = noncentrality_for(t, dof, 1.0 - 0.5 * alpha) / root_n;
  e.d_high = noncentrality_for(t, dof, 0.5 * alpha) / root_n;
  return e;
}

}  // namespace backsim::cli
