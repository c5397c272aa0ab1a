// The statistics of backsim compare against tabulated values.
#include "cli/compare/statistics.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace backsim::cli;

TEST_CASE("Student t quantiles match the tables") {
  // two-sided 95 % critical values, e.g. NIST/SEMATECH e-Handbook table 1.3.6.7.2
  // (printed to 3 decimals: the tolerance is half their last digit)
  const std::vector<std::pair<double, double>> table{{1, 12.706}, {2, 4.303}, {5, 2.571}, {7, 2.365},
                                                     {10, 2.228}, {30, 2.042}, {100, 1.984}};
  for (const auto& [dof, t] : table) CHECK(std::abs(student_t_quantile(0.975, dof) - t) <= 0.0005);
  // the 0.995 quantile at 9 degrees of freedom (99 % two-sided): 3.250
  CHECK(std::abs(student_t_quantile(0.995, 9) - 3.250) <= 0.0005);
}

TEST_CASE("the 95 % interval of a textbook sample") {
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, SD sqrt(32/7); t(0.975, 7) = 2.364624252
  const std::vector<double> sample{2, 4, 4, 4, 5, 5, 7, 9};
  const MeanInterval m = mean_interval(sample);
  CHECK(m.n == 8);
  CHECK(m.mean == 5.0);
  // 1e-12: a few roundings of values of order 1
  CHECK(std::abs(m.sd - std::sqrt(32.0 / 7.0)) < 1e-12);
  const double half = 2.364624252 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0);
  // 1e-8: the tabulated quantile's 10 digits
  CHECK(std::abs(m.low - (5.0 - half)) < 1e-8);
  CHECK(std::abs(m.high - (5.0 + half)) < 1e-8);
  // one value: a mean without an interval
  const std::vector<double> one{3.0};
  CHECK(std::isnan(mean_interval(one).low));
}

TEST_CASE("Cohen's d_z and its noncentral t interval") {
  // differences {1, 2, 3, 4, 5}: mean 3, SD sqrt(2.5), d_z = 3 / sqrt(2.5)
  const std::vector<double> d{1, 2, 3, 4, 5};
  const PairedEffect e = paired_effect(d);
  CHECK(std::abs(e.d_z - 3.0 / std::sqrt(2.5)) < 1e-12);  // roundings only
  CHECK(e.d_low < e.d_z);
  CHECK(e.d_high > e.d_z);
  // A mean difference of exactly 0: the noncentral t CDF at t = 0 is Phi(-delta), so the
  // interval is +-1.959964 / sqrt(n) whatever the degrees of freedom.
  const std::vector<double> zero{-2, -1, 0, 1, 2};
  const PairedEffect z = paired_effect(zero);
  CHECK(z.d_z == 0.0);
  // 1e-6: the root finder's tolerance on delta, far below the table's 7 digits
  CHECK(std::abs(z.d_low + 1.959964 / std::sqrt(5.0)) < 1e-6);
  CHECK(std::abs(z.d_high - 1.959964 / std::sqrt(5.0)) < 1e-6);
  // For many pairs the interval approaches d +- 1.96 sqrt(1/n + d^2 / (2n)) (Hedges &
  // Olkin's large-sample variance of a standardised mean): within 2 % at n = 2000.
  std::vector<double> many;
  for (int i = 0; i < 2000; ++i) many.push_back(0.5 + ((i % 2) ? 1.0 : -1.0));  // mean 0.5, SD ~1
  const PairedEffect m = paired_effect(many);
  const double se = std::sqrt(1.0 / 2000 + m.d_z * m.d_z / 4000);
  CHECK(std::abs((m.d_high - m.d_low) / (2 * 1.959964 * se) - 1.0) < 0.02);
}
