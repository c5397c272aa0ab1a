// Provenance of a run: what built it, what it was asked to do, where and when it ran.
// Written as root attributes of the run's HDF5 file (docs/output.md).
#pragma once

#include "engine/io/sha256.hpp"

#include <cstdint>
#include <string>

namespace backsim {

struct Provenance {
  std::string backsim_version;
  std::string git_sha;
  std::string compiler;
  std::string build_flags;
  std::string scenario;          // full resolved scenario text
  std::string scenario_sha256;   // hex digest of `scenario`
  std::uint64_t seed = 0;
  int threads = 0;
  std::string host;
  std::string started_utc;       // ISO 8601, e.g. 2026-11-23T21:00:00Z
  std::string command_line;
};

// Fills version, git sha, compiler, build flags (from this build's compile
// definitions), host, the start time and the scenario digest.
Provenance make_provenance(std::string scenario_text, std::uint64_t seed, int threads,
                           std::string command_line);

// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
std::string utc_now_iso8601();

}  // namespace backsim
