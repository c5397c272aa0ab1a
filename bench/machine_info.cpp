#include "bench/machine_info.hpp"

#include <unistd.h>

#include <fstream>
#include <thread>

namespace backsim::bench {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string machine_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

unsigned hardware_threads() { return std::thread::hardware_concurrency(); }

}  // namespace backsim::bench
