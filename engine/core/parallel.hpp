// Deterministic parallel reductions.
//
// A floating-point sum depends on its order. To give bit-identical results on any
// thread count, sums are split into fixed chunks of kReductionChunk terms (the
// chunking depends only on n, never on the thread count); chunks are summed in
// parallel, then the chunk sums are added serially in chunk order.
#pragma once

#include "engine/core/error.hpp"
#include "engine/core/types.hpp"

#include <span>

namespace backsim {

inline constexpr Index kReductionChunk = 2048;

constexpr Index reduction_chunk_count(Index n) {
  return (n + kReductionChunk - 1) / kReductionChunk;
}

// Sum over i in [0, n) of term(i). `partials` needs reduction_chunk_count(n) entries
// (scratch memory, so that nothing is allocated inside a step).
template <class Term>
double deterministic_sum(Index n, std::span<double> partials, Term&& term) {
  const Index chunks = reduction_chunk_count(n);
  BACKSIM_ASSERT(partials.size() >= chunks, "reduction scratch too small: size it with reduction_chunk_count");
#pragma omp parallel for schedule(static)
  for (Index c = 0; c < chunks; ++c) {
    const Index begin = c * kReductionChunk;
    const Index end = begin + kReductionChunk < n ? begin + kReductionChunk : n;
    double s = 0.0;
    for (Index i = begin; i < end; ++i) s += term(i);
    partials[c] = s;
  }
  double total = 0.0;
  for (Index c = 0; c < chunks; ++c) total += partials[c];
  return total;
}

// Deterministic dot product of two length-n arrays.
double deterministic_dot(std::span<const double> a, std::span<const double> b,
                         std::span<double> partials);

// Number of threads OpenMP will use for the next parallel region.
int max_threads();
// Sets the OpenMP thread count for this process (0 leaves the default).
void set_threads(int threads);

}  // namespace backsim
