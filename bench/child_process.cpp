#include "bench/child_process.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace backsim::bench {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

ChildResult run_in_child(const std::function<std::string()>& work) {
  char name[] = "/tmp/backsim-bench-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return {false, "cannot create a temporary file in /tmp"};
  close(fd);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return {false, "fork failed"};
  if (pid == 0) {
    int code = 0;
    std::string out;
    try {
      out = work();
    } catch (const std::exception& e) {
      out = e.what();
      code = 1;
    }
    std::ofstream(name, std::ios::binary) << out;
    std::_Exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::remove(name);
  if (WIFSIGNALED(status)) return {false, "the child died of signal " + std::to_string(WTERMSIG(status))};
  return {WIFEXITED(status) && WEXITSTATUS(status) == 0, text.str()};
}

}  // namespace backsim::bench
