#include "engine/sim/xpbd_scratch.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/xpbd_sweep.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

// The tet energies XPBD has constraints for: the isotropic stable Neo-Hookean
// matrix. Fibres (passive and active) and viscous overstress add energy terms it
// would ignore, so such models are refused rather than silently softened.
void check_supported(const Model& m) {
  const bool fibres = std::any_of(m.fibre.begin(), m.fibre.end(), [](const Vec3& f) { return f != Vec3::Zero(); });
  if (fibres || m.viscous) {
    throw InvalidInput(
        "solver.method = \"xpbd\" supports the isotropic stable Neo-Hookean matrix only, and this model has " +
        std::string(fibres ? "fibres (passive or active fibre energy)" : "viscous (Prony) materials") +
        "; use solver.method = \"newton\" for it");
  }
  if (m.dof_free[m.tool_dof()] > 0) {
    throw InvalidInput(
        "solver.method = \"xpbd\" moves the tool kinematically only, and this model has a force-controlled "
        "stroke; use solver.method = \"newton\" or \"explicit\", or motion.control = \"kinematic\"");
  }
}

// Element data in colour order, each colour padded to whole batches of 4 slots; a
// padding slot repeats the first tet of its batch (XpbdScratch's layout).
void lay_out_tets(const Model& m, XpbdScratch& x) {
  const ElementColouring& col = m.tet_colouring;
  const Index colours = col.colour_count();
  x.colour_offsets.assign(1, 0);
  x.colour_tets.clear();
  for (Index c = 0; c < colours; ++c) {
    const Index n = col.colour_offsets[c + 1] - col.colour_offsets[c];
    x.colour_tets.push_back(n);
    x.colour_offsets.push_back(x.colour_offsets.back() + (n + 3) / 4 * 4);
  }
  const auto slots = static_cast<std::size_t>(x.colour_offsets.back());
  x.tet_nodes.resize(slots);
  x.Dm_inv.resize(9 * slots);
  x.inverse_volume.resize(slots);
  x.region.resize(slots);
  for (Index c = 0; c < colours; ++c) {
    for (Index s = x.colour_offsets[c]; s < x.colour_offsets[c + 1]; ++s) {
      const Index i = s - x.colour_offsets[c];
      const Index first_of_batch = i / 4 * 4;
      const Index t = col.elements[col.colour_offsets[c] + (i < x.colour_tets[c] ? i : first_of_batch)];
      const Tet& tet = m.mesh.tets[t];
      x.tet_nodes[s] = {tet[0], tet[1], tet[2], tet[3]};
      for (int e = 0; e < 9; ++e) x.Dm_inv[(s / 4 * 9 + e) * 4 + s % 4] = m.elements[t].Dm_inv(e % 3, e / 3);
      x.inverse_volume[s] = 1.0 / m.elements[t].volume;
      x.region[s] = static_cast<std::uint32_t>(m.mesh.region[t]);
    }
  }
}

}  // namespace

XpbdScratch make_xpbd_scratch(const Model& m) {
  check_supported(m);
  XpbdScratch x;
  x.kernel = best_xpbd_kernel();
  lay_out_tets(m, x);
  const Index nodes = m.node_count();
  x.node_inverse_mass.assign(4 * static_cast<std::size_t>(nodes), 0.0);
  for (Index i = 0; i < nodes; ++i)
    for (Index c = 0; c < 3; ++c) x.node_inverse_mass[4 * i + c] = m.dof_free[3 * i + c] / m.node_mass[i];
  x.node_position.assign(4 * static_cast<std::size_t>(nodes), 0.0);
  x.node_mass_in_positions = true;
  for (Index i = 0; i < nodes; ++i)
    x.node_mass_in_positions = x.node_mass_in_positions && m.dof_free[3 * i] == m.dof_free[3 * i + 1] &&
                               m.dof_free[3 * i] == m.dof_free[3 * i + 2];
  if (x.node_mass_in_positions)
    for (Index i = 0; i < nodes; ++i) x.node_position[4 * i + 3] = x.node_inverse_mass[4 * i];
  double mass = 0, volume = 0, mu = 0;
  for (Index i = 0; i < nodes; ++i) mass += m.node_mass[i];
  for (const TetElement& e : m.elements) volume += e.volume;
  for (const TissueMaterial& mat : m.materials) mu = std::max(mu, mat.matrix.mu);
  x.longest_substep = m.mean_edge_length / std::sqrt(mu / (mass / volume));
  x.lambda_deviatoric.assign(x.inverse_volume.size(), 0.0);
  x.lambda_volume.assign(x.inverse_volume.size(), 0.0);
  x.q_substep_start.assign(3 * static_cast<std::size_t>(nodes), 0.0);
  x.region_constants.assign(4 * m.materials.size(), 0.0);
  const auto points = static_cast<std::size_t>(m.contact.point_count());
  x.contact_near.assign(points, 0);
  x.contact_candidates.assign(points, 0);
  x.contact_lambda.assign(points, 0.0);
  x.friction_lambda.assign(points, Vec3::Zero());
  x.contact_start.assign(points, Vec3::Zero());
  return x;
}

void load_xpbd_positions(std::span<const double> q, XpbdScratch& x) {
  const auto nodes = static_cast<Index>(x.node_position.size() / 4);
  for (Index i = 0; i < nodes; ++i)
    for (Index c = 0; c < 3; ++c) x.node_position[4 * i + c] = q[3 * i + c];
}

void store_xpbd_positions(const XpbdScratch& x, std::span<double> q) {
  const auto nodes = static_cast<Index>(x.node_position.size() / 4);
  for (Index i = 0; i < nodes; ++i)
    for (Index c = 0; c < 3; ++c) q[3 * i + c] = x.node_position[4 * i + c];
}

}  // namespace backsim
