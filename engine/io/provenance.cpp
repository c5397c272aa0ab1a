#include "engine/io/provenance.hpp"

#include "backsim_build_info.h"  // generated: BACKSIM_VERSION, BACKSIM_GIT_SHA, ... (engine/CMakeLists.txt)

#include <unistd.h>

#include <array>
#include <chrono>
#include <climits>
#include <ctime>
#include <utility>

// Refuse to build without the build's identity rather than write run files whose
// provenance lies.
#if !defined(BACKSIM_VERSION) || !defined(BACKSIM_GIT_SHA) || !defined(BACKSIM_BUILD_FLAGS) || \
    !defined(BACKSIM_COMPILER)
#error "provenance.cpp needs BACKSIM_VERSION, BACKSIM_GIT_SHA, BACKSIM_BUILD_FLAGS and BACKSIM_COMPILER"
#endif

namespace backsim {
namespace {

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return std::string(name.data());  // size-1 above keeps a terminating zero even on truncation
}

}  // namespace

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, sizeof "YYYY-MM-DDTHH:MM:SSZ"> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text.data());
}

Provenance make_provenance(std::string scenario_text, std::uint64_t seed, int threads,
                           std::string command_line) {
  Provenance provenance;
  provenance.backsim_version = BACKSIM_VERSION;
  provenance.git_sha = BACKSIM_GIT_SHA;
  provenance.compiler = BACKSIM_COMPILER;
  provenance.build_flags = BACKSIM_BUILD_FLAGS;
  provenance.scenario_sha256 = sha256_hex(scenario_text);
  provenance.scenario = std::move(scenario_text);
  provenance.seed = seed;
  provenance.threads = threads;
  provenance.host = host_name();
  provenance.started_utc = utc_now_iso8601();
  provenance.command_line = std::move(command_line);
  return provenance;
}

}  // namespace backsim
