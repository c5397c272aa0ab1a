// Newton-PCG converges to its own tightly converged solution as its tolerance is
// refined (issue 6: every solver converges to the Newton reference as it is refined).
#include "model_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace backsim;

namespace {

std::vector<double> final_positions(SimulationSpec spec, double tolerance) {
  spec.solver.newton_tolerance = tolerance;
  spec.solver.cg_tolerance = 1e-12;
  return backsim::test::final_positions(spec);
}

}  // namespace

TEST_CASE("Newton's solution converges to the reference as newton_tolerance is refined", "[newton][convergence]") {
  SimulationSpec spec = backsim::test::small_block_spec();  // press 2 mm, glide 1 cm with friction 0.3
  const Model m = build_model(block_model_inputs(spec));
  const std::vector<double> reference = final_positions(spec, 1e-11);
  std::vector<double> errors;
  for (double tolerance : {1e-2, 1e-4, 1e-6, 1e-8})
    errors.push_back(backsim::test::relative_displacement_error(m, final_positions(spec, tolerance), reference));
  INFO("relative displacement errors at tolerances 1e-2, 1e-4, 1e-6, 1e-8: " << errors[0] << ", " << errors[1]
                                                                              << ", " << errors[2] << ", " << errors[3]);
  // each refinement by 100 must gain at least 10x until round-off (the residual
  // tolerance bounds the error through the Hessian's conditioning, not 1:1)
  for (std::size_t k = 0; k + 1 < errors.size(); ++k) CHECK((errors[k + 1] < 0.1 * errors[k] || errors[k + 1] < 1e-10));
  CHECK(errors.back() < 1e-6);
}
