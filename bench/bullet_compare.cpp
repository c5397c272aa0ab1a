// backsim-bullet-compare: the benchmark's block problem (backsim_bench.cpp,
// block_problem: a 20 x 15 x 4 cm block, 20 kPa, nu 0.45, a 3 cm sphere pressed 6 mm
// in 0.1 s and stroked 4 cm at 10 cm/s, friction 0.3) solved by Newton and by Bullet
// (solver.method = bullet) on one thread: wall time, and Bullet's error against
// Newton in the end displacement and the tool's reaction. A benchmark, not a test:
// nothing here asserts. The block is restated here, not shared, while the bench
// harness is being reworked; keep the two in step.
#include "engine/core/parallel.hpp"
#include "engine/sim/simulation.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

using namespace backsim;

namespace {

SimulationSpec block_problem(const std::array<Index, 3>& cells, SolverMethod method, double bullet_time_step,
                             double friction) {
  SimulationSpec s;
  s.solver.method = method;
  s.solver.bullet_time_step = bullet_time_step;
  s.geometry.size = Vec3(0.20, 0.15, 0.04);
  s.geometry.cells = cells;
  s.material.youngs_modulus = 20e3;
  s.material.poisson_ratio = 0.45;
  s.tool.shape = ToolShape::sphere;
  s.tool.radius = 0.03;
  s.tool.friction = friction;
  s.motion.control = ToolControl::kinematic;
  s.motion.path = {{-0.02, 0.0}, {0.02, 0.0}};
  s.motion.press_depth = 0.006;
  s.motion.press_time = 0.1;
  s.motion.speed = 0.1;
  s.solver.time_step = 0.01;
  s.output.interval = 1.0;
  return s;
}

struct Recorder final : SimulationObserver {
  std::vector<StepStats> steps;
  const Scratch* scratch = nullptr;
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats& st) override {
    steps.push_back(st);
  }
};

struct Result {
  Model model;
  State state;
  Recorder rec;
  SimulationSummary summary;
};

Result solve(const SimulationSpec& spec) {
  Result r{build_model(block_model_inputs(spec)), {}, {}, {}};
  r.state = initial_state(r.model);
  Scratch w = make_scratch(r.model);
  r.rec.scratch = &w;
  r.summary = run_simulation(r.model, r.state, w, r.rec);
  return r;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"backsim-bullet-compare: the bench's block by Newton and by Bullet, one thread"};
  std::string size = "20k";
  double bullet_time_step = 1.0 / 480.0;
  app.add_option("--size", size, "Block size: 5k, 20k, 80k (the bench's cells)")
      ->check(CLI::IsMember({"5k", "20k", "80k"}));
  app.add_option("--bullet-time-step", bullet_time_step, "Bullet's sub-step, s");
  double friction = 0.3;
  app.add_option("--friction", friction, "The tool's friction coefficient (the bench's: 0.3)");
  CLI11_PARSE(app, argc, argv);
  const std::array<Index, 3> cells = size == "5k" ? std::array<Index, 3>{20, 15, 3}
                                     : size == "20k" ? std::array<Index, 3>{28, 20, 6}
                                                     : std::array<Index, 3>{44, 33, 9};
  set_threads(1);

  const Result newton = solve(block_problem(cells, SolverMethod::newton, bullet_time_step, friction));
  fmt::print("newton: {} steps, {:.1f} s wall\n", newton.summary.steps, newton.summary.wall_seconds);
  std::fflush(stdout);
  const Result bullet = solve(block_problem(cells, SolverMethod::bullet, bullet_time_step, friction));
  const Model& m = newton.model;

  // end displacement, relative L2 over all nodes
  double diff = 0, norm = 0;
  for (Index i = 0; i < 3 * m.node_count(); ++i) {
    const double x0 = m.mesh.nodes[i / 3](i % 3);
    const double un = newton.state.q[i] - x0, ub = bullet.state.q[i] - x0;
    diff += (ub - un) * (ub - un);
    norm += un * un;
  }
  // tool reaction per step (StepStats: Newton's penalty contact, Bullet's own momentum balance)
  const std::size_t n = std::min(newton.rec.steps.size(), bullet.rec.steps.size());
  double rms = 0, rms_ref = 0, peak_n = 0, peak_b = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const Vec3 fn = newton.rec.steps[k].tool_force;
    rms += (bullet.rec.steps[k].tool_force - fn).squaredNorm();
    rms_ref += fn.squaredNorm();
    peak_n = std::max(peak_n, fn.norm());
    peak_b = std::max(peak_b, bullet.rec.steps[k].tool_force.norm());
  }
  const auto& ln = newton.rec.steps.back();
  const auto& lb = bullet.rec.steps.back();
  std::int64_t substeps = 0, cg = 0;
  for (const StepStats& st : bullet.rec.steps) {
    substeps += st.substeps;
    cg += st.cg_iterations;
  }
  const double steps = static_cast<double>(bullet.summary.steps);
  fmt::print("| method | tets | steps | sub-steps/step | ms/step | ms/sub-step | wall s per sim s | CG/sub-step |\n"
             "|---|---|---|---|---|---|---|---|\n");
  fmt::print("| newton | {} | {} | - | {:.1f} | - | {:.2f} | {:.1f} per Newton it |\n", m.mesh.tet_count(),
             newton.summary.steps, 1e3 * newton.summary.wall_seconds / static_cast<double>(newton.summary.steps),
             newton.summary.wall_seconds / m.duration,
             static_cast<double>(newton.summary.cg_iterations) / static_cast<double>(newton.summary.newton_iterations));
  fmt::print("| bullet (sub-step {:.4g} s) | {} | {} | {:.1f} | {:.1f} | {:.2f} | {:.2f} | {:.1f} |\n", bullet_time_step,
             m.mesh.tet_count(), bullet.summary.steps, static_cast<double>(substeps) / steps,
             1e3 * bullet.summary.wall_seconds / steps, 1e3 * bullet.summary.wall_seconds / static_cast<double>(substeps),
             bullet.summary.wall_seconds / m.duration, static_cast<double>(cg) / static_cast<double>(substeps));
  fmt::print("\nend displacement, Bullet vs Newton, relative L2: {:.4f}\n", std::sqrt(diff / norm));
  fmt::print("end tool force (N): Newton [{:.3f}, {:.3f}, {:.3f}], Bullet [{:.3f}, {:.3f}, {:.3f}]\n",
             ln.tool_force.x(), ln.tool_force.y(), ln.tool_force.z(), lb.tool_force.x(), lb.tool_force.y(),
             lb.tool_force.z());
  fmt::print("tool force over the run: relative RMS error of Bullet vs Newton {:.4f}; peak |F| Newton {:.3f} N, "
             "Bullet {:.3f} N\n",
             std::sqrt(rms / rms_ref), peak_n, peak_b);
  fmt::print("deepest skin point inside the tool at the end: Newton {:.3f} mm, Bullet {:.3f} mm\n",
             1e3 * ln.max_penetration, 1e3 * lb.max_penetration);
  fmt::print("peak RSS {:.0f} MiB (both runs in one process)\n", peak_rss_mib());
  return 0;
}
