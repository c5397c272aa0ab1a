// The statistics of backsim compare: means with Student t confidence intervals, and
// paired effect sizes (Cohen's d_z) with intervals from the noncentral t distribution.
// Quantiles and distribution functions come from Boost.Math.
#pragma once

#include <cstddef>
#include <span>

namespace backsim::cli {

// The p-quantile of Student's t with `dof` degrees of freedom (dof > 0, 0 < p < 1).
double student_t_quantile(double p, double dof);

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0;  // NaN when n = 0
  double sd = 0;    // sample standard deviation (n - 1); NaN when n < 2
  double low = 0;   // mean -+ t(1 - alpha/2, n - 1) sd / sqrt(n); NaN when n < 2
  double high = 0;
};
// The mean of `values` and its `confidence` interval (two-sided, Student t).
MeanInterval mean_interval(std::span<const double> values, double confidence = 0.95);

struct PairedEffect {
  MeanInterval difference;  // mean paired difference (b - a) and its interval
  double d_z = 0;           // mean difference / SD of the differences (Cohen's d_z); NaN if n < 2 or SD = 0
  double d_low = 0;         // exact interval of d_z: the noncentrality parameters whose
  double d_high = 0;        // noncentral t puts the observed t at the 1 -+ alpha/2 quantiles, over sqrt(n)
};
// The effect of the paired differences `differences` (one per subject).
PairedEffect paired_effect(std::span<const double> differences, double confidence = 0.95);

}  // namespace backsim::cli
