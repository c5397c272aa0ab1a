#include "cli/batch/batch_command.hpp"

#include "cli/batch/batch_plan.hpp"
#include "cli/batch/mpi_batch.hpp"
#include "cli/batch/study_results.hpp"
#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"
#include "scenarios/study/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace backsim::cli {

int expand_into(const std::filesystem::path& study_file, const std::filesystem::path& directory, Study& study) {
  try {
    study = expand_study(study_file);
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return exit_code::invalid_input;
  }
  try {
    write_expanded_study(study, directory);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: cannot write the study: %s\n", e.what());
    return exit_code::output_failure;
  }
  return exit_code::ok;
}

int aggregate(const std::filesystem::path& directory, bool quiet, StudyResults& results) {
  try {
    results = collect_study_results(directory);
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return exit_code::invalid_input;
  }
  try {
    write_summary_csv(results, directory / kSummaryFile);
    write_study_file(results, directory / kStudyFile);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: cannot write the study's summary: %s\n", e.what());
    return exit_code::output_failure;
  }
  if (!quiet) {
    fmt::print("{} runs: {} ok, {} solver failure, {} failed, {} missing\n", results.runs.size(),
               results.count(RunState::ok), results.count(RunState::solver_failure), results.count(RunState::failed),
               results.count(RunState::missing));
    for (const RunResult& r : results.runs)
      if (r.record.state == RunState::failed || r.record.state == RunState::solver_failure) {
        const std::string first_line = r.record.error.substr(0, r.record.error.find('\n'));
        fmt::print("  {} {} (exit code {}): {}\n", r.row.run, state_name(r.record.state), r.record.exit_code,
                   first_line);
      }
    fmt::print("wrote {} and {}\n", (directory / kSummaryFile).string(), (directory / kStudyFile).string());
  }
  return exit_code::ok;
}

int run_expand_command(const std::filesystem::path& study_file, const std::filesystem::path& directory, bool quiet) {
  Study study;
  if (const int code = expand_into(study_file, directory, study); code != exit_code::ok) return code;
  if (!quiet)
    fmt::print("backsim expand: {}: {} runs ({} parameters{}{}), wrote {}\n", study_file.string(), study.runs.size(),
               study.parameter_names.size(),
               study.cohort_subjects ? fmt::format(", {} subjects", study.cohort_subjects) : std::string(),
               study.repetitions > 1 ? fmt::format(", {} repetitions", study.repetitions) : std::string(),
               (directory / kManifestFile).string());
  return exit_code::ok;
}

int run_aggregate_command(const std::filesystem::path& directory, bool quiet) {
  StudyResults results;
  if (!quiet) fmt::print("backsim aggregate: {}\n", directory.string());
  return aggregate(directory, quiet, results);
}

int batch_exit_code(const StudyResults& results, bool interrupted) {
  if (interrupted) return exit_code::interrupted;
  if (results.count(RunState::failed) + results.count(RunState::solver_failure) > 0) return exit_code::runs_failed;
  if (results.count(RunState::missing) > 0) return exit_code::runs_failed;
  return exit_code::ok;
}

int run_batch_command(const BatchCommandOptions& options) {
  if (launched_by_mpirun()) return run_mpi_batch(options);
  return run_local_batch(options);
}

int run_local_batch(const BatchCommandOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Study study;
  if (const int code = expand_into(options.study, options.directory, study); code != exit_code::ok) return code;
  const BatchPlan plan = plan_batch(options.directory, study_manifest(study), options.resume);
  const int cores = available_cores();
  const int pending = static_cast<int>(std::max<std::size_t>(1, plan.todo.size()));
  const int jobs = options.jobs > 0 ? options.jobs : std::min(cores, pending);
  const int threads = options.threads_per_run > 0 ? options.threads_per_run : std::max(1, cores / jobs);
  if (!options.quiet)
    std::fprintf(stderr, "backsim batch: %zu runs (%zu to run, %zu complete), %d at a time with %d thread%s each\n",
                 plan.manifest.rows.size(), plan.todo.size(), plan.skipped, jobs, threads, threads == 1 ? "" : "s");
  install_batch_signal_handlers();
  prepare_run_environment();
  BatchProgress progress(plan.manifest.rows.size(), plan.skipped, plan.skipped_failed, options.quiet);
  try {
    run_local_pool(plan, jobs, threads, progress);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim: %s\n", e.what());
    return exit_code::output_failure;
  }
  progress.finish();
  StudyResults results;
  if (const int code = aggregate(options.directory, options.quiet || !progress.on_terminal(), results);
      code != exit_code::ok)
    return code;
  if (!options.quiet && progress.on_terminal())
    fmt::print("wall time {:.1f} s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return batch_exit_code(results, batch_stop_requested().load());
}

}  // namespace backsim::cli
