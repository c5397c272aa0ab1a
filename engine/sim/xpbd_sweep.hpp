// One Gauss-Seidel sweep over every tet's constraints, colour by colour. Called by
// every thread of an enclosing OpenMP parallel region: each colour is an `omp for`
// (with its barrier), so the caller opens one region for many sweeps instead of one
// per colour. Deterministic: within a colour no two tets share a node.
#pragma once

#include "engine/sim/xpbd_scratch.hpp"
#include "engine/sim/xpbd_tet_constraint.hpp"

namespace backsim {

inline void sweep_tets(XpbdScratch& x, double* q) {
  const Index colours = static_cast<Index>(x.colour_offsets.size()) - 1;
  for (Index c = 0; c < colours; ++c) {
#pragma omp for schedule(static)
    for (Index k = x.colour_offsets[c]; k < x.colour_offsets[c + 1]; ++k) {
      const std::uint32_t r = x.region[k];
      const XpbdMatrixConstants mc{x.region_deviatoric_compliance[r], x.region_volume_compliance[r],
                                   x.region_rest_volume[r]};
      project_tet_constraints(x.tet_nodes[k], x.Dm_inv[k], x.inverse_volume[k], mc, q, x.inverse_mass.data(),
                              x.lambda_deviatoric[k], x.lambda_volume[k]);
    }
  }
}

}  // namespace backsim
