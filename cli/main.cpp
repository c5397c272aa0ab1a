// backsim: command-line front end. Exit codes: cli/exit_codes.hpp (README.md).
#include "cli/batch/batch_command.hpp"
#include "cli/compare/compare_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/lesson/view_command.hpp"
#include "cli/model_command.hpp"
#include "cli/render_command.hpp"
#include "cli/run_command.hpp"
#include "cli/techniques_command.hpp"
#include "cli/validate_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <string>

namespace {

std::string joined(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace backsim;
  CLI::App app{"backsim: soft-tissue mechanics of back massage"};
  app.set_version_flag("--version", std::string("backsim ") + BACKSIM_VERSION);
  app.require_subcommand(0, 1);

  cli::RunCommandOptions run;
  std::string run_scenario;
  int run_threads = -1;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario (no file: the built-in demo) and write HDF5 results");
  run_cmd->add_option("scenario", run_scenario, "Scenario file (TOML)")->check(CLI::ExistingFile);
  run_cmd->add_option("-o,--output", run.output, "Output HDF5 file (default: backsim-demo.h5 or SCENARIO.h5)");
  run_cmd->add_option("-t,--threads", run_threads, "OpenMP threads (overrides run.threads)")->check(CLI::Range(1, 1024));
  run_cmd->add_flag("-q,--quiet", run.quiet, "No summary");
  run_cmd->add_flag("--resume", run.resume,
                    "Continue a stopped run from OUT.h5.checkpoint (same scenario and output); without one, start over");
  run_cmd->add_option("--checkpoint-every", run.checkpoint_every,
                      "Wall-clock seconds between checkpoints (default 60; 0: at every step)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_flag("--no-checkpoints", run.no_checkpoints, "Write no checkpoints (a killed run cannot be resumed)");

  std::string validate_scenario;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  validate_cmd->add_option("scenario", validate_scenario, "Scenario file (TOML)")->required();

  cli::ModelCommandOptions model;
  std::vector<std::string> model_sets;
  std::uint64_t model_seed = 0;
  auto* model_cmd = app.add_subcommand("model", "Generate a back model and write it to HDF5");
  model_cmd->add_option("--preset", model.preset, "healthy, desk-worker, low-back-pain, post-workout, pregnancy");
  model_cmd->add_option("--resolution", model.resolution, "coarse, standard, fine");
  model_cmd->add_option("-o,--output", model.output, "Output HDF5 file")->required();
  auto* seed_opt = model_cmd->add_option("--seed", model_seed, "Cohort seed: with it, subject --subject of the cohort");
  model_cmd->add_option("--subject", model.subject_index, "Subject index in the cohort (with --seed)");
  model_cmd->add_option("--set", model_sets, "Subject parameter override NAME=VALUE (SI units), repeatable");
  model_cmd->add_flag("-q,--quiet", model.quiet, "No region table");

  cli::ViewCommandOptions view;
  auto* view_cmd = app.add_subcommand("view", "Write the lesson page: one offline HTML file with the 3D back of one or two runs");
  view_cmd->add_option("runs", view.runs, "Run file(s) of backsim run (HDF5); two are shown side by side")
      ->required()->expected(1, 2)->check(CLI::ExistingFile);
  view_cmd->add_option("-o,--output", view.output, "Output HTML file (default: RUN.html)");
  view_cmd->add_option("--title", view.title, "Page title (default: the scenario names)");
  view_cmd->add_option("--max-frames", view.max_frames, "Frames per run on the page; more are subsampled (default 120)")
      ->check(CLI::Range(2u, 100000u));
  view_cmd->add_flag("-q,--quiet", view.quiet, "No summary");

  auto* techniques_cmd =
      app.add_subcommand("techniques", "List the massage techniques, hand surfaces, skin conditions and styles");

  cli::RenderCommandOptions render;
  auto* render_cmd = app.add_subcommand("render", "Draw a field of a run on the back seen from behind (PNG, or an animation)");
  render_cmd->add_option("run", render.run, "Run file (HDF5)")->required();
  render_cmd->add_option("-f,--field", render.field, "tone, pressure, perfusion_index, flushed_volume, stimulus_dose, displacement");
  render_cmd->add_option("-t,--time", render.time, "Time to show, e.g. 30s or \"2 min\" (the nearest frame; default: the last)");
  render_cmd->add_option("-o,--output", render.output, "PNG file (with --animate: .gif, .mp4 or a name for the frames)");
  render_cmd->add_option("--compare", render.compare, "before,after or RUN_A.h5,RUN_B.h5: two panels on one scale");
  render_cmd->add_flag("--animate", render.animate, "Every frame: numbered PNGs, and a GIF (ImageMagick) or MP4 (ffmpeg)");
  render_cmd->add_option("--layer", render.layer, "surface or muscle: the tissue whose value colours the skin");
  render_cmd->add_option("--depth", render.depth, "Colour by the tissue this deep under the skin, e.g. 1cm");
  render_cmd->add_option("--size", render.size, "WIDTHxHEIGHT in pixels (default 1250x1000; 1600x1000 with --compare, 1000x800 with --animate)");
  render_cmd->add_option("--range", render.range, "LOW,HIGH of the colour bar in the units shown (default: fitted)");
  render_cmd->add_flag("--flat", render.flat, "One colour per skin face (default: values interpolated)");

  std::string expand_study;
  std::string expand_dir;
  bool expand_quiet = false;
  auto* expand_cmd = app.add_subcommand("expand", "Expand a study file into one resolved scenario per run and manifest.csv");
  expand_cmd->add_option("study", expand_study, "Study file (TOML, docs/study.md)")->required()->check(CLI::ExistingFile);
  expand_cmd->add_option("-o,--output", expand_dir, "Study directory")->required();
  expand_cmd->add_flag("-q,--quiet", expand_quiet, "No summary");

  cli::BatchCommandOptions batch;
  std::string batch_study, batch_dir;
  auto* batch_cmd = app.add_subcommand("batch", "Run every run of a study (a process pool, or MPI ranks under mpirun) and aggregate");
  batch_cmd->add_option("study", batch_study, "Study file (TOML, docs/study.md)")->required()->check(CLI::ExistingFile);
  batch_cmd->add_option("-o,--output", batch_dir, "Study directory")->required();
  batch_cmd->add_flag("--resume", batch.resume, "Skip the runs whose run file is complete and of their scenario");
  batch_cmd->add_option("-j,--jobs", batch.jobs, "Runs at a time on this machine (default: one per core)")->check(CLI::Range(1, 4096));
  batch_cmd->add_option("-t,--threads-per-run", batch.threads_per_run, "Threads of each run (default: the cores shared out)")
      ->check(CLI::Range(1, 1024));
  batch_cmd->add_flag("-q,--quiet", batch.quiet, "No progress and no summary");

  std::string aggregate_dir;
  bool aggregate_quiet = false;
  auto* aggregate_cmd = app.add_subcommand("aggregate", "Build study.h5 and summary.csv from the run files in a study directory");
  aggregate_cmd->add_option("directory", aggregate_dir, "Study directory (with manifest.csv)")->required();
  aggregate_cmd->add_flag("-q,--quiet", aggregate_quiet, "No summary");

  cli::CompareCommandOptions compare;
  auto* compare_cmd = app.add_subcommand("compare", "Compare a study's techniques, styles or swept values: report.md, report.html, CSV");
  compare_cmd->add_option("study", compare.input, "Study directory or its study.h5")->required()->check(CLI::ExistingPath);
  compare_cmd->add_option("-o,--output", compare.output, "Report directory (default: the study's)");
  compare_cmd->add_option("--region", compare.region, "Only regions whose name contains this, e.g. erector_spinae_lumbar");
  compare_cmd->add_option("--rank-by", compare.rank_by, "Outcome to rank by (default relief_per_kilojoule)");
  compare_cmd->add_flag("-q,--quiet", compare.quiet, "No summary");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_code::usage;
  }

  try {
    if (run_cmd->parsed()) {
      if (!run_scenario.empty()) run.scenario = run_scenario;
      if (run_threads > 0) run.threads = run_threads;
      run.command_line = joined(argc, argv);
      return cli::run_run_command(run);
    }
    if (view_cmd->parsed()) return cli::run_view_command(view);
    if (expand_cmd->parsed()) return cli::run_expand_command(expand_study, expand_dir, expand_quiet);
    if (batch_cmd->parsed()) {
      batch.study = batch_study;
      batch.directory = batch_dir;
      return cli::run_batch_command(batch);
    }
    if (compare_cmd->parsed()) return cli::run_compare_command(compare);
    if (aggregate_cmd->parsed()) return cli::run_aggregate_command(aggregate_dir, aggregate_quiet);
    if (validate_cmd->parsed()) return cli::run_validate_command(validate_scenario);
    if (render_cmd->parsed()) return cli::run_render_command(render);
    if (techniques_cmd->parsed()) return cli::run_techniques_command();
    if (model_cmd->parsed()) {
      if (*seed_opt) model.seed = model_seed;
      for (const std::string& s : model_sets) {
        const auto eq = s.find('=');
        if (eq == std::string::npos) {
          std::fprintf(stderr, "backsim model: --set expects NAME=VALUE, got '%s'\n", s.c_str());
          return exit_code::usage;
        }
        try {
          model.subject_overrides.emplace_back(s.substr(0, eq), std::stod(s.substr(eq + 1)));
        } catch (const std::exception&) {
          std::fprintf(stderr, "backsim model: --set %s: the value is not a number\n", s.c_str());
          return exit_code::usage;
        }
      }
      return cli::run_model_command(model);
    }
    std::fputs(app.help().c_str(), stderr);
    return exit_code::usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backsim: internal error: %s\n", e.what());
    return exit_code::internal_error;
  }
}
