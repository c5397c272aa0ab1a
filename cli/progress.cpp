#include "cli/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace backsim::cli {

ProgressLine::ProgressLine(double duration)
    : duration_(duration),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressLine::update(const StepStats& step) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200) && step.time < duration_) return;
  last_draw_ = now;
  drawn_ = true;
  const double fraction = std::clamp(step.time / duration_, 0.0, 1.0);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction * kWidth);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r[%s] %3.0f%%  t %.3g/%.3g s  Newton %d  CG %d  F %.3g N  depth %.2f mm  ETA %.0f s ",
               bar.c_str(), 100 * fraction, step.time, duration_, step.newton_iterations, step.cg_iterations,
               step.tool_force.z(), 1e3 * step.tool_depth, eta);
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\n");
}

}  // namespace backsim::cli
