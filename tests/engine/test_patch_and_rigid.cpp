// Patch test and rigid-motion invariance of the finite-element discretisation.
#include "engine/sim/potential.hpp"
#include "engine/sim/step.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace backsim;

namespace {

// A 3 x 3 x 3-cell graded block (unequal cells, so the patch is not trivially
// regular) with every boundary node held: the patch-test set-up.
Model patch_model(bool dynamic) {
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.geometry.cells = {3, 3, 3};
  spec.geometry.grading = 2.0;
  spec.solver.gravity = Vec3::Zero();
  spec.solver.integration = dynamic ? TimeIntegration::backward_euler : TimeIntegration::quasi_static;
  ModelInputs in = block_model_inputs(spec);
  in.held_nodes = extract_boundary_surface(in.mesh).nodes;
  return build_model(std::move(in));
}

}  // namespace

TEST_CASE("patch test: a homogeneous deformation imposed on the boundary is reproduced inside", "[patch][solver]") {
  const bool dynamic = GENERATE(false, true);
  const Model m = patch_model(dynamic);
  REQUIRE(m.contact.point_count() == 0);  // no skin: nothing but the boundary values acts
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  // A finite homogeneous deformation: 8% stretch, shear, compression, and a translation.
  Mat3 F;
  F << 1.08, 0.05, -0.02, 0.03, 0.97, 0.04, -0.01, 0.02, 0.95;
  const Vec3 b(0.001, -0.002, 0.0005);
  Index interior = 0;
  for (Index i = 0; i < m.node_count(); ++i) {
    if (!m.node_held[i]) {
      ++interior;
      continue;
    }
    const Vec3 x = F * m.mesh.nodes[i] + b;
    for (int k = 0; k < 3; ++k) s.q[3 * i + k] = x(k);
  }
  REQUIRE(interior >= 8);  // (3 - 1)^3 interior nodes
  // Dynamic steps start from rest at the deformed boundary: the interior must still
  // end on the homogeneous field, since it is static equilibrium and inertia alone
  // would not move it there in one step; so the dynamic case uses a long step.
  step(m, s, w, dynamic ? 100.0 : 1.0);
  double worst = 0;
  for (Index i = 0; i < m.node_count(); ++i) {
    const Vec3 expected = F * m.mesh.nodes[i] + b;
    const Vec3 got(s.q[3 * i], s.q[3 * i + 1], s.q[3 * i + 2]);
    worst = std::max(worst, (got - expected).norm());
  }
  // Newton stops at a residual of 1e-6 E h^2: the displacement error is then of
  // order 1e-6 h; 1e-9 m is three orders below the 4 mm element size times that.
  INFO("largest deviation from the homogeneous field: " << worst << " m");
  CHECK(worst < 1e-8);
}

TEST_CASE("rigid motions produce no elastic force", "[patch]") {
  const Model m = patch_model(false);
  Scratch w = make_scratch(m);
  StepProblem p;
  p.model = &m;
  p.h = 0.01;
  State s = initial_state(m);
  p.targets = targets_at(m, s, p.h);
  const Mat3 R = Eigen::AngleAxisd(0.9, Vec3(0.3, -1, 2).normalized()).toRotationMatrix();
  const Vec3 t(0.05, -0.02, 0.3);
  for (Index i = 0; i < m.node_count(); ++i) {
    const Vec3 x = R * m.mesh.nodes[i] + t;
    for (int k = 0; k < 3; ++k) s.q[3 * i + k] = x(k);
  }
  const EnergyResult e = evaluate_gradient(p, s.q, w);
  double largest = 0;
  for (Index i = 0; i < 3 * m.node_count(); ++i) largest = std::max(largest, std::abs(w.gradient[i]));
  // Force scale of one element strained by 1: E h^2 = 20 kPa * (1 cm)^2 = 2 N;
  // round-off in F = R is ~1e-16, so forces must be below 1e-12 of that.
  const double scale = m.reference_modulus * m.mean_edge_length * m.mean_edge_length;
  CHECK(largest < 1e-12 * scale);
  CHECK(std::abs(e.energy) < 1e-12 * scale * m.mean_edge_length);
  // A stretch must give a force, or the check above proves nothing.
  for (Index i = 0; i < m.node_count(); ++i) s.q[3 * i] *= 1.01;
  evaluate_gradient(p, s.q, w);
  largest = 0;
  for (Index i = 0; i < 3 * m.node_count(); ++i) largest = std::max(largest, std::abs(w.gradient[i]));
  CHECK(largest > 1e-4 * scale);
}
