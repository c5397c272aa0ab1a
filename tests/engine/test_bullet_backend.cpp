// solver.method = bullet (engine/bullet/): Bullet's deformable world on the same
// Model, held to backsim's converged Newton solutions of the same problems.
#include "engine/bullet/bullet_world.hpp"
#include "engine/core/error.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/step.hpp"
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

using namespace backsim;

namespace {

struct Run {
  State state;
  StepStats last;
  Vec3 bullet_contact_force{0, 0, 0};  // Bullet's own, over the last step (bullet runs)
};

Run run(const SimulationSpec& spec, SolverMethod method) {
  SimulationSpec s = spec;
  s.solver.method = method;
  const Model model = build_model(block_model_inputs(s));
  Run r{initial_state(model), {}, Vec3::Zero()};
  Scratch w = make_scratch(model);
  test::RecordingObserver obs;
  run_simulation(model, r.state, w, obs);
  REQUIRE(!obs.steps.empty());
  r.last = obs.steps.back();
  if (w.bullet) r.bullet_contact_force = w.bullet->last_step_contact_force();
  return r;
}

// The small block, soft enough (2 kPa) to sag about a millimetre under its weight,
// with the tool resting on the skin and not moving (it never touches the sagging top).
SimulationSpec sag_spec() {
  SimulationSpec s = test::small_block_spec();
  s.material.youngs_modulus = 2e3;
  s.motion.path = {{0.0, 0.0}};
  s.motion.press_depth = 0.0;
  s.solver.duration = 0.6;
  s.solver.bullet_damping = 0.01;  // damping ratio ~0.3 in the first mode (~10 Hz): settled by 0.6 s
  return s;
}

}  // namespace

TEST_CASE("Bullet's gravity sag matches Newton's quasi-static equilibrium", "[bullet]") {
  const SimulationSpec spec = sag_spec();
  const Model model = build_model(block_model_inputs(spec));
  const Run newton = run(spec, SolverMethod::newton);
  const Run bullet = run(spec, SolverMethod::bullet);
  const double error = backsim::test::relative_displacement_error(model, bullet.state.q, newton.state.q);
  double sag = 0;
  for (Index i = 0; i < model.node_count(); ++i) sag = std::min(sag, newton.state.q[3 * i + 2] - model.mesh.nodes[i].z());
  std::printf("gravity sag: Newton %.4g mm deepest, Bullet vs Newton relative L2 %.4g\n", -1e3 * sag, error);
  CHECK(sag < -5e-4);  // the test is about something: at least half a millimetre of sag
  // Same mesh, masses, gravity and small-strain moduli; the energies differ beyond
  // second order in strain (Bullet keeps the log term) and Bullet's answer is a damped
  // dynamic one settling toward equilibrium. Measured 0.11%; 1% leaves room for
  // either without letting a wrong modulus conversion through (the log term's
  // 4/3 and 5/6 factors, if missed, move the sag by 25% or more).
  CHECK(error < 0.01);
}

TEST_CASE("Bullet's step depends on the State alone (a fresh world resumes it)", "[bullet]") {
  SimulationSpec spec = test::small_block_spec();
  spec.solver.method = SolverMethod::bullet;
  const Model model = build_model(block_model_inputs(spec));
  State a = initial_state(model);
  Scratch wa = make_scratch(model);
  step(model, a, wa, 0.05);
  State b = a;
  Scratch wb = make_scratch(model);  // a fresh world, built from the Model alone
  step(model, a, wa, 0.05);
  step(model, b, wb, 0.05);
  CHECK(a.q == b.q);
  CHECK(a.velocity == b.velocity);
}

TEST_CASE("Bullet's world refuses what it cannot represent", "[bullet]") {
  SimulationSpec spec = test::muscle_block_spec();
  spec.solver.method = SolverMethod::bullet;
  const Model model = build_model(test::muscle_block_inputs(spec));
  CHECK_THROWS_AS(BulletWorld(model, 1.0 / 480.0), InvalidInput);
}

TEST_CASE("Bullet's reaction to a pressed sphere matches Newton's", "[bullet]") {
  SimulationSpec spec = test::small_block_spec();
  spec.geometry.cells = {12, 9, 6};
  spec.motion.path = {{0.0, 0.0}};
  spec.motion.press_depth = 0.002;
  spec.motion.press_time = 0.2;
  spec.motion.hold_time = 0.1;
  spec.solver.gravity = Vec3::Zero();
  spec.tool.friction = 0.0;  // the normal force alone (Newton with friction took 145 s here)
  spec.solver.bullet_damping = 0.05;  // 0.01 blew up at the press's end at 1/480 s sub-steps
  const auto t0 = std::chrono::steady_clock::now();
  const Run newton = run(spec, SolverMethod::newton);
  const auto t1 = std::chrono::steady_clock::now();
  const Run bullet = run(spec, SolverMethod::bullet);
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("press: Newton %.1f s, Bullet %.1f s\n", std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());
  const Model model = build_model(block_model_inputs(spec));
  const double error = backsim::test::relative_displacement_error(model, bullet.state.q, newton.state.q);
  std::printf("press: Newton %.4g N, Bullet %.4g N (StepStats), %.4g N (world); penetration %.3g mm; "
              "displacement relative L2 %.4g; %d sub-steps\n",
              newton.last.tool_force.z(), bullet.last.tool_force.z(), bullet.bullet_contact_force.z(),
              1e3 * bullet.last.max_penetration, error,
              bullet.last.substeps);
  CHECK(newton.last.tool_force.z() > 0.05);
  // Bullet's reaction (the contact nodes' momentum balance) is 16% below Newton's here:
  // its node contact keeps the skin a margin (a tenth of an edge) off a tool it sees
  // through a coarse interpolated distance grid, and only nodes touch (no triangle
  // contact), so the contact patch differs by a fraction of a 3.3 mm cell. 25% bounds
  // that and still catches a reaction that misses the elastic part (it would be ~0).
  CHECK(std::abs(bullet.last.tool_force.z() - newton.last.tool_force.z()) < 0.25 * newton.last.tool_force.z());
  // The penalty evaluated at Bullet's end state is what StepStats does not report:
  // Bullet lets skin points into the tool, and the penalty reads that as a large force.
  CHECK(bullet.last.max_penetration > 0);
}
