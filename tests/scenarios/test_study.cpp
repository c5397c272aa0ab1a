// Study files: expansion counts and parameters (cartesian, zipped, explicit runs,
// cohort, repetitions), determinism, errors pointing into the study file, and the
// geometry.cohort_seed / geometry.subject keys that reproduce a sampled back.
#include "models/subject.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/study/manifest.hpp"
#include "scenarios/study/study.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

using namespace backsim;

namespace {
const std::filesystem::path kStudies = std::filesystem::path(BACKSIM_TEST_DATA_DIR) / "study";

std::vector<std::string> column(const Study& s, std::size_t p) {
  std::vector<std::string> v;
  for (const StudyRun& r : s.runs) v.push_back(r.parameters[p]);
  return v;
}
}  // namespace

TEST_CASE("a cartesian study has one run per combination with the first axis slowest") {
  const Study s = expand_study(kStudies / "cartesian.toml");
  REQUIRE(s.runs.size() == 6);
  REQUIRE(s.parameter_names == std::vector<std::string>{"motion.press_depth", "material.youngs_modulus"});
  CHECK(column(s, 0) == std::vector<std::string>{"2 mm", "2 mm", "3 mm", "3 mm", "4 mm", "4 mm"});
  CHECK(column(s, 1) == std::vector<std::string>{"15 kPa", "25 kPa", "15 kPa", "25 kPa", "15 kPa", "25 kPa"});
  CHECK(s.runs[0].id == "run-0001");
  CHECK(s.runs[5].id == "run-0006");
  // the values reach the resolved scenarios, in SI
  CHECK(s.runs[0].scenario.spec.motion.press_depth == 0.002);
  CHECK(s.runs[5].scenario.spec.motion.press_depth == 0.004);
  CHECK(s.runs[1].scenario.spec.material.youngs_modulus == 25000.0);
  // six different scenarios, six different hashes
  std::set<std::string> hashes;
  for (const StudyRun& r : s.runs) hashes.insert(r.scenario_sha256);
  CHECK(hashes.size() == 6);
}

TEST_CASE("the keys of one sweep move together and repetitions vary run.seed") {
  const Study s = expand_study(kStudies / "zipped.toml");
  REQUIRE(s.runs.size() == 12);  // 3 zipped x 2 skins x 2 repetitions
  REQUIRE(s.parameter_names == std::vector<std::string>{"motion.press_depth", "motion.speed", "tool.skin"});
  for (const StudyRun& r : s.runs) {
    // zipped: depth and speed always appear in their listed pairs
    const std::string pair = r.parameters[0] + "/" + r.parameters[1];
    CHECK((pair == "2 mm/5 cm/s" || pair == "3 mm/10 cm/s" || pair == "4 mm/20 cm/s"));
    CHECK(r.scenario.spec.run.seed == static_cast<std::uint64_t>(r.repetition));
  }
  CHECK(s.runs[0].repetition == 0);
  CHECK(s.runs[1].repetition == 1);
  CHECK(s.runs[0].scenario.resolved_text != s.runs[1].scenario.resolved_text);
  CHECK(s.runs[0].scenario.spec.tool.friction != s.runs[2].scenario.spec.tool.friction);  // oiled, then dry
}

TEST_CASE("an explicit list of runs sets each run's own keys and the set table applies to all") {
  const Study s = expand_study(kStudies / "run_list.toml");
  REQUIRE(s.runs.size() == 3);
  REQUIRE(s.parameter_names == std::vector<std::string>{"motion.press_depth", "tool.radius", "motion.speed"});
  CHECK(column(s, 1) == std::vector<std::string>{"", "1 cm", ""});
  CHECK(s.runs[1].scenario.spec.tool.radius == 0.01);
  CHECK(s.runs[0].scenario.spec.tool.radius == 0.015);  // the base's
  CHECK(s.runs[2].scenario.spec.motion.speed == 0.05);   // a quoted dotted key
  for (const StudyRun& r : s.runs) CHECK(r.scenario.spec.solver.time_step == 0.1);
}

TEST_CASE("a cohort study samples subject i of the seed for every value reproducibly from the resolved scenario") {
  const Study s = expand_study(kStudies / "cohort.toml");
  REQUIRE(s.runs.size() == 8);
  REQUIRE(s.cohort_subjects == 4);
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    const StudyRun& r = s.runs[i];
    REQUIRE(r.subject);
    CHECK(*r.subject == i % 4);
    const BackSource& back = r.scenario.model.back;
    REQUIRE(back.cohort_seed);
    CHECK(*back.cohort_seed == 7);
    // the subject built from the run's scenario is the cohort's sampled subject
    const models::SubjectParams expected = models::sample_subject(models::Condition::desk_worker, 7, *r.subject);
    CHECK(back.subject().back_length == expected.back_length);
    CHECK(back.subject().fat_scale == expected.fat_scale);
    // and the resolved text, loaded again, gives the same subject (what backsim run does)
    const Scenario again = parse_scenario(r.scenario.resolved_text, "<resolved>");
    CHECK(again.resolved_text == r.scenario.resolved_text);
    CHECK(again.model.back.subject().waist_width == expected.waist_width);
  }
  // different subjects are different backs
  CHECK(s.runs[0].scenario.model.back.subject().back_length != s.runs[1].scenario.model.back.subject().back_length);
}

TEST_CASE("expansion is deterministic") {
  for (const char* name : {"cartesian.toml", "zipped.toml", "cohort.toml"}) {
    const Study a = expand_study(kStudies / name), b = expand_study(kStudies / name);
    REQUIRE(a.runs.size() == b.runs.size());
    for (std::size_t i = 0; i < a.runs.size(); ++i) {
      CHECK(a.runs[i].scenario.resolved_text == b.runs[i].scenario.resolved_text);
      CHECK(a.runs[i].scenario_sha256 == b.runs[i].scenario_sha256);
    }
  }
}

TEST_CASE("a bad sweep value is reported at its line and column in the study file") {
  try {
    (void)expand_study(kStudies / "bad_value.toml");
    FAIL("the study was accepted");
  } catch (const InvalidScenario& e) {
    REQUIRE(e.issues().size() == 1);  // once, though two runs... only one run holds it
    const ScenarioIssue& issue = e.issues()[0];
    CHECK(issue.file == (kStudies / "bad_value.toml").string());
    CHECK(issue.line == 6);
    CHECK(issue.column == 31);  // the "-3 mm"
    CHECK_THAT(issue.message, Catch::Contains("motion.press_depth") && Catch::Contains("allowed: > 0 m"));
  }
}

TEST_CASE("geometry.cohort_seed and geometry.subject come as a pair and on a back only") {
  const std::string back = "[geometry]\ntype = \"back\"\nresolution = \"coarse\"\n";
  const std::string tool = "[tool]\nshape = \"sphere\"\n[motion]\ncontrol = \"kinematic\"\npath = [[\"L3\", \"-5 cm\"]]\n";
  CHECK_THROWS_WITH(parse_scenario(back + "cohort_seed = 3\n" + tool, "s.toml"),
                    Catch::Contains("s.toml:4:15: geometry.cohort_seed needs geometry.subject"));
  CHECK_THROWS_WITH(parse_scenario(back + "cohort_seed = 3\nsubject = -1\n" + tool, "s.toml"),
                    Catch::Contains("geometry.subject"));
  CHECK_THROWS_WITH(parse_scenario("[geometry]\ntype = \"block\"\ncohort_seed = 1\nsubject = 0\n" + tool, "s.toml"),
                    Catch::Contains("applies only to geometry.type = \"back\""));
  const Scenario s = parse_scenario(back + "cohort_seed = 3\nsubject = 2\nfat_scale = 1.5\n" + tool, "s.toml");
  CHECK(s.model.back.subject().fat_scale == 1.5);  // the listed overrides apply after sampling
  CHECK(s.model.back.subject().back_length ==
        models::sample_subject(models::Condition::healthy, 3, 2).back_length);
  CHECK(parse_scenario(s.resolved_text, "r.toml").resolved_text == s.resolved_text);
}

TEST_CASE("the manifest round-trips through manifest.csv") {
  const Study s = expand_study(kStudies / "zipped.toml");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "backsim_test_manifest";
  std::filesystem::remove_all(dir);
  write_expanded_study(s, dir);
  const Manifest read = read_manifest(dir);
  const Manifest expected = study_manifest(s);
  REQUIRE(read.rows.size() == expected.rows.size());
  CHECK(read.parameter_names == expected.parameter_names);
  for (std::size_t i = 0; i < read.rows.size(); ++i) {
    CHECK(read.rows[i].run == expected.rows[i].run);
    CHECK(read.rows[i].parameters == expected.rows[i].parameters);
    CHECK(read.rows[i].scenario_sha256 == expected.rows[i].scenario_sha256);
    CHECK(read.rows[i].repetition == expected.rows[i].repetition);
    CHECK(std::filesystem::is_regular_file(dir / read.rows[i].scenario));
  }
  std::filesystem::remove_all(dir);
}
