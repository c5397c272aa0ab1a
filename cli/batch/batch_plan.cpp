#include "cli/batch/batch_plan.hpp"

#include "cli/batch/run_files.hpp"
#include "cli/batch/run_process.hpp"
#include "cli/exit_codes.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <map>
#include <thread>

namespace backsim::cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }
}  // namespace

std::atomic<bool>& batch_stop_requested() { return g_stop; }

void prepare_run_environment() {
  // Runs share the machine with each other (and a dispatcher): OpenMP threads that spin
  // while they wait steal the cores the other runs need; on a loaded machine a 2-thread
  // run measured 0.9 s alone took 10 minutes. A user's own setting wins.
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}

void install_batch_signal_handlers() {
  g_stop.store(false);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a waitpid is interrupted and sees the request
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string_view run_end_status(int code) {
  if (code == exit_code::ok) return "ok";
  if (code == exit_code::solver_failure) return "solver_failure";
  if (code == exit_code::interrupted) return "interrupted";
  return "failed";
}

BatchPlan plan_batch(const std::filesystem::path& directory, Manifest manifest, bool resume) {
  BatchPlan plan{directory, std::move(manifest), {}, 0, 0};
  for (std::size_t i = 0; i < plan.manifest.rows.size(); ++i) {
    if (resume) {
      const RunRecord record = read_run_record(directory, plan.manifest.rows[i]);
      if (is_complete(record)) {
        ++plan.skipped;
        if (record.state != RunState::ok) ++plan.skipped_failed;
        continue;
      }
    }
    plan.todo.push_back(i);
  }
  return plan;
}

void run_local_pool(const BatchPlan& plan, int jobs, int threads, BatchProgress& progress) {
  struct Running {
    std::size_t row;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  bool forwarded = false;
  while (next < plan.todo.size() || !running.empty()) {
    while (!g_stop.load() && static_cast<int>(running.size()) < jobs && next < plan.todo.size()) {
      const std::size_t row = plan.todo[next++];
      const pid_t pid = start_run_process(plan.directory, plan.manifest.rows[row], threads);
      running.emplace(pid, Running{row, std::chrono::steady_clock::now()});
      progress.started(plan.manifest.rows[row].run);
    }
    if (running.empty()) break;  // stopped before the rest started
    if (g_stop.load() && !forwarded) {
      // a SIGTERM sent to the batch alone: the runs keep their frames in .partial files
      for (const auto& [pid, r] : running) kill(pid, SIGTERM);
      forwarded = true;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // no children left (ECHILD): nothing more to wait for
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int code = exit_code_of(status);
    const ManifestRow& row = plan.manifest.rows[it->second.row];
    record_run_end(plan.directory, row, code);
    progress.ended(row.run, run_end_status(code), code,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start).count());
    running.erase(it);
  }
}

}  // namespace backsim::cli
