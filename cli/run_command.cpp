#include "cli/run_command.hpp"

#include "cli/exit_codes.hpp"
#include "cli/progress.hpp"
#include "cli/run_anatomy.hpp"
#include "cli/tissue_outputs.hpp"
#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"
#include "engine/io/run_writer.hpp"
#include "engine/io/run_xdmf.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/simulation.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <vector>

namespace backsim::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void request_stop(int) { g_interrupted.store(true); }

// Hands frames and steps to the writer and the progress line (the engine does no I/O).
class RunObserver final : public SimulationObserver {
 public:
  RunObserver(RunWriter& writer, ProgressLine& progress, TissueOutputs& tissue, Index nodes)
      : writer_(writer), progress_(progress), tissue_(tissue), displacement_(nodes) {}
  void on_frame(const Model& model, const State& state) override {
    displacement(model, state, displacement_);
    const std::vector<std::span<const double>> fields = tissue_.frame(state);
    writer_.append_frame(state.time, displacement_, fields);
  }
  void on_step(const Model&, const State&, const StepStats& step) override {
    writer_.append_step(step);
    progress_.update(step);
  }
  bool stop_requested() override { return g_interrupted.load(); }

 private:
  RunWriter& writer_;
  ProgressLine& progress_;
  TissueOutputs& tissue_;
  std::vector<Vec3> displacement_;
};

Scenario load(const RunCommandOptions& options) {
  if (options.scenario) return load_scenario_file(*options.scenario);
  return parse_scenario(builtin_demo_scenario_text(), "<builtin:demo>");
}

std::filesystem::path default_output(const RunCommandOptions& options) {
  if (!options.output.empty()) return options.output;
  if (!options.scenario) return "backsim-demo.h5";
  return options.scenario->stem().string() + ".h5";
}

void print_summary(const Scenario& scenario, const Model& model, const Scratch& scratch, const SimulationSummary& s,
                   const std::filesystem::path& output, int threads) {
  const double newton_per_step = s.steps ? static_cast<double>(s.newton_iterations) / s.steps : 0.0;
  const double cg_per_newton = s.newton_iterations ? static_cast<double>(s.cg_iterations) / s.newton_iterations : 0.0;
  fmt::print("backsim run: {}\n", scenario.source_name);
  fmt::print("  model          {} nodes, {} tets, {} contact points\n", model.node_count(), model.mesh.tet_count(),
             model.contact.point_count());
  fmt::print("  simulated      {:.4g} s in {} steps ({} retried with sub-steps), {} frames\n", model.duration,
             s.steps, s.retried_steps, s.frames);
  fmt::print("  peak depth     {:.3f} mm\n", 1e3 * s.peak_depth);
  fmt::print("  peak force     {:.4g} N (normal, tissue on tool)\n", s.peak_normal_force);
  fmt::print("  Newton         {} iterations ({:.1f} per step)\n", s.newton_iterations, newton_per_step);
  fmt::print("  CG             {} iterations ({:.1f} per Newton iteration)\n", s.cg_iterations, cg_per_newton);
  if (model.solver.preconditioner == Preconditioner::cholesky) {
    const CholeskyPreconditioner& c = scratch.cholesky;
    fmt::print("  preconditioner cholesky: {} factorizations, {:.2f} s; L has {} 3x3 blocks\n", c.factorizations,
               c.factor_seconds, c.factor.factor_blocks());
  } else {
    fmt::print("  preconditioner block_jacobi\n");
  }
  fmt::print("  wall time      {:.2f} s ({:.1f} ms per step, {} threads)\n", s.wall_seconds,
             s.steps ? 1e3 * s.wall_seconds / static_cast<double>(s.steps) : 0.0, threads);
  fmt::print("  output         {}\n", output.string());
}

}  // namespace

int run_run_command(const RunCommandOptions& options) {
  Scenario scenario;
  ModelInputs inputs;
  try {
    scenario = load(options);
    inputs = scenario_model_inputs(scenario);
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return exit_code::invalid_input;
  }
  set_threads(options.threads.value_or(scenario.spec.run.threads));
  const int threads = max_threads();
  const Model model = build_model(std::move(inputs));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  const std::filesystem::path output = default_output(options);

  TissueOutputs tissue(model);
  std::unique_ptr<RunWriter> writer;
  try {
    writer = std::make_unique<RunWriter>(
        output, model.mesh, make_provenance(scenario.resolved_text, scenario.spec.run.seed, threads, options.command_line),
        tissue.frame_fields());
    write_run_anatomy(*writer, scenario);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: cannot write results: %s\n", e.what());
    return exit_code::output_failure;
  }

  g_interrupted.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  ProgressLine progress(model.duration);
  RunObserver observer(*writer, progress, tissue, model.node_count());
  try {
    const SimulationSummary summary = run_simulation(model, state, scratch, observer);
    progress.finish();
    if (summary.stopped_early) {
      const std::string partial = writer->partial_path().string();
      writer.reset();  // closes the file; the frames so far stay in the .partial file
      std::fprintf(stderr, "backsim: interrupted at t = %.4g s; the frames so far are in %s\n", state.time,
                   partial.c_str());
      return exit_code::interrupted;
    }
    tissue.write_summary(*writer, state);
    writer->finish();
    write_run_xdmf(output);  // only once the run file is final
    if (!options.quiet) {
      print_summary(scenario, model, scratch, summary, output, threads);
      tissue.print_summary(state);
    }
    return exit_code::ok;
  } catch (const SolverFailure& e) {
    progress.finish();
    std::fprintf(stderr, "backsim: solver failure: %s\n", e.what());
    try {
      writer->fail(e.what());
      write_run_xdmf(output);
      std::fprintf(stderr, "backsim: the frames computed before the failure are in %s (status \"solver_failure\")\n",
                   output.string().c_str());
    } catch (const OutputFailure& w) {
      std::fprintf(stderr, "backsim: and the results could not be closed: %s\n", w.what());
    }
    return exit_code::solver_failure;
  } catch (const OutputFailure& e) {
    progress.finish();
    std::fprintf(stderr, "backsim: cannot write results: %s\n", e.what());
    return exit_code::output_failure;
  }
}

}  // namespace backsim::cli
