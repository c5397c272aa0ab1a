// Runs the backsim program as a child process, as a user would.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace backsim::test {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts BACKSIM_BIN_DIR/backsim with `args` in `dir`, stdout and stderr to files.
inline pid_t start_backsim(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const std::string exe = std::string(BACKSIM_BIN_DIR) + "/backsim";
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int out = open("stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>(exe.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline ProcessResult wait_backsim(pid_t pid, const std::filesystem::path& dir) {
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "stdout.txt");
  r.err = slurp(dir / "stderr.txt");
  return r;
}

inline ProcessResult run_backsim(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  return wait_backsim(start_backsim(args, dir), dir);
}

}  // namespace backsim::test
