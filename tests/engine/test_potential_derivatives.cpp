// The step potential (elastic + gravity + inertia + contact + friction + tool
// force) against finite differences, on a block with a tool pressed into it.
#include "engine/sim/potential.hpp"
#include "finite_difference.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace backsim;

namespace {

struct Setup {
  Model model;
  Scratch scratch;
  StepProblem problem;
  std::vector<double> q;
};

// The tool is pressed 1.5 mm in, the nodes are perturbed randomly, friction is
// lagged from a configuration slid sideways so that the slip is non-zero.
Setup make_setup(ToolShape shape, ToolControl control, bool dynamic) {
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.geometry.cells = {4, 3, 2};
  spec.tool.shape = shape;
  spec.tool.radius = shape == ToolShape::box ? 0.002 : 0.01;
  spec.tool.length = 0.01;
  // A box wider than the block: every contact point is under its flat face.
  spec.tool.half_extents = Vec3(0.05, 0.05, 0.005);  // covers the block at any yaw
  spec.tool.axis = Vec3(1, 1, 0).normalized();
  spec.motion.control = control;
  spec.solver.integration = dynamic ? TimeIntegration::backward_euler : TimeIntegration::quasi_static;
  Setup s{build_model(block_model_inputs(spec)), {}, {}, {}};
  s.scratch = make_scratch(s.model);
  State st = initial_state(s.model);
  s.q = st.q;
  const Model& m = s.model;
  s.problem.model = &s.model;
  s.problem.dynamic = dynamic;
  s.problem.h = 0.01;
  s.problem.project_hessian = false;
  s.problem.targets.tool_xy = Eigen::Vector2d(0.001, 0.002);
  s.problem.targets.stroke = &m.motion.spec();
  s.problem.targets.tool = &m.tools[0];
  s.problem.targets.tool_spec = &m.tool_specs[0];
  s.problem.targets.tool_rest_height = m.tools[0].bottom_offset();
  s.problem.targets.force_target = control == ToolControl::force ? 3.0 : 0.0;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (Index i = 0; i < m.node_count(); ++i)
    for (int k = 0; k < 3; ++k) s.q[3 * i + k] += 2e-4 * u(rng);
  s.q[m.tool_dof()] = 0.0015;
  // Slip reference: the points as they were with the tool 1 mm to the side.
  std::vector<double> q_ref = s.q;
  for (Index i = 0; i < m.node_count(); ++i) q_ref[3 * i] -= 1e-3 * (1 + 0.2 * u(rng));
  record_contact_start(m, q_ref, s.scratch);
  s.problem.targets.tool_position_start = tool_position(s.problem.targets, 0.0012);
  lag_friction(s.problem, s.q, tool_position(s.problem.targets, s.q[m.tool_dof()]), s.scratch);
  for (Index i = 0; i < m.dof_count(); ++i) s.scratch.q_inertial[i] = s.q[i] + 1e-4 * u(rng);
  return s;
}

}  // namespace

TEST_CASE("step potential gradient and Hessian match finite differences", "[potential]") {
  const ToolShape shape = GENERATE(ToolShape::sphere, ToolShape::capsule, ToolShape::box);
  const ToolControl control = GENERATE(ToolControl::kinematic, ToolControl::force);
  const bool dynamic = GENERATE(false, true);
  Setup s = make_setup(shape, control, dynamic);
  const Model& m = s.model;
  const Index n = m.dof_count();

  auto energy = [&](const Eigen::VectorXd& v) {
    std::vector<double> q(v.data(), v.data() + n);
    return evaluate_energy(s.problem, q, s.scratch).energy;
  };
  auto gradient = [&](const Eigen::VectorXd& v) {
    std::vector<double> q(v.data(), v.data() + n);
    evaluate_gradient(s.problem, q, s.scratch);
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(s.scratch.gradient.data(), n));
  };
  const Eigen::VectorXd q0 = Eigen::Map<const Eigen::VectorXd>(s.q.data(), n);

  const Eigen::VectorXd g = gradient(q0);
  // The contact must be active, or the check says nothing about contact.
  REQUIRE(tool_reaction(s.problem, s.q, s.scratch).active_points > 0);
  REQUIRE(g.norm() > 0);
  // Step 1e-7 m against features of mm: truncation ~1e-8 relative, round-off below.
  const Eigen::VectorXd g_fd = backsim::test::fd_gradient(energy, q0, 1e-7);
  CHECK(backsim::test::relative_error(g, g_fd) < 1e-5);

  // Hessian-vector products against differences of the gradient: contact includes
  // the tool's curvature term kappa A phi d2phi, friction is exact for the lagged
  // basis, elements are unprojected here, so the whole Hessian is exact.
  assemble_hessian(s.problem, s.q, s.scratch);
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 3; ++trial) {
    Eigen::VectorXd d(n);
    for (Index i = 0; i < n; ++i) d(i) = u(rng);
    std::vector<double> Hd(n, 0.0);
    s.scratch.hessian.multiply(std::span<const double>(d.data(), 3 * m.node_count()),
                               std::span<double>(Hd.data(), 3 * m.node_count()));
    const double ds = d(m.tool_dof());
    double hs = s.scratch.tool_diagonal * ds;
    for (Index i = 0; i < 3 * m.node_count(); ++i) {
      Hd[i] += s.scratch.tool_coupling[i] * ds;
      hs += s.scratch.tool_coupling[i] * d(i);
    }
    Hd[m.tool_dof()] = hs;
    const double step = 1e-7;
    const Eigen::VectorXd Hd_fd = (gradient(q0 + step * d) - gradient(q0 - step * d)) / (2 * step);
    const Eigen::VectorXd Hd_v = Eigen::Map<const Eigen::VectorXd>(Hd.data(), n);
    CHECK(backsim::test::relative_error(Hd_v, Hd_fd) < 1e-5);
  }
}
