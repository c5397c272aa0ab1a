#include "cli/batch/run_files.hpp"

#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"
#include "engine/io/run_reader.hpp"
#include "engine/io/xdmf_items.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace backsim::cli {

std::filesystem::path run_output_path(const std::filesystem::path& dir, const std::string& run) {
  return dir / "runs" / (run + ".h5");
}
std::filesystem::path run_failure_path(const std::filesystem::path& dir, const std::string& run) {
  return dir / "runs" / (run + ".failed");
}
std::filesystem::path run_log_path(const std::filesystem::path& dir, const std::string& run) {
  return dir / "logs" / (run + ".log");
}

std::string_view state_name(RunState state) {
  switch (state) {
    case RunState::ok: return "ok";
    case RunState::solver_failure: return "solver_failure";
    case RunState::failed: return "failed";
    case RunState::missing: return "missing";
  }
  return "missing";
}

namespace {
// DIR/runs/RUN.failed: "exit_code N", "scenario_sha256 HEX", then the message.
RunRecord read_failure_record(const std::filesystem::path& path, const std::string& sha256) {
  std::ifstream in(path);
  std::string code_line, sha_line;
  std::getline(in, code_line);
  std::getline(in, sha_line);
  RunRecord r;
  int code = 0;
  constexpr std::string_view kCode = "exit_code ", kSha = "scenario_sha256 ";
  if (code_line.rfind(kCode, 0) != 0 || sha_line != std::string(kSha) + sha256) return r;  // stale or foreign
  const auto [ptr, ec] = std::from_chars(code_line.data() + kCode.size(), code_line.data() + code_line.size(), code);
  if (ec != std::errc()) return r;
  std::stringstream rest;
  rest << in.rdbuf();
  r.state = RunState::failed;
  r.exit_code = code;
  r.error = rest.str();
  while (!r.error.empty() && (r.error.back() == '\n' || r.error.back() == ' ')) r.error.pop_back();
  return r;
}
}  // namespace

RunRecord read_run_record(const std::filesystem::path& dir, const ManifestRow& row) {
  std::error_code error;
  const std::filesystem::path output = run_output_path(dir, row.run);
  if (std::filesystem::is_regular_file(output, error)) {
    try {
      const RunReader reader(output);
      if (reader.attribute("scenario_sha256") == row.scenario_sha256) {
        RunRecord r;
        const std::string status = reader.status();
        if (status == "ok") {
          r.state = RunState::ok;
          r.exit_code = exit_code::ok;
        } else if (status == "solver_failure") {
          r.state = RunState::solver_failure;
          r.exit_code = exit_code::solver_failure;
          r.error = reader.attribute("error");
        }
        if (r.state != RunState::missing) return r;
      }
    } catch (const InvalidInput&) {
      // an unreadable file is no result: the run is done again
    }
  }
  const std::filesystem::path failure = run_failure_path(dir, row.run);
  if (std::filesystem::is_regular_file(failure, error)) return read_failure_record(failure, row.scenario_sha256);
  return RunRecord{};
}

void write_failure_record(const std::filesystem::path& dir, const ManifestRow& row, int code,
                          const std::string& message) {
  xdmf::write_file_atomically(run_failure_path(dir, row.run),
                              fmt::format("exit_code {}\nscenario_sha256 {}\n{}\n", code, row.scenario_sha256, message));
}

}  // namespace backsim::cli
