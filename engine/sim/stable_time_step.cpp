#include "engine/sim/stable_time_step.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

double max_frequency_squared_bound(const StepProblem& p, std::span<const double> q, Scratch& w, double reach) {
  const Model& m = *p.model;
  assemble_hessian(p, q, w);
  const BlockSparsePattern& pat = m.pattern;
  const Index nodes = m.node_count();
  const Index tool = m.tool_dof();
  const double tool_mass = p.targets.tool_spec->mass;
  const bool tool_free = w.dof_free[tool] > 0;

  // every contact point's penalty within reach (w.contact_phi: from the assembly), as if pressing: kappa A n n^T spread by b_a b_c has
  // row sums at most sqrt(3) kappa A b_a (|n|_1 <= sqrt 3, sum_c b_c = 1). Held in
  // w.rhs per node (scratch, one value per node).
  std::fill(w.rhs.begin(), w.rhs.end(), 0.0);
  double tool_contact = 0;
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    if (!(w.contact_phi[k] < reach)) continue;
    const double ka = m.contact_stiffness[k] * m.contact.area[k];
    const Tri& tri = m.surface.tris[m.contact.tri[k]];
    for (int a = 0; a < 3; ++a) w.rhs[tri[a]] += std::sqrt(3.0) * ka * m.contact.barycentric[k](a);
    tool_contact += ka;
  }

  double bound = 0;
#pragma omp parallel for schedule(static) reduction(max : bound)
  for (Index i = 0; i < nodes; ++i) {
    const double mi = m.node_mass[i];
    for (int r = 0; r < 3; ++r) {
      if (w.dof_free[3 * i + r] == 0) continue;
      double row = w.rhs[i] / mi;
      for (Index b = pat.row_offsets[i]; b < pat.row_offsets[i + 1]; ++b) {
        const Index j = pat.columns[b];
        const double scale = 1.0 / std::sqrt(mi * m.node_mass[j]);
        for (int c = 0; c < 3; ++c)
          if (w.dof_free[3 * j + c] > 0) row += std::abs(w.hessian.blocks[b](r, c)) * scale;
      }
      if (tool_free) row += std::abs(w.tool_coupling[3 * i + r]) / std::sqrt(mi * tool_mass);
      bound = std::max(bound, row);
    }
  }
  if (tool_free) {
    double row = (std::abs(w.tool_diagonal) + tool_contact) / tool_mass;
    for (Index i = 0; i < 3 * nodes; ++i)
      if (w.dof_free[i] > 0) row += std::abs(w.tool_coupling[i]) / std::sqrt(m.node_mass[i / 3] * tool_mass);
    bound = std::max(bound, row);
  }
  return bound;
}

}  // namespace backsim
