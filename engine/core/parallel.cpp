#include "engine/core/parallel.hpp"

#include <omp.h>

namespace backsim {

double deterministic_dot(std::span<const double> a, std::span<const double> b,
                         std::span<double> partials) {
  BACKSIM_ASSERT(a.size() == b.size(), "dot product of arrays of different length");
  return deterministic_sum(static_cast<Index>(a.size()), partials,
                           [&](Index i) { return a[i] * b[i]; });
}

int max_threads() { return omp_get_max_threads(); }

void set_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

}  // namespace backsim
