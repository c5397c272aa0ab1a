// Force control: during a steady glide the tissue pushes back on the tool with the
// target normal force, while depth is the outcome.
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace backsim;

TEST_CASE("force control holds the normal force within 5% of its target in a steady glide", "[force][solver]") {
  const TimeIntegration integration = GENERATE(TimeIntegration::quasi_static, TimeIntegration::backward_euler);
  const ToolShape shape = GENERATE(ToolShape::sphere, ToolShape::capsule);
  SimulationSpec spec;
  spec.geometry.size = Vec3(0.12, 0.08, 0.03);
  spec.geometry.cells = {24, 16, 6};
  spec.material.youngs_modulus = 20e3;
  spec.material.poisson_ratio = 0.45;
  spec.tool.shape = shape;
  spec.tool.radius = 0.015;
  spec.tool.length = 0.03;
  spec.tool.axis = Vec3(0, 1, 0);  // capsule across the stroke, like a forearm
  spec.tool.friction = 0.3;
  spec.tool.mass = 0.5;
  spec.motion.control = ToolControl::force;
  spec.motion.normal_force = 2.0;
  spec.motion.max_depth = 0.02;
  spec.motion.press_time = 0.3;
  spec.motion.hold_time = 0.1;
  spec.motion.path = {{-0.03, 0.0}, {0.03, 0.0}};
  spec.motion.speed = 0.1;
  spec.solver.integration = integration;
  spec.solver.time_step = 0.02;
  spec.output.interval = 0.1;
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  backsim::test::RecordingObserver obs;
  run_simulation(m, s, w, obs);

  // Steady glide: the stroke starts from rest at full speed, a one-step transient
  // (about 8% with inertia, backward Euler); the glide is steady after 0.1 s.
  const double steady_from = spec.motion.press_time + spec.motion.hold_time + 0.1;
  int gliding = 0;
  double worst = 0;
  for (const StepStats& st : obs.steps) {
    if (st.time <= steady_from + 1e-9) continue;
    ++gliding;
    worst = std::max(worst, std::abs(st.tool_force.z() / st.target_force - 1.0));
    CHECK(st.tool_depth > 0);                          // depth is an outcome, not zero
    CHECK(st.tool_depth < spec.motion.max_depth);      // and not the depth limit
    CHECK(std::abs(st.tool_force.x()) > 0.05 * 2.0);   // friction drags while gliding
  }
  REQUIRE(gliding >= 20);  // 5 cm of steady glide at 10 cm/s in 20 ms steps
  INFO("largest relative deviation of the normal force from its target: " << worst);
  // The requirement is 5%. Quasi-static equilibrium makes it exact up to the Newton
  // tolerance; with inertia (backward Euler) the tool rides over the mesh facets
  // (5 mm elements) and the force ripples by about 4%.
  CHECK(worst < 0.05);
}
