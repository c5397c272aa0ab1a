#include "engine/sim/model.hpp"

#include "engine/core/error.hpp"
#include "engine/mesh/block_mesher.hpp"
#include "engine/sim/zone_load.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <span>

namespace backsim {

ModelInputs block_model_inputs(const SimulationSpec& spec) {
  ModelInputs in;
  in.mesh = mesh_block(spec.geometry);
  in.region_material = {spec.material};
  // Nodes on the bone side (and the sides, when asked) are held. Grid planes are
  // exact, so a tolerance far below the cell size is enough to find them.
  const double tol = 1e-9 * spec.geometry.size.maxCoeff();
  const Vec3 half = 0.5 * spec.geometry.size;
  for (Index i = 0; i < in.mesh.node_count(); ++i) {
    const Vec3& x = in.mesh.nodes[i];
    const bool bottom = x.z() <= -spec.geometry.size.z() + tol;
    const bool side = std::abs(x.x()) >= half.x() - tol || std::abs(x.y()) >= half.y() - tol;
    if ((spec.boundary.fix_bottom && bottom) || (spec.boundary.fix_sides && side)) in.held_nodes.push_back(i);
  }
  in.tool = spec.tool;
  in.motion = spec.motion;
  in.following = spec.following;
  in.other_tools = spec.other_tools;
  in.zones = spec.zones;
  in.solver = spec.solver;
  in.output = spec.output;
  return in;
}

namespace {

std::span<const Index> flat(const std::vector<Tet>& tets) {
  return {tets.empty() ? nullptr : tets.front().data(), tets.size() * 4};
}

double mean_tet_edge_length(const TetMesh& mesh) {
  double sum = 0;
  for (const Tet& t : mesh.tets)
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b) sum += (mesh.nodes[t[a]] - mesh.nodes[t[b]]).norm();
  return mesh.tets.empty() ? 0.0 : sum / (6.0 * static_cast<double>(mesh.tets.size()));
}

// Penalty of each contact point: scale * E / h with E the modulus of the tet under
// the point and h the mean edge of its triangle. Penetration is then a fixed
// fraction (about pressure / (scale E)) of the local element size, so refining the
// mesh refines the contact too.
std::vector<double> contact_point_stiffness(const TetMesh& mesh, const BoundarySurface& surface,
                                            const ContactQuadrature& contact,
                                            const std::vector<MaterialParams>& region_material, double scale) {
  std::vector<double> k(contact.point_count());
  for (Index p = 0; p < contact.point_count(); ++p) {
    const Index tri = contact.tri[p];
    const Tri& t = surface.tris[tri];
    double h = 0;
    for (int a = 0; a < 3; ++a) h += (mesh.nodes[t[a]] - mesh.nodes[t[(a + 1) % 3]]).norm() / 3.0;
    const auto region = static_cast<std::size_t>(mesh.region[surface.tet_of_tri[tri]]);
    k[p] = scale * region_material[region].youngs_modulus / h;
  }
  return k;
}

// The held part of the boundary, where the tissue rests on bone: each held node
// takes a third of the area of the boundary triangles whose three nodes are held.
void build_bone_surface(Model& m) {
  std::vector<Vec3> area_normal(m.mesh.node_count(), Vec3::Zero());
  for (const Tri& t : m.surface.tris) {
    if (!(m.node_held[t[0]] && m.node_held[t[1]] && m.node_held[t[2]])) continue;
    const Vec3& a = m.mesh.nodes[t[0]];
    const Vec3 n2 = (m.mesh.nodes[t[1]] - a).cross(m.mesh.nodes[t[2]] - a);  // 2 A n, outward
    for (Index i : t) area_normal[i] += n2 / 6.0;
  }
  for (Index i = 0; i < m.mesh.node_count(); ++i)
    if (area_normal[i].squaredNorm() > 0) {
      m.bone_nodes.push_back(i);
      m.bone_area_normal.push_back(area_normal[i]);
    }
}

// Where the friction power of a surface triangle heats and dilates the skin: the
// tets of the triangle's own region (the skin layer) that share a node with it, at
// one uniform power density. A mesh with one element through the skin would
// otherwise give the power to the one tet that owns the face, and leave the others
// of the same skin column (a hex splits into tets of which only some touch the
// surface) without any, though the skin is a few millimetres thick and heat spreads
// through it in seconds.
void build_friction_heat_tables(Model& m) {
  const Index n_tets = m.mesh.tet_count();
  std::vector<Index> node_tet_offset(static_cast<std::size_t>(m.mesh.node_count()) + 1, 0);
  for (const Tet& tet : m.mesh.tets)
    for (Index v : tet) ++node_tet_offset[v + 1];
  for (std::size_t i = 1; i < node_tet_offset.size(); ++i) node_tet_offset[i] += node_tet_offset[i - 1];
  std::vector<Index> node_tets(node_tet_offset.back());
  std::vector<Index> fill(node_tet_offset.begin(), node_tet_offset.end() - 1);
  for (Index t = 0; t < n_tets; ++t)
    for (Index v : m.mesh.tets[t]) node_tets[fill[v]++] = t;

  const std::size_t tris = m.surface.tris.size();
  m.friction_heat_offset.assign(tris + 1, 0);
  m.friction_heat_tets.clear();
  m.friction_heat_inverse_volume.assign(tris, 0.0);
  std::vector<Index> around;
  for (std::size_t k = 0; k < tris; ++k) {
    const std::int32_t region = m.mesh.region[m.surface.tet_of_tri[k]];
    around.clear();
    for (Index v : m.surface.tris[k])
      for (Index j = node_tet_offset[v]; j < node_tet_offset[v + 1]; ++j)
        if (m.mesh.region[node_tets[j]] == region) around.push_back(node_tets[j]);
    std::sort(around.begin(), around.end());
    around.erase(std::unique(around.begin(), around.end()), around.end());
    double volume = 0;
    for (Index t : around) volume += m.elements[t].volume;
    m.friction_heat_tets.insert(m.friction_heat_tets.end(), around.begin(), around.end());
    m.friction_heat_offset[k + 1] = static_cast<Index>(m.friction_heat_tets.size());
    m.friction_heat_inverse_volume[k] = 1.0 / volume;
  }
}

// Fibres, resting tone and the reference tension that holds it (tissue_material.hpp).
void build_tissue_tables(Model& m, const ModelInputs& in) {
  const Index n_tets = m.mesh.tet_count();
  if (!m.mesh.fibre.empty()) {
    BACKSIM_ASSERT(m.mesh.fibre.size() == n_tets, "one fibre per tet");
    m.fibre = m.mesh.fibre;
  }
  if (!in.rest_activation.empty()) {
    BACKSIM_ASSERT(in.rest_activation.size() == n_tets, "one resting tone per tet");
    m.rest_activation = in.rest_activation;
    m.reference_tension.assign(n_tets, 0.0);
    if (!m.fibre.empty())
      for (Index t = 0; t < n_tets; ++t) {
        const ActiveFibre& active = m.materials[static_cast<std::size_t>(m.mesh.region[t])].active;
        if (m.fibre[t].squaredNorm() > 0)
          m.reference_tension[t] = active.at(1.0, m.rest_activation[t]).stress;
      }
  }
  // each region's length along its mean fibre axis (the principal axis of sum a a^T,
  // which does not care about the sign of a): the lever that turns the volume
  // integral of fibre stress into a force
  if (!m.fibre.empty()) {
    const std::size_t regions = in.region_material.size();
    std::vector<Mat3> axis_sum(regions, Mat3::Zero());
    for (Index t = 0; t < n_tets; ++t)
      axis_sum[static_cast<std::size_t>(m.mesh.region[t])] += m.fibre[t] * m.fibre[t].transpose();
    m.region_fibre_length.assign(regions, 0.0);
    std::vector<double> lo(regions, 1e300), hi(regions, -1e300);
    std::vector<Vec3> axis(regions, Vec3::Zero());
    for (std::size_t r = 0; r < regions; ++r) {
      if (axis_sum[r].trace() == 0) continue;
      Eigen::SelfAdjointEigenSolver<Mat3> eig(axis_sum[r]);
      axis[r] = eig.eigenvectors().col(2);
    }
    for (Index t = 0; t < n_tets; ++t) {
      const auto r = static_cast<std::size_t>(m.mesh.region[t]);
      if (axis[r].squaredNorm() == 0) continue;
      for (Index node : m.mesh.tets[t]) {
        const double d = axis[r].dot(m.mesh.nodes[node]);
        lo[r] = std::min(lo[r], d);
        hi[r] = std::max(hi[r], d);
      }
    }
    for (std::size_t r = 0; r < regions; ++r)
      if (axis[r].squaredNorm() > 0) m.region_fibre_length[r] = hi[r] - lo[r];
  }
  if (!in.region_vascular.empty()) {
    BACKSIM_ASSERT(in.region_vascular.size() == in.region_material.size(), "one vascular law per region");
    CirculationInputs ci;
    ci.region_params = in.region_vascular;
    ci.element_region = m.mesh.region;
    ci.element_volume.resize(n_tets);
    for (Index t = 0; t < n_tets; ++t) ci.element_volume[t] = m.elements[t].volume;
    m.circulation = build_circulation(std::move(ci));
  }
  if (!in.region_tone.empty()) {
    BACKSIM_ASSERT(in.region_tone.size() == in.region_material.size(), "one tone law per region");
    BACKSIM_ASSERT(!in.rest_activation.empty(), "a tone law needs resting tones");
    m.tone = in.region_tone;
  }
}

}  // namespace

Model build_model(ModelInputs in) {
  Model m;
  m.mesh = std::move(in.mesh);
  const TetMesh& mesh = m.mesh;
  const Index n_nodes = mesh.node_count();
  const Index n_tets = mesh.tet_count();
  BACKSIM_ASSERT(n_tets > 0, "a model needs at least one tet");

  // reference shapes and lumped masses
  m.materials.reserve(in.region_material.size());
  double max_modulus = 0;
  for (const MaterialParams& p : in.region_material) {
    m.materials.push_back(TissueMaterial::from_params(p));
    m.viscous = m.viscous || m.materials.back().viscous();
    max_modulus = std::max(max_modulus, p.youngs_modulus);
  }
  m.elements.resize(n_tets);
  m.node_mass.assign(n_nodes, 0.0);
  for (Index t = 0; t < n_tets; ++t) {
    const Tet& tet = mesh.tets[t];
    Mat3 Dm;
    for (int k = 0; k < 3; ++k) Dm.col(k) = mesh.nodes[tet[k + 1]] - mesh.nodes[tet[0]];
    const double volume = Dm.determinant() / 6.0;
    BACKSIM_ASSERT(volume > 0, "tets must be positively oriented (loaders check this)");
    const auto region = static_cast<std::size_t>(mesh.region[t]);
    BACKSIM_ASSERT(region < in.region_material.size(), "every region needs a material");
    m.elements[t] = TetElement{Dm.inverse(), volume};
    const double quarter_mass = 0.25 * in.region_material[region].density * volume;
    for (Index node : tet) m.node_mass[node] += quarter_mass;
  }

  build_tissue_tables(m, in);

  // boundary conditions
  m.node_held.assign(n_nodes, 0);
  for (Index node : in.held_nodes) m.node_held[node] = 1;
  m.dof_free.assign(3 * n_nodes + 1, 1.0);
  for (Index i = 0; i < n_nodes; ++i)
    if (m.node_held[i]) m.dof_free[3 * i] = m.dof_free[3 * i + 1] = m.dof_free[3 * i + 2] = 0.0;
  for (Index dof : in.held_dofs) {
    BACKSIM_ASSERT(dof < 3 * n_nodes, "held dof out of range");
    m.dof_free[dof] = 0.0;
  }
  bool force_control = in.motion.control == ToolControl::force;
  for (const MotionSpec& s : in.following) force_control = force_control || s.control == ToolControl::force;
  m.dof_free[3 * n_nodes] = force_control ? 1.0 : 0.0;

  // tables for parallel assembly
  m.tet_colouring = colour_elements(flat(mesh.tets), 4, n_nodes);
  m.pattern = pattern_from_elements(flat(mesh.tets), 4, n_nodes);
  m.tet_blocks = element_block_indices(m.pattern, flat(mesh.tets), 4);
  m.surface = extract_boundary_surface(mesh);
  std::vector<std::uint8_t> skin(n_nodes, 0);
  if (in.skin_nodes.empty()) {
    for (Index node : m.surface.nodes) skin[node] = !m.node_held[node];
  } else {
    for (Index node : in.skin_nodes) skin[node] = 1;
  }
  m.contact = build_contact_quadrature(mesh.nodes, m.surface, skin);
  build_bone_surface(m);
  if (m.has_circulation()) build_friction_heat_tables(m);
  m.zones = in.zones;
  m.contact_point_zone = contact_point_zones(m, m.zones);
  m.contact_tri_blocks = element_block_indices(
      m.pattern, {m.surface.tris.empty() ? nullptr : m.surface.tris.front().data(), m.surface.tris.size() * 3}, 3);

  // tool and motion
  m.tool_specs.push_back(in.tool);
  for (const ToolSpec& t : in.other_tools) m.tool_specs.push_back(t);
  for (const ToolSpec& t : m.tool_specs) m.tools.push_back(ToolGeometry::from_spec(t));
  m.motion = ToolMotion(in.motion, in.following);
  m.solver = in.solver;
  m.output = in.output;
  m.duration = in.solver.duration > 0 ? in.solver.duration : m.motion.end_time();

  // scales
  m.mean_edge_length = mean_tet_edge_length(mesh);
  m.reference_modulus = max_modulus;
  const double h = m.mean_edge_length;
  m.force_tolerance = in.solver.newton_tolerance * max_modulus * h * h;
  for (Index node : m.surface.nodes)
    if (skin[node]) m.rest_surface_points.push_back(mesh.nodes[node]);
  m.contact_stiffness = contact_point_stiffness(mesh, m.surface, m.contact, in.region_material,
                                                in.solver.contact_stiffness_scale);
  m.tool_regularisation = max_modulus * h;
  return m;
}

}  // namespace backsim
