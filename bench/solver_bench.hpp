// The solver benchmark of issue 6: reference problems run by each solver
// configuration at each thread count, timed, sized, and checked against a converged
// Newton reference of the same problem.
#pragma once

#include "engine/sim/model.hpp"

#include <functional>
#include <string>
#include <vector>

namespace backsim::bench {

// A reference problem: how to build its model inputs, what its frames are compared at.
struct BenchProblem {
  std::string name;
  std::function<ModelInputs()> inputs;
};

// One way of solving: a solver method with its settings.
struct SolverConfig {
  std::string name;
  std::string description;
  std::function<void(SolverSettings&)> apply;
  bool serial = false;  // runs on one thread whatever it is given (Debian's Bullet): timed once, at 1 thread
};

// The block of the foundation (20 x 15 x 4 cm, 20 kPa, nu 0.45) at "5k", "20k" or
// "80k" tets: a 3 cm sphere pressed 6 mm in 0.1 s, then stroked 4 cm at 10 cm/s with
// friction 0.3 (0.5 s); frames every 0.1 s.
BenchProblem block_problem(const std::string& size);
// A scenario file (the back under an effleurage stroke: bench/problems/).
BenchProblem scenario_problem(const std::string& path);

// Known configurations: "newton", "newton-cholesky", "newton-coarse", "explicit", and
// one per further solver method. The reference is "reference".
std::vector<SolverConfig> known_configs();
SolverConfig reference_config();

struct BenchRow {
  std::string problem, config, status = "ok";  // status: ok, or why the run failed
  Index tets = 0;
  int threads = 0;
  std::int64_t steps = 0, iterations = 0, cg_iterations = 0, substeps = 0;
  double simulated = 0, wall = 0, peak_rss_mib = 0;
  double displacement_error = -1, force_error = -1;  // vs the reference: max over frames, relative; -1 unknown
  double bytes_per_iteration = 0;                    // iteration_traffic.hpp
  double ms_per_iteration() const { return iterations ? 1e3 * wall / static_cast<double>(iterations) : 0; }
  double wall_per_simulated() const { return simulated > 0 ? wall / simulated : 0; }
};

struct BenchSettings {
  std::vector<std::string> configs;
  std::vector<int> threads;
  std::vector<double> bandwidth;  // [threads index] bytes/s measured with that many threads
  bool reference = true;          // false: timings only, no converged reference and no errors
};

// Runs the reference, then every configuration at every thread count, each in its
// own child process; `emit` gets each row as it is done.
std::vector<BenchRow> run_problem(const BenchProblem& problem, const BenchSettings& settings,
                                  const std::function<void(const BenchRow&)>& emit);

}  // namespace backsim::bench
