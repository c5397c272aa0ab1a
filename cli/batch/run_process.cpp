#include "cli/batch/run_process.hpp"

#include "cli/batch/run_files.hpp"
#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <vector>

namespace backsim::cli {

namespace {
// The end of a failed run's log is its diagnosis; the start is the model's size.
constexpr std::size_t kMessageLines = 20;

std::string log_tail(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > kMessageLines) lines.pop_front();
  }
  std::string text;
  for (const std::string& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}
}  // namespace

pid_t start_run_process(const std::filesystem::path& dir, const ManifestRow& row, int threads) {
  std::error_code error;
  std::filesystem::create_directories(dir / "runs", error);
  std::filesystem::create_directories(dir / "logs", error);
  std::filesystem::remove(run_failure_path(dir, row.run), error);  // a record of an earlier attempt
  const std::vector<std::string> args{"backsim",
                                      "run",
                                      (dir / row.scenario).string(),
                                      "-o",
                                      run_output_path(dir, row.run).string(),
                                      "-q",
                                      "--threads",
                                      fmt::format("{}", threads)};
  const std::string log = run_log_path(dir, row.run).string();
  std::vector<char*> argv;  // built before fork: the child may not allocate (other threads may hold malloc's lock)
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw OutputFailure(fmt::format("cannot start a run (fork): {}", std::strerror(errno)));
  if (pid == 0) {
    // only async-signal-safe calls from here to exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(exit_code::interrupted);  // the batch died before prctl
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) _exit(exit_code::output_failure);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    // /proc/self/exe: the very program of the batch, even if its file was replaced since
    // (a rebuild during a study): every run of a study runs the same build
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  return pid;
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return exit_code::internal_error;
}

std::string record_run_end(const std::filesystem::path& dir, const ManifestRow& row, int code) {
  if (code == exit_code::ok || code == exit_code::interrupted) return {};
  std::string message = log_tail(run_log_path(dir, row.run));
  if (code > 128) message += fmt::format("{}killed by signal {}", message.empty() ? "" : "\n", code - 128);
  if (message.empty()) message = fmt::format("backsim run ended with exit code {} and printed nothing", code);
  write_failure_record(dir, row, code, message);
  return message;
}

}  // namespace backsim::cli
