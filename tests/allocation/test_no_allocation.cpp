// A step allocates no memory: scratch is sized once when the model is built.
// This executable replaces the global operator new to count allocations, so it is
// kept apart from the other tests.
#include "../engine/model_fixtures.hpp"
#include "engine/sim/step.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace backsim;

TEST_CASE("a step allocates nothing", "[allocation]") {
  const ToolControl control = GENERATE(ToolControl::kinematic, ToolControl::force);
  const TimeIntegration integration = GENERATE(TimeIntegration::quasi_static, TimeIntegration::backward_euler);
  const Preconditioner preconditioner =
      GENERATE(Preconditioner::block_jacobi, Preconditioner::cholesky, Preconditioner::two_level);
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.solver.preconditioner = preconditioner;
  spec.motion.control = control;
  spec.motion.normal_force = 1.0;
  spec.solver.integration = integration;
  const Model model = build_model(block_model_inputs(spec));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  // The first step starts OpenMP's thread pool, which allocates once per process.
  step(model, state, scratch, 0.05);
  const std::int64_t factorizations = scratch.cholesky.factorizations;
  const long before = g_allocations.load();
  int newton = 0;
  for (int k = 0; k < 6; ++k) newton += step(model, state, scratch, 0.05).newton_iterations;
  const long during = g_allocations.load() - before;
  REQUIRE(newton > 6);  // the steps did real work: contact, friction, Newton iterations
  // and with Cholesky, numeric factorizations inside the counted steps
  if (preconditioner == Preconditioner::cholesky) REQUIRE(scratch.cholesky.factorizations > factorizations);
  CHECK(during == 0);
}

TEST_CASE("an explicit step allocates nothing", "[allocation]") {
  const ToolControl control = GENERATE(ToolControl::kinematic, ToolControl::force);
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.motion.control = control;
  spec.motion.normal_force = 1.0;
  spec.solver.method = SolverMethod::explicit_central;
  spec.solver.mass_damping = 100;
  const Model model = build_model(block_model_inputs(spec));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  step(model, state, scratch, 0.05);  // starts OpenMP's thread pool
  const long before = g_allocations.load();
  int substeps = 0;
  for (int k = 0; k < 4; ++k) substeps += step(model, state, scratch, 0.05).substeps;
  const long during = g_allocations.load() - before;
  REQUIRE(substeps > 4);  // the steps did real work in sub-steps
  CHECK(during == 0);
}

TEST_CASE("an xpbd step allocates nothing", "[allocation][xpbd]") {
  SimulationSpec spec = backsim::test::small_block_spec();
  spec.solver.method = SolverMethod::xpbd;
  spec.solver.xpbd_iterations = 4;
  const Model model = build_model(block_model_inputs(spec));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  // The first step starts OpenMP's thread pool, which allocates once per process.
  step(model, state, scratch, 0.05);
  const long before = g_allocations.load();
  int active = 0;
  for (int k = 0; k < 6; ++k) active += step(model, state, scratch, 0.05).active_contacts;
  const long during = g_allocations.load() - before;
  REQUIRE(active > 0);  // the steps did real work: the tool pressed and glided with friction
  CHECK(during == 0);
}
