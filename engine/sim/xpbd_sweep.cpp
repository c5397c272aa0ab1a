// The sweep compiled three times: for AVX-512VL and for AVX2 (GCC's target attribute
// on these functions only, so the rest of the build stays baseline x86-64 and runs
// on any machine) and for the baseline. The AVX-512 kernel runs the same 4-double
// vectors as the AVX2 one; what it gains is AVX-512's 32 vector registers instead of
// 16: the projection keeps some 50 vectors live (positions, masses, two gradients),
// and with 16 registers GCC spills them to the stack (on the 80k block, one thread,
// 1.67 -> 1.20 ms per sweep; docs/solvers.md). The kernel is inlined into all three
// and never fuses a multiply and an add: the AVX-512 target has FMA instructions, but
// the whole build compiles with -ffp-contract=off (cmake/BacksimCompileOptions.cmake),
// so all three give the same bits: the choice of kernel changes speed, not results
// (tested in tests/engine/test_xpbd.cpp).
#include "engine/sim/xpbd_sweep.hpp"

#include "engine/sim/xpbd_tet_constraint.hpp"

#include <algorithm>

namespace backsim {

namespace {

template <bool NodeMass>
[[gnu::always_inline]] inline void sweep_colours_with(XpbdScratch& x) {
  const Index colours = static_cast<Index>(x.colour_tets.size());
  for (Index c = 0; c < colours; ++c) {
    const Index begin = x.colour_offsets[c];
    const Index end = begin + x.colour_tets[c];  // the real tets; padding fills the last batch
#pragma omp for schedule(static)
    for (Index slot = begin; slot < end; slot += 4)
      project_tet_batch<NodeMass>(x, slot, std::min<Index>(4, end - slot));
  }
}

[[gnu::always_inline]] inline void sweep_colours(XpbdScratch& x) {
  if (x.node_mass_in_positions) {
    sweep_colours_with<true>(x);
  } else {
    sweep_colours_with<false>(x);
  }
}

__attribute__((target("avx2"))) void sweep_avx2(XpbdScratch& x) { sweep_colours(x); }

__attribute__((target("avx512f,avx512vl"))) void sweep_avx512(XpbdScratch& x) { sweep_colours(x); }

void sweep_generic(XpbdScratch& x) { sweep_colours(x); }

}  // namespace

bool cpu_runs(XpbdKernel kernel) {
  switch (kernel) {
    case XpbdKernel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
    case XpbdKernel::avx2:
      return __builtin_cpu_supports("avx2");
    case XpbdKernel::generic:
      return true;
  }
  return false;
}

XpbdKernel best_xpbd_kernel() {
  for (const XpbdKernel k : {XpbdKernel::avx512, XpbdKernel::avx2})
    if (cpu_runs(k)) return k;
  return XpbdKernel::generic;
}

void set_xpbd_region_constants(std::span<const StableNeoHookean> step_matrix, double h, XpbdScratch& x) {
  for (std::size_t r = 0; r < step_matrix.size(); ++r) {
    x.region_constants[4 * r] = 1.0 / (step_matrix[r].mu * h * h);
    x.region_constants[4 * r + 1] = 1.0 / (step_matrix[r].lambda * h * h);
    x.region_constants[4 * r + 2] = 1.0 + step_matrix[r].mu / step_matrix[r].lambda;
  }
}

void sweep_tets(XpbdScratch& x) {
  switch (x.kernel) {
    case XpbdKernel::avx512:
      sweep_avx512(x);
      return;
    case XpbdKernel::avx2:
      sweep_avx2(x);
      return;
    case XpbdKernel::generic:
      sweep_generic(x);
      return;
  }
}

}  // namespace backsim
