// Every file in tests/data/malformed/ must be rejected with an issue at the position
// and with the message its first line announces:
//   # expect: LINE:COL: <substring of the message>
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace backsim;

namespace {

struct Expectation {
  int line = 0;
  int column = 0;
  std::string substring;
};

Expectation read_expectation(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  const std::string prefix = "# expect: ";
  INFO(path << ": first line must be '" << prefix << "LINE:COL: <substring>'");
  REQUIRE(first_line.rfind(prefix, 0) == 0);
  const std::string rest = first_line.substr(prefix.size());
  const std::size_t colon1 = rest.find(':');
  const std::size_t colon2 = rest.find(':', colon1 + 1);
  REQUIRE(colon1 != std::string::npos);
  REQUIRE(colon2 != std::string::npos);
  REQUIRE(rest.size() > colon2 + 2);
  REQUIRE(rest[colon2 + 1] == ' ');
  return Expectation{std::stoi(rest.substr(0, colon1)),
                     std::stoi(rest.substr(colon1 + 1, colon2 - colon1 - 1)),
                     rest.substr(colon2 + 2)};
}

std::vector<std::filesystem::path> malformed_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(BACKSIM_TEST_DATA_DIR) / "malformed")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("each malformed scenario is rejected at the announced position", "[scenarios]") {
  const std::vector<std::filesystem::path> files = malformed_files();
  REQUIRE(files.size() >= 12);
  for (const std::filesystem::path& path : files) {
    DYNAMIC_SECTION(path.filename().string()) {
      const Expectation expected = read_expectation(path);
      std::vector<ScenarioIssue> issues;
      try {
        load_scenario_file(path);
      } catch (const InvalidScenario& error) {
        issues = error.issues();
      }
      std::string reported;
      for (const ScenarioIssue& issue : issues) reported += issue.to_string() + "\n";
      INFO("expected " << expected.line << ":" << expected.column << ": " << expected.substring
                       << "\nreported:\n" << reported);
      REQUIRE_FALSE(issues.empty());
      const bool found = std::any_of(issues.begin(), issues.end(), [&](const ScenarioIssue& issue) {
        return issue.line == expected.line && issue.column == expected.column &&
               issue.message.find(expected.substring) != std::string::npos &&
               issue.file == path.string();
      });
      CHECK(found);
    }
  }
}

TEST_CASE("a file with two errors reports both", "[scenarios]") {
  const std::string text = R"([tool]
shape = "sphere"
length = 0.02
[motion]
control = "force"
press_depth = 0.01
)";
  try {
    parse_scenario(text, "two.toml");
    FAIL("accepted");
  } catch (const InvalidScenario& error) {
    REQUIRE(error.issues().size() == 2);
    CHECK(error.issues()[0].to_string().rfind("two.toml:3:10: tool.length applies only to", 0) == 0);
    CHECK(error.issues()[1].to_string().rfind("two.toml:6:15: motion.press_depth applies only to", 0) == 0);
  }
}

TEST_CASE("a syntax error stops parsing and reports the TOML parser's position", "[scenarios]") {
  try {
    parse_scenario("[tool]\nshape = \"sphere\nradius = -1\n", "syntax.toml");
    FAIL("accepted");
  } catch (const InvalidScenario& error) {
    // Only the syntax error: the bad radius on line 3 is never looked at.
    REQUIRE(error.issues().size() == 1);
    CHECK(error.issues()[0].line == 2);
    CHECK_THAT(error.issues()[0].message, Catch::StartsWith("TOML syntax error"));
  }
}
