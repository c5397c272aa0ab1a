#include "bench/memory_bandwidth.hpp"

#include "engine/core/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

namespace backsim::bench {

Bandwidth measure_triad_bandwidth(int threads, long elements, int repetitions) {
  set_threads(threads);
  const std::unique_ptr<double[]> a(new double[static_cast<std::size_t>(elements)]);
  const std::unique_ptr<double[]> b(new double[static_cast<std::size_t>(elements)]);
  const std::unique_ptr<double[]> c(new double[static_cast<std::size_t>(elements)]);
  // first touch by the threads that will use each page (NUMA placement)
#pragma omp parallel for schedule(static)
  for (long i = 0; i < elements; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  double best = 1e300;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const double s = 3.0 + r;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < elements; ++i) a[i] = b[i] + s * c[i];
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  // keep the result observable so the loop is not removed
  volatile double sink = a[static_cast<std::size_t>(elements / 2)];
  (void)sink;
  return {threads, 24.0 * static_cast<double>(elements) / best};
}

}  // namespace backsim::bench
