// Collects the problems found in one scenario file so that all of them are reported
// together, in the order they appear in the file.
#pragma once

#include "scenarios/scenario.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace backsim {

// 1-based line and column in a file; {0, 0} when unknown. `file` is set when the value
// came from another file than the one being loaded (a study's sweep value moved into a
// base scenario): the problem is then reported in the file the user has to fix.
struct SourcePosition {
  SourcePosition() = default;
  SourcePosition(int line_, int column_, std::shared_ptr<const std::string> file_ = nullptr)
      : line(line_), column(column_), file(std::move(file_)) {}
  int line = 0;
  int column = 0;
  std::shared_ptr<const std::string> file;
};

class IssueLog {
 public:
  explicit IssueLog(std::string file) : file_(std::move(file)) {}

  void report(SourcePosition where, std::string message) {
    const bool elsewhere = where.file && !where.file->empty();
    issues_.push_back(ScenarioIssue{elsewhere ? *where.file : file_, where.line, where.column, std::move(message)});
  }

  bool empty() const { return issues_.empty(); }
  const std::string& file() const { return file_; }

  // In file order (toml++ iterates tables by key name, not by position): this file's
  // issues first, then those of other files, each file in order.
  std::vector<ScenarioIssue> sorted_issues() const {
    std::vector<ScenarioIssue> sorted = issues_;
    std::stable_sort(sorted.begin(), sorted.end(), [this](const ScenarioIssue& a, const ScenarioIssue& b) {
      return std::tuple(a.file != file_, a.file, a.line, a.column) <
             std::tuple(b.file != file_, b.file, b.line, b.column);
    });
    return sorted;
  }

 private:
  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

}  // namespace backsim
