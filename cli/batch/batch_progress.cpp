#include "cli/batch/batch_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace backsim::cli {

namespace {
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else out += c;
  }
  return out + '"';
}

std::string duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}
}  // namespace

BatchProgress::BatchProgress(std::size_t total, std::size_t already_done, std::size_t already_failed, bool quiet)
    : total_(total),
      done_(already_done),
      failed_(already_failed),
      terminal_(isatty(STDERR_FILENO) != 0),
      quiet_(quiet),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double BatchProgress::eta_seconds() const {
  // the runs of this batch so far, at the rate they ended: runs skipped by --resume
  // took no time and say nothing about the rest
  if (done_here_ == 0) return -1;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return elapsed / static_cast<double>(done_here_) * static_cast<double>(total_ - done_);
}

void BatchProgress::started(const std::string& run) {
  ++running_;
  if (quiet_) return;
  if (terminal_) return draw(false);
  fmt::print("{{\"event\":\"start\",\"run\":{},\"done\":{},\"failed\":{},\"total\":{}}}\n", json_string(run), done_,
             failed_, total_);
  std::fflush(stdout);
}

void BatchProgress::ended(const std::string& run, std::string_view status, int exit_code, double seconds) {
  running_ = running_ > 0 ? running_ - 1 : 0;
  if (status != "interrupted") {
    ++done_;
    ++done_here_;
    if (status != "ok") ++failed_;
  }
  if (quiet_) return;
  if (terminal_) return draw(true);
  fmt::print("{{\"event\":\"end\",\"run\":{},\"status\":{},\"exit_code\":{},\"seconds\":{:.2f},\"done\":{},"
             "\"failed\":{},\"total\":{},\"eta_seconds\":{:.0f}}}\n",
             json_string(run), json_string(status), exit_code, seconds, done_, failed_, total_, eta_seconds());
  std::fflush(stdout);
}

void BatchProgress::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 24;
  const double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double eta = eta_seconds();
  std::fprintf(stderr, "\r[%s%s] %zu/%zu runs done, %zu failed, %zu running, ETA %s ",
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), done_, total_, failed_, running_,
               eta < 0 ? "?" : duration(eta).c_str());
  std::fflush(stderr);
}

void BatchProgress::finish() {
  if (quiet_) return;
  if (terminal_) {
    if (drawn_) std::fprintf(stderr, "\n");
    return;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print("{{\"event\":\"batch_end\",\"done\":{},\"failed\":{},\"total\":{},\"seconds\":{:.2f}}}\n", done_, failed_,
             total_, elapsed);
  std::fflush(stdout);
}

}  // namespace backsim::cli
