#include "cli/run_command.hpp"

#include "cli/exit_codes.hpp"
#include "cli/progress.hpp"
#include "cli/run_anatomy.hpp"
#include "cli/tissue_outputs.hpp"
#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"
#include "engine/io/run_checkpoint.hpp"
#include "engine/io/run_writer.hpp"
#include "engine/io/run_xdmf.hpp"
#include "engine/io/sha256.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/simulation.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema_names.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <csignal>
#include <cstdio>
#include <vector>

namespace backsim::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void request_stop(int) { g_interrupted.store(true); }

// Where and how often a run writes its checkpoints.
struct CheckpointPlan {
  bool enabled = true;
  std::filesystem::path path;
  double every = 60.0;          // wall s
  std::string scenario_sha256;  // of the resolved scenario
};

// Hands frames and steps to the writer and the progress line, and writes the
// checkpoints (the engine does no I/O).
class RunObserver final : public SimulationObserver {
 public:
  RunObserver(RunWriter& writer, ProgressLine& progress, TissueOutputs& tissue, Index nodes, CheckpointPlan plan)
      : writer_(writer), progress_(progress), tissue_(tissue), displacement_(nodes), plan_(std::move(plan)) {}
  void on_frame(const Model& model, const State& state) override {
    displacement(model, state, displacement_);
    const std::vector<std::span<const double>> fields = tissue_.frame(state);
    writer_.append_frame(state.time, displacement_, fields);
  }
  void on_step(const Model&, const State& state, const StepStats& step) override {
    tissue_.at_step(state);
    writer_.append_step(step);
    progress_.update(step);
  }
  bool stop_requested() override { return g_interrupted.load(); }
  bool checkpoint_due() override {
    return plan_.enabled && std::chrono::duration<double>(Clock::now() - last_checkpoint_).count() >= plan_.every;
  }
  // Also called when the run is asked to stop: the checkpoint then marks where it stopped.
  void on_checkpoint(const Model&, const State& state, const RunPosition& position) override {
    if (!plan_.enabled) return;
    const RunCheckpoint c{plan_.scenario_sha256, position, writer_.flush_steps(), tissue_.checkpoint_arrays()};
    try {
      write_run_checkpoint(plan_.path, state, c);
    } catch (const OutputFailure& e) {
      // The run's own results matter more than being able to resume it: go on
      // without checkpoints (the previous one, if any, stays valid).
      std::fprintf(stderr, "backsim: warning: %s; no more checkpoints in this run\n", e.what());
      plan_.enabled = false;
      return;
    }
    last_checkpoint_ = Clock::now();
    written_ = true;
  }
  bool checkpoint_written() const { return written_; }

 private:
  using Clock = std::chrono::steady_clock;
  RunWriter& writer_;
  ProgressLine& progress_;
  TissueOutputs& tissue_;
  std::vector<Vec3> displacement_;
  CheckpointPlan plan_;
  Clock::time_point last_checkpoint_ = Clock::now();
  bool written_ = false;
};

void remove_checkpoint(const std::filesystem::path& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

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
  if (model.solver.method != SolverMethod::newton) {
    // the other methods count their own iterations (explicit: sub-steps)
    fmt::print("  method         {}: {} iterations ({:.1f} per step)\n",
               scenario_schema::name_of(scenario_schema::kSolverMethods, model.solver.method), s.newton_iterations,
               newton_per_step);
  } else {
    fmt::print("  Newton         {} iterations ({:.1f} per step)\n", s.newton_iterations, newton_per_step);
    fmt::print("  CG             {} iterations ({:.1f} per Newton iteration)\n", s.cg_iterations, cg_per_newton);
    if (model.solver.preconditioner == Preconditioner::cholesky) {
      const CholeskyPreconditioner& c = scratch.cholesky;
      fmt::print("  preconditioner cholesky: {} factorizations, {:.2f} s; L has {} 3x3 blocks\n", c.factorizations,
                 c.factor_seconds, c.factor.factor_blocks());
    } else if (model.solver.preconditioner == Preconditioner::two_level) {
      fmt::print("  preconditioner two_level: {} node groups, {} coarse aggregates\n", scratch.two_level.group_count(),
                 scratch.two_level.aggregate_count());
    } else {
      fmt::print("  preconditioner block_jacobi\n");
    }
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
  const std::filesystem::path output = default_output(options);
  const std::filesystem::path partial = output.string() + ".partial";
  CheckpointPlan plan{!options.no_checkpoints, checkpoint_path(output), options.checkpoint_every,
                      sha256_hex(scenario.resolved_text)};
  std::error_code ec;
  const bool resuming = options.resume && std::filesystem::exists(plan.path, ec);
  if (options.resume && !resuming) {
    if (std::filesystem::exists(output, ec) && !std::filesystem::exists(partial, ec)) {
      std::fprintf(stderr, "backsim: %s is a finished run; nothing to resume\n", output.string().c_str());
      return exit_code::ok;
    }
    std::fprintf(stderr, "backsim: no checkpoint %s; running from the start\n", plan.path.string().c_str());
  }
  set_threads(options.threads.value_or(scenario.spec.run.threads));
  const int threads = max_threads();
  const Model model = build_model(std::move(inputs));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);

  TissueOutputs tissue(model);
  std::optional<RunPosition> resume_from;
  std::unique_ptr<RunWriter> writer;
  try {
    if (resuming) {
      RunCheckpoint checkpoint = read_run_checkpoint(plan.path, state);
      if (checkpoint.scenario_sha256 != plan.scenario_sha256) {
        throw InvalidInput(fmt::format("checkpoint '{}' is of another scenario (its sha256 {} is not this "
                                       "scenario's {}); resume with the scenario the run started with, or remove "
                                       "the checkpoint to start over",
                                       plan.path.string(), checkpoint.scenario_sha256, plan.scenario_sha256));
      }
      tissue.restore(checkpoint.extra);
      writer = RunWriter::reopen(output, tissue.frame_fields(), checkpoint.rows);
      resume_from = checkpoint.position;
      std::fprintf(stderr, "backsim: resuming %s at t = %.6g s\n", output.string().c_str(), state.time);
    } else {
      writer = std::make_unique<RunWriter>(
          output, model.mesh,
          make_provenance(scenario.resolved_text, scenario.spec.run.seed, threads, options.command_line),
          tissue.frame_fields());
      write_run_anatomy(*writer, scenario);
    }
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "backsim: %s\n", e.what());
    return exit_code::invalid_input;
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: cannot write results: %s\n", e.what());
    return exit_code::output_failure;
  }

  g_interrupted.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  ProgressLine progress(model.duration);
  RunObserver observer(*writer, progress, tissue, model.node_count(), plan);
  try {
    const SimulationSummary summary = resume_from ? run_simulation(model, state, scratch, observer, *resume_from)
                                                  : run_simulation(model, state, scratch, observer);
    progress.finish();
    if (summary.stopped_early) {
      const std::string partial_name = writer->partial_path().string();
      writer.reset();  // closes the file; the frames so far stay in the .partial file
      std::fprintf(stderr, "backsim: interrupted at t = %.4g s; the frames so far are in %s\n", state.time,
                   partial_name.c_str());
      if (observer.checkpoint_written())
        std::fprintf(stderr, "backsim: continue with the same command and --resume\n");
      return exit_code::interrupted;
    }
    tissue.write_summary(*writer, state);
    writer->finish();
    remove_checkpoint(plan.path);  // the run is final: nothing to resume
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
      remove_checkpoint(plan.path);  // resuming would fail the same way
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
