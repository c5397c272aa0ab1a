// The sweep compiled twice: for AVX2 (GCC's target attribute on this function only,
// so the rest of the build stays baseline x86-64 and runs on any machine) and for
// the baseline. The kernel is inlined into both and uses no fused multiply-add
// (-ffp-contract=off and no FMA target), so both give the same bits: the choice of
// kernel changes speed, not results (tested in tests/engine/test_xpbd.cpp).
#include "engine/sim/xpbd_sweep.hpp"

#include "engine/sim/xpbd_tet_constraint.hpp"

#include <algorithm>

namespace backsim {

namespace {

[[gnu::always_inline]] inline void sweep_colours(XpbdScratch& x, double* q) {
  const Index colours = static_cast<Index>(x.colour_tets.size());
  for (Index c = 0; c < colours; ++c) {
    const Index begin = x.colour_offsets[c];
    const Index end = begin + x.colour_tets[c];  // the real tets; padding fills the last batch
#pragma omp for schedule(static)
    for (Index slot = begin; slot < end; slot += 4) project_tet_batch(x, slot, std::min<Index>(4, end - slot), q);
  }
}

__attribute__((target("avx2"))) void sweep_avx2(XpbdScratch& x, double* q) { sweep_colours(x, q); }

void sweep_generic(XpbdScratch& x, double* q) { sweep_colours(x, q); }

}  // namespace

XpbdKernel best_xpbd_kernel() {
  return __builtin_cpu_supports("avx2") ? XpbdKernel::avx2 : XpbdKernel::generic;
}

void set_xpbd_region_constants(std::span<const StableNeoHookean> step_matrix, double h, XpbdScratch& x) {
  for (std::size_t r = 0; r < step_matrix.size(); ++r) {
    x.region_deviatoric_compliance[r] = 1.0 / (step_matrix[r].mu * h * h);
    x.region_volume_compliance[r] = 1.0 / (step_matrix[r].lambda * h * h);
    x.region_rest_volume[r] = 1.0 + step_matrix[r].mu / step_matrix[r].lambda;
  }
}

void sweep_tets(XpbdScratch& x, double* q) {
  if (x.kernel == XpbdKernel::avx2) {
    sweep_avx2(x, q);
  } else {
    sweep_generic(x, q);
  }
}

}  // namespace backsim
