#include "cli/batch/mpi_batch.hpp"

#include "cli/batch/batch_plan.hpp"
#include "cli/batch/run_process.hpp"
#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#ifdef BACKSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace backsim::cli {

bool launched_by_mpirun() {
  // OpenMPI's mpirun, PMIx launchers (srun --mpi=pmix, newer mpirun) and PMI-1/2 (MPICH, srun)
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

#ifndef BACKSIM_HAVE_MPI

int run_mpi_batch(const BatchCommandOptions&) {
  std::fprintf(stderr, "backsim batch: started by mpirun, but this backsim was built without MPI (BACKSIM_MPI=OFF); "
                       "run it without mpirun, or rebuild with MPI\n");
  return exit_code::usage;
}

#else

namespace {

constexpr int kTagRequest = 1;  // worker -> rank 0: {finished row or -1, its exit code}
constexpr int kTagWork = 2;     // rank 0 -> worker: the next row, or -1: no more
// Rank 0 polls for requests instead of blocking in MPI_Recv, which in OpenMPI spins a
// core at 100 %: a core the runs need on a small machine. A run takes seconds at least,
// so a few milliseconds of latency per hand-out cost nothing.
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// Rank 0: hands out the rows of plan.todo until none is left, then tells each worker
// to stop.
void dispatch(const BatchPlan& plan, int workers, BatchProgress& progress) {
  std::vector<std::chrono::steady_clock::time_point> started(plan.manifest.rows.size());
  std::size_t next = 0;
  while (workers > 0) {
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &arrived, &status);
    if (!arrived) {
      std::this_thread::sleep_for(kPollInterval);
      continue;
    }
    int message[2] = {-1, 0};
    MPI_Recv(message, 2, MPI_INT, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (message[0] >= 0) {
      const auto row = static_cast<std::size_t>(message[0]);
      progress.ended(plan.manifest.rows[row].run, run_end_status(message[1]), message[1],
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started[row]).count());
    }
    int reply = -1;
    if (!batch_stop_requested().load() && next < plan.todo.size()) {
      reply = static_cast<int>(plan.todo[next++]);
      started[static_cast<std::size_t>(reply)] = std::chrono::steady_clock::now();
      progress.started(plan.manifest.rows[static_cast<std::size_t>(reply)].run);
    } else {
      --workers;
    }
    MPI_Send(&reply, 1, MPI_INT, status.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
  }
}

// A worker rank: asks for a row, runs it, reports it with the next request.
void work(const BatchPlan& plan, int threads) {
  int message[2] = {-1, 0};
  for (;;) {
    MPI_Send(message, 2, MPI_INT, 0, kTagRequest, MPI_COMM_WORLD);
    int row = -1;
    MPI_Recv(&row, 1, MPI_INT, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (row < 0) return;
    const ManifestRow& r = plan.manifest.rows[static_cast<std::size_t>(row)];
    const pid_t pid = start_run_process(plan.directory, r, threads);
    int status = 0;
    bool forwarded = false;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) break;
      if (batch_stop_requested().load() && !forwarded) {
        kill(pid, SIGTERM);  // mpirun passes SIGTERM to the ranks, not to their children
        forwarded = true;
      }
    }
    const int code = exit_code_of(status);
    record_run_end(plan.directory, r, code);
    message[0] = row;
    message[1] = code;
  }
}

// Ranks on this node share its cores.
int threads_per_run(const BatchCommandOptions& options) {
  if (options.threads_per_run > 0) return options.threads_per_run;
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local = 1;
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  return std::max(1, available_cores() / std::max(1, local));
}

int batch(const BatchCommandOptions& options, int rank, int size) {
  // rank 0 expands (one writer of the scenarios and the manifest), the others wait
  int code = exit_code::ok;
  Study study;
  if (rank == 0) code = expand_into(options.study, options.directory, study);
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (code != exit_code::ok) return code;
  BatchPlan plan;
  int read_failed = 0;
  try {
    plan = plan_batch(options.directory, rank == 0 ? study_manifest(study) : read_manifest(options.directory),
                      rank == 0 && options.resume);
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "backsim batch (rank %d): %s\n", rank, e.what());
    read_failed = 1;
  }
  int any_failed = 0;
  MPI_Allreduce(&read_failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any_failed) return exit_code::invalid_input;
  const int threads = threads_per_run(options);
  install_batch_signal_handlers();
  prepare_run_environment();
  if (rank != 0) {
    try {
      work(plan, threads);
    } catch (const OutputFailure& e) {
      std::fprintf(stderr, "backsim batch (rank %d): %s\n", rank, e.what());
      MPI_Abort(MPI_COMM_WORLD, exit_code::output_failure);
    }
    int final_code = 0;
    MPI_Bcast(&final_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return final_code;
  }
  if (!options.quiet)
    std::fprintf(stderr, "backsim batch: %zu runs (%zu to run, %zu complete) on %d MPI ranks, %d thread%s per run\n",
                 plan.manifest.rows.size(), plan.todo.size(), plan.skipped, size - 1, threads,
                 threads == 1 ? "" : "s");
  BatchProgress progress(plan.manifest.rows.size(), plan.skipped, plan.skipped_failed, options.quiet);
  dispatch(plan, size - 1, progress);
  progress.finish();
  StudyResults results;
  int final_code = aggregate(options.directory, options.quiet || !progress.on_terminal(), results);
  if (final_code == exit_code::ok) final_code = batch_exit_code(results, batch_stop_requested().load());
  MPI_Bcast(&final_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return final_code;
}

}  // namespace

int run_mpi_batch(const BatchCommandOptions& options) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    // one rank: no one to hand runs to; run the local pool
    MPI_Finalize();
    BatchCommandOptions local = options;
    if (rank == 0) {
      std::fprintf(stderr, "backsim batch: one MPI rank: running the local pool\n");
    }
    return run_local_batch(local);
  }
  const int code = batch(options, rank, size);
  MPI_Finalize();
  return code;
}

#endif

}  // namespace backsim::cli
