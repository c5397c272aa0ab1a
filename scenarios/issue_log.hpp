// Collects the problems found in one scenario file so that all of them are reported
// together, in the order they appear in the file.
#pragma once

#include "scenarios/scenario.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace backsim {

// 1-based line and column in a file; {0, 0} when unknown.
struct SourcePosition {
  int line = 0;
  int column = 0;
};

class IssueLog {
 public:
  explicit IssueLog(std::string file) : file_(std::move(file)) {}

  void report(SourcePosition where, std::string message) {
    issues_.push_back(ScenarioIssue{file_, where.line, where.column, std::move(message)});
  }

  bool empty() const { return issues_.empty(); }
  const std::string& file() const { return file_; }

  // In file order (toml++ iterates tables by key name, not by position).
  std::vector<ScenarioIssue> sorted_issues() const {
    std::vector<ScenarioIssue> sorted = issues_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const ScenarioIssue& a, const ScenarioIssue& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return sorted;
  }

 private:
  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

}  // namespace backsim
