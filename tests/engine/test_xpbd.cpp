// solver.method = xpbd (engine/sim/xpbd_step.cpp): converges to Newton's
// backward-Euler step as its iterations grow, is bit-identical on 1 and 2 threads,
// its AVX2 and generic sweeps agree to the bit, and it refuses what it does not model.
#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"
#include "engine/sim/step.hpp"
#include "engine/sim/xpbd_sweep.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <cmath>
#include <iostream>

using namespace backsim;

namespace {

// The small block pressed frictionless by the sphere in 10 steps of h (the press to
// 0.5 mm lasts the 10 steps): contact, gravity and inertia all act. XPBD takes one
// sub-step per step, so both methods advance by the same h each time.
SimulationSpec press_spec(SolverMethod method, double h) {
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.tool.friction = 0.0;
  spec.motion.press_depth = 0.0005;
  spec.motion.press_time = 10 * h;
  spec.solver.method = method;
  spec.solver.integration = TimeIntegration::backward_euler;
  spec.solver.time_step = h;
  spec.solver.newton_tolerance = 1e-9;  // residual forces below 1e-9 E h^2: far below XPBD's errors
  spec.solver.xpbd_substeps = 1;
  return spec;
}

std::vector<double> ten_steps(const SimulationSpec& spec) {
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  for (int k = 0; k < 10; ++k) step(m, s, w, spec.solver.time_step);
  s.q.pop_back();  // positions only: the tool depth is prescribed, equal in both
  return s.q;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

// Largest position error of XPBD against Newton's backward Euler (same h, 10 steps),
// relative to the largest displacement, for each iteration count.
std::vector<double> relative_errors(double h, const std::vector<int>& iteration_counts) {
  const SimulationSpec newton_spec = press_spec(SolverMethod::newton, h);
  const std::vector<double> reference = ten_steps(newton_spec);
  const Model m = build_model(block_model_inputs(newton_spec));
  std::vector<double> rest(reference.size());
  for (Index i = 0; i < m.node_count(); ++i)
    for (int c = 0; c < 3; ++c) rest[3 * i + c] = m.mesh.nodes[i](c);
  const double displacement = max_abs_difference(reference, rest);
  REQUIRE(displacement > 0.4e-3);  // the steps pressed the tissue (the tool went 0.5 mm deep)
  std::vector<double> errors;
  for (int iterations : iteration_counts) {
    SimulationSpec spec = press_spec(SolverMethod::xpbd, h);
    spec.solver.xpbd_iterations = iterations;
    errors.push_back(max_abs_difference(ten_steps(spec), reference) / displacement);
    std::cout << "xpbd h = " << h << " s, " << iterations
              << " iterations: largest position error / largest displacement = " << errors.back() << "\n";
  }
  return errors;
}

}  // namespace

// XPBD's sweeps converge to the point where every constraint holds with its
// compliance; that point is Newton's backward-Euler step up to the change of the
// constraint gradients within a sub-step (the multipliers are accumulated along
// gradients taken at earlier iterates), an error of order (h c / l)^2 with c the
// shear wave speed and l the element size (docs/solvers.md). So: at a fixed h the
// error falls with iterations to a floor, and the floor falls with h.
// Here l = 5 mm, c = sqrt(mu / rho) = 2.6 m/s: h = 0.5 ms is h c / l = 0.26.
TEST_CASE("xpbd converges to Newton's backward-Euler steps as iterations grow and h shrinks", "[xpbd][solver]") {
  const std::vector<double> coarse = relative_errors(0.5e-3, {1, 4, 16, 64});
  CHECK(coarse[1] < 0.5 * coarse[0]);  // measured 0.029 vs 0.084: iterations converge, not diverge
  CHECK(coarse[2] < 0.7 * coarse[1]);  // measured 0.0178 vs 0.029
  // the floor: more iterations stay there (exact multiplier accumulation does not drift;
  // 256 iterations measured the same as 64 to 6 digits)
  CHECK(std::abs(coarse[3] - coarse[2]) < 0.02 * coarse[2]);
  CHECK(coarse[3] < 0.03);  // measured 0.018 (a 9 um error on a 0.5 mm press)
  const std::vector<double> fine = relative_errors(0.25e-3, {64});
  CHECK(fine[0] < coarse[3] / 2.5);  // second order in h would give 4x
}

TEST_CASE("xpbd gives bit-identical states and tool forces on 1 and 2 threads", "[xpbd][determinism]") {
  SimulationSpec spec = backsim::test::small_block_spec();  // press, then a glide with friction 0.3
  spec.geometry.cells = {16, 12, 6};                        // several colours of many tets each
  spec.solver.method = SolverMethod::xpbd;
  spec.solver.duration = 0.3;                               // the press and the glide's start
  spec.solver.xpbd_iterations = 20;
  const auto one = backsim::test::run_with_threads(spec, 1);
  const auto two = backsim::test::run_with_threads(spec, 2);
  set_threads(0);
  REQUIRE(one.frames.size() == two.frames.size());
  REQUIRE(one.frames.size() >= 3);
  for (std::size_t f = 0; f < one.frames.size(); ++f)
    CHECK(std::memcmp(one.frames[f].data(), two.frames[f].data(), one.frames[f].size() * sizeof(double)) == 0);
  REQUIRE(one.steps.size() == two.steps.size());
  for (std::size_t k = 0; k < one.steps.size(); ++k)
    CHECK(std::memcmp(one.steps[k].tool_force.data(), two.steps[k].tool_force.data(), 3 * sizeof(double)) == 0);
  // the tool pressed, so the comparison means something: 0.02 N is a fifth of what 20
  // iterations reach at 2 mm (0.1 N; Newton 0.42 N: xpbd's slow convergence, docs/solvers.md)
  double largest = 0;
  for (const StepStats& st : one.steps) largest = std::max(largest, st.tool_force.norm());
  CHECK(largest > 0.02);
}

// The sweep runs AVX-512 or AVX2 code where the CPU has it and SSE2 code elsewhere;
// all must give the same bits, or results would depend on the machine
// (xpbd_sweep.cpp). So must its two mass paths where the masses agree (one per node
// in the position records, or per coordinate for models with rollers).
TEST_CASE("xpbd's AVX-512, AVX2 and generic sweeps give bit-identical positions and multipliers",
          "[xpbd][determinism]") {
  if (best_xpbd_kernel() == XpbdKernel::generic) {
    WARN("this CPU has neither AVX2 nor AVX-512: only the generic sweep runs here, nothing to compare");
    return;
  }
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.geometry.cells = {16, 12, 6};  // colours whose tet counts are not all multiples of 4: padded batches
  spec.solver.method = SolverMethod::xpbd;
  const Model m = build_model(block_model_inputs(spec));
  Scratch w = make_scratch(m);
  const double h = 1e-3;
  set_xpbd_region_constants(w.step_matrix, h, w.xpbd);
  // a sub-step's prediction under gravity, so every projection moves nodes
  std::vector<double> start = initial_state(m).q;
  for (Index i = 0; i < 3 * m.node_count(); ++i) start[i] -= w.dof_free[i] * (i % 3 == 2 ? 0.01 * h : 0.0);
  const auto sweep_with = [&](XpbdKernel kernel, std::vector<double>& q, bool node_masses = true) {
    XpbdScratch x = w.xpbd;
    x.kernel = kernel;
    x.node_mass_in_positions = node_masses;
    load_xpbd_positions(start, x);
    for (int it = 0; it < 5; ++it) sweep_tets(x);
    q = start;
    store_xpbd_positions(x, q);
    return x;
  };
  std::vector<double> q_generic;
  const XpbdScratch generic = sweep_with(XpbdKernel::generic, q_generic);
  REQUIRE(w.xpbd.node_mass_in_positions);  // the block has no rollers: the node-mass path is the one in use
  REQUIRE(max_abs_difference(q_generic, start) > 1e-6);  // the sweeps moved the nodes
  // the per-coordinate mass path (models with rollers) gives the same bits where the masses agree
  {
    std::vector<double> q;
    const XpbdScratch x = sweep_with(XpbdKernel::generic, q, /*node_masses=*/false);
    CHECK(std::memcmp(q_generic.data(), q.data(), q.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(generic.lambda_volume.data(), x.lambda_volume.data(), x.lambda_volume.size() * sizeof(double)) == 0);
  }
  for (const XpbdKernel kernel : {XpbdKernel::avx2, XpbdKernel::avx512}) {
    if (!cpu_runs(kernel)) continue;
    INFO("kernel " << static_cast<int>(kernel));
    std::vector<double> q;
    const XpbdScratch x = sweep_with(kernel, q);
    CHECK(std::memcmp(q_generic.data(), q.data(), q.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(generic.lambda_volume.data(), x.lambda_volume.data(), x.lambda_volume.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(generic.lambda_deviatoric.data(), x.lambda_deviatoric.data(),
                      x.lambda_deviatoric.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("xpbd refuses fibres and force control, naming what it supports", "[xpbd][input]") {
  SECTION("fibres") {
    SimulationSpec spec = backsim::test::muscle_block_spec();
    spec.solver.method = SolverMethod::xpbd;
    const Model m = build_model(backsim::test::muscle_block_inputs(spec));
    REQUIRE_THROWS_WITH(make_scratch(m), Catch::Contains("isotropic stable Neo-Hookean matrix only"));
  }
  SECTION("force control") {
    SimulationSpec spec = backsim::test::small_block_spec();
    spec.solver.method = SolverMethod::xpbd;
    spec.motion.control = ToolControl::force;
    spec.motion.normal_force = 1.0;
    const Model m = build_model(block_model_inputs(spec));
    REQUIRE_THROWS_WITH(make_scratch(m), Catch::Contains("kinematically only"));
  }
}
