#include "engine/sim/xpbd_scratch.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/model.hpp"

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

}  // namespace

XpbdScratch make_xpbd_scratch(const Model& m) {
  check_supported(m);
  XpbdScratch x;
  const ElementColouring& col = m.tet_colouring;
  const auto tets = static_cast<std::size_t>(m.mesh.tet_count());
  x.tet_nodes.resize(tets);
  x.Dm_inv.resize(tets);
  x.inverse_volume.resize(tets);
  x.region.resize(tets);
  for (std::size_t k = 0; k < tets; ++k) {
    const Index t = col.elements[k];
    const Tet& tet = m.mesh.tets[t];
    x.tet_nodes[k] = {tet[0], tet[1], tet[2], tet[3]};
    x.Dm_inv[k] = m.elements[t].Dm_inv;
    x.inverse_volume[k] = 1.0 / m.elements[t].volume;
    x.region[k] = static_cast<std::uint32_t>(m.mesh.region[t]);
  }
  x.colour_offsets = col.colour_offsets;
  const Index nodes = m.node_count();
  x.inverse_mass.resize(3 * static_cast<std::size_t>(nodes));
  for (Index i = 0; i < 3 * nodes; ++i) x.inverse_mass[i] = m.dof_free[i] / m.node_mass[i / 3];
  double mass = 0, volume = 0, mu = 0;
  for (Index i = 0; i < nodes; ++i) mass += m.node_mass[i];
  for (const TetElement& e : m.elements) volume += e.volume;
  for (const TissueMaterial& mat : m.materials) mu = std::max(mu, mat.matrix.mu);
  x.longest_substep = m.mean_edge_length / std::sqrt(mu / (mass / volume));
  x.lambda_deviatoric.assign(tets, 0.0);
  x.lambda_volume.assign(tets, 0.0);
  x.q_substep_start.assign(3 * static_cast<std::size_t>(nodes), 0.0);
  x.region_deviatoric_compliance.assign(m.materials.size(), 0.0);
  x.region_volume_compliance.assign(m.materials.size(), 0.0);
  x.region_rest_volume.assign(m.materials.size(), 1.0);
  const auto points = static_cast<std::size_t>(m.contact.point_count());
  x.contact_candidates.assign(points, 0);
  x.contact_lambda.assign(points, 0.0);
  x.friction_lambda.assign(points, Vec3::Zero());
  x.contact_start.assign(points, Vec3::Zero());
  return x;
}

}  // namespace backsim
