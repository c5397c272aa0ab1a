// solver.method = explicit (central differences), against Newton and against its
// own stability bound.
#include "engine/core/parallel.hpp"
#include "engine/sim/stable_time_step.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/tissue_update.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace backsim;

namespace {

// The small block with the sphere pressed 2 mm in 0.05 s and held there (no glide),
// frictionless: its equilibrium is unique, so damped dynamics must settle on the
// quasi-static solution.
SimulationSpec pressed_and_held(double hold) {
  SimulationSpec s = backsim::test::small_block_spec();
  s.tool.friction = 0.0;
  s.motion.path = {{0.0, 0.0}};
  s.motion.press_time = 0.05;
  s.motion.hold_time = hold;
  s.solver.time_step = 0.01;
  s.output.interval = 0.01;
  return s;
}

}  // namespace

TEST_CASE("damped explicit dynamics settles on Newton's quasi-static solution as the hold lengthens",
          "[explicit]") {
  // Reference: quasi-static Newton, converged far below the errors measured here.
  SimulationSpec newton = pressed_and_held(0.05);
  newton.solver.newton_tolerance = 1e-10;
  const Model m = build_model(block_model_inputs(newton));
  const std::vector<double> reference = backsim::test::final_positions(newton);

  // Mass damping of about twice the block's lowest frequency (shear wave over 2 cm
  // depth: (pi / 2) sqrt(mu / rho) / H ~ 200 rad/s) relaxes every mode within ~0.1 s.
  std::vector<double> errors;
  for (double hold : {0.01, 0.04, 0.16}) {
    SimulationSpec spec = pressed_and_held(hold);
    spec.solver.method = SolverMethod::explicit_central;
    spec.solver.mass_damping = 400;
    errors.push_back(backsim::test::relative_displacement_error(m, backsim::test::final_positions(spec), reference));
  }
  INFO("errors after holds of 0.01, 0.04, 0.16 s: " << errors[0] << ", " << errors[1] << ", " << errors[2]);
  CHECK(errors[1] < 0.5 * errors[0]);
  CHECK(errors[2] < 0.5 * errors[1]);
  // 1e-5: far below the 2 mm press's displacements (measured: 6.5e-4 after 0.02 s,
  // 1.7e-7 after 0.08 s); the slowest mode decays as exp(-omega^2 t / alpha)
  CHECK(errors[2] < 1e-5);
}

TEST_CASE("the stable-step bound lies above the largest eigenvalue of M^-1 K and within 6x of it", "[explicit]") {
  // at a pressed state (the sphere 2 mm in, by quasi-static Newton): contact active
  SimulationSpec spec = pressed_and_held(0.0);
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  backsim::test::RecordingObserver obs;
  run_simulation(m, s, w, obs);
  StepProblem p;
  p.model = &m;
  p.targets = targets_at(m, s, 0.0);
  p.h = 0.01;
  prepare_tissue_step(m, s, p.h, w);
  const double bound = max_frequency_squared_bound(p, s.q, w, 0.0);  // the points in contact only
  // power iteration on M^-1/2 K M^-1/2 over the free node dofs (w.hessian as assembled by the bound)
  const Index n = 3 * m.node_count();
  std::vector<double> x(n), y(n);
  for (Index i = 0; i < n; ++i) x[i] = w.dof_free[i] * (1.0 + 0.001 * (i % 7));
  double lambda = 0;
  for (int it = 0; it < 3000; ++it) {
    for (Index i = 0; i < n; ++i) x[i] *= w.dof_free[i] / std::sqrt(m.node_mass[i / 3]);
    w.hessian.multiply(x, y);
    double norm = 0, dot = 0;
    for (Index i = 0; i < n; ++i) {
      y[i] *= w.dof_free[i] / std::sqrt(m.node_mass[i / 3]);
      x[i] *= std::sqrt(m.node_mass[i / 3]);
      dot += x[i] * y[i];
    }
    double xx = 0;
    for (Index i = 0; i < n; ++i) xx += x[i] * x[i];
    lambda = dot / xx;
    for (Index i = 0; i < n; ++i) norm += y[i] * y[i];
    norm = std::sqrt(norm);
    for (Index i = 0; i < n; ++i) x[i] = y[i] / norm;
  }
  INFO("bound " << bound << " 1/s^2, largest eigenvalue (power iteration) " << lambda << " 1/s^2");
  CHECK(bound >= lambda);
  REQUIRE(obs.steps.back().active_contacts > 0);
  // Gershgorin on a tet mesh's stiffness is 1.5-3x above; the pressing points'
  // penalty is counted twice (in K and as pressing): at most 2x more
  CHECK(bound <= 6 * lambda);
}

TEST_CASE("explicit dynamics gives bit-identical results on 1 and 2 threads", "[explicit][determinism]") {
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.geometry.cells = {16, 12, 6};  // several reduction chunks
  spec.solver.method = SolverMethod::explicit_central;
  spec.solver.mass_damping = 100;
  spec.motion.path = {{0.0, 0.0}, {0.002, 0.0}};  // a short glide: friction impulses included
  spec.motion.press_time = 0.05;
  const auto one = backsim::test::run_with_threads(spec, 1);
  const auto two = backsim::test::run_with_threads(spec, 2);
  set_threads(0);
  REQUIRE(one.frames.size() == two.frames.size());
  REQUIRE(one.frames.size() >= 3);
  for (std::size_t f = 0; f < one.frames.size(); ++f)
    CHECK(std::memcmp(one.frames[f].data(), two.frames[f].data(), one.frames[f].size() * sizeof(double)) == 0);
  for (std::size_t k = 0; k < one.steps.size(); ++k)
    CHECK(std::memcmp(one.steps[k].tool_force.data(), two.steps[k].tool_force.data(), 3 * sizeof(double)) == 0);
  CHECK(one.steps.back().substeps > 1);
  CHECK(one.steps.back().tool_force.norm() > 0.01);  // the tool pressed
}
