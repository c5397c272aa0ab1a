// Progress of a batch: on a terminal one line on stderr (runs done, failed, running,
// ETA), redrawn at most a few times a second; otherwise one JSON object per line on
// stdout for each event, for a job scheduler's log or a script:
//   {"event":"start","run":"run-0003","done":2,"failed":0,"total":50}
//   {"event":"end","run":"run-0003","status":"ok","exit_code":0,"seconds":12.41,"done":3,"failed":0,"total":50,"eta_seconds":580}
//   {"event":"batch_end","done":50,"failed":1,"total":50,"seconds":601.2}
// "done" counts every run with a result, failed ones included; runs skipped by --resume
// count as done from the start.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace backsim::cli {

class BatchProgress {
 public:
  // `total` runs, of which `already_done` (`already_failed` of them failed) need no run.
  BatchProgress(std::size_t total, std::size_t already_done, std::size_t already_failed, bool quiet);
  void started(const std::string& run);
  // `status`: "ok", "solver_failure", "failed", "interrupted".
  void ended(const std::string& run, std::string_view status, int exit_code, double seconds);
  void finish();  // ends the line, or writes the batch_end event
  bool on_terminal() const { return terminal_; }

 private:
  void draw(bool force);
  double eta_seconds() const;

  std::size_t total_, done_, failed_, running_ = 0, done_here_ = 0;
  bool terminal_, quiet_, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace backsim::cli
