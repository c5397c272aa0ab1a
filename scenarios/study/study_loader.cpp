// Reads a study file and expands it into resolved scenarios (docs/study.md).
//
// A sweep value is not converted here: it is moved, as the TOML node toml++ read from the
// study file, into the base scenario's table, and the scenario loader reads it like any
// key of a scenario file. A value is therefore checked by exactly the rules of the key it
// sets, and its problems are reported at its line and column in the study file (the node
// keeps its source; scenarios/scenario_table.hpp).
#include "scenarios/study/study.hpp"

#include "engine/io/sha256.hpp"
#include "scenarios/issue_log.hpp"
#include "scenarios/scenario_table.hpp"
#include "scenarios/table_reader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <variant>

namespace backsim {
namespace {

// The tables a scenario file has: the first part of every swept key.
constexpr std::array<std::string_view, 11> kScenarioTables{
    "scenario", "geometry", "material", "boundary", "tool", "motion", "zone", "solver", "output", "physiology", "run"};
constexpr std::string_view kBaseScenarioKey = "base_scenario";

// Bounds that keep a study something that can finish; beyond them a typo is more likely
// than a plan.
constexpr std::int64_t kMaxRepetitions = 1000;
constexpr std::int64_t kMaxSubjects = 100'000;
constexpr std::size_t kMaxRuns = 1'000'000;

// One step of a path into a TOML tree: a table key or an array index.
using PathStep = std::variant<std::string, std::size_t>;
using TreePath = std::vector<PathStep>;

// `key = value` of one run: where the value is in the study file's tree, and the
// scenario key it sets.
struct Assignment {
  std::string key;               // "motion.normal_force", or "base_scenario"
  TreePath value_path;           // in the study file's tree
  toml::source_region key_source;  // of the key in the study file, for the loader's messages
  std::string label;             // the value as a person reads it ("20 N", "swedish")
};

// One value of an axis: the assignments it makes (several when keys are zipped).
struct AxisPoint {
  std::vector<Assignment> assignments;
};

const toml::node* follow(const toml::node& root, const TreePath& path) {
  const toml::node* node = &root;
  for (const PathStep& step : path) {
    if (node == nullptr) return nullptr;
    if (const std::string* key = std::get_if<std::string>(&step)) {
      const toml::table* t = node->as_table();
      node = t != nullptr ? t->get(*key) : nullptr;
    } else {
      const toml::array* a = node->as_array();
      node = a != nullptr ? a->get(std::get<std::size_t>(step)) : nullptr;
    }
  }
  return node;
}

// The text a person reads for a value: strings without quotes, numbers shortest.
std::string value_label(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return fmt::format("{}", i->get());
  if (const auto* f = node.as_floating_point()) return fmt::format("{}", f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  std::ostringstream text;
  if (const auto* a = node.as_array()) text << *a;
  else if (const auto* t = node.as_table()) text << toml::toml_formatter(*t, toml::format_flags::none);
  return text.str();
}

// "motion.then[1].speed" -> motion, then, [1], speed; nullopt if it is not such a name.
std::optional<TreePath> key_path(std::string_view key) {
  TreePath path;
  std::size_t i = 0;
  while (i < key.size()) {
    const std::size_t end = key.find_first_of(".[", i);
    const std::string_view name = key.substr(i, end == std::string_view::npos ? key.size() - i : end - i);
    if (name.empty()) return std::nullopt;
    path.emplace_back(std::string(name));
    i = end == std::string_view::npos ? key.size() : end;
    while (i < key.size() && key[i] == '[') {
      const std::size_t close = key.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(key.data() + i + 1, key.data() + close, index);
      if (ec != std::errc() || ptr != key.data() + close) return std::nullopt;
      path.emplace_back(index);
      i = close + 1;
    }
    if (i < key.size()) {
      if (key[i] != '.') return std::nullopt;
      ++i;
      if (i == key.size()) return std::nullopt;
    }
  }
  return path;
}

class StudyLoader {
 public:
  StudyLoader(const std::filesystem::path& file, IssueLog& log) : file_(file), log_(log) {}

  void load(Study& study) {
    study.file = file_;
    try {
      root_ = toml::parse_file(file_.string());
    } catch (const toml::parse_error& error) {
      const toml::source_position at = error.source().begin;
      log_.report(SourcePosition{static_cast<int>(at.line), static_cast<int>(at.column)},
                  fmt::format("TOML syntax error: {}", error.description()));
      return;
    }
    check_top_level();
    read_study(study);
    read_cohort(study);
    read_set();
    read_sweeps();
    read_runs();
    if (!log_.empty()) return;
    name_parameters(study);
    expand(study);
  }

 private:
  void check_top_level() {
    for (const auto& [key, node] : root_) {
      const std::string_view k = key.str();
      const SourcePosition where = position_of_key(key);
      if (k == "study" || k == "cohort" || k == "set") {
        if (!node.is_table()) log_.report(where, fmt::format("{} must be a table ([{}])", k, k));
      } else if (k == "sweep" || k == "run") {
        if (!node.is_array_of_tables())
          log_.report(where, fmt::format("{} must be an array of tables: write each as a [[{}]] table", k, k));
      } else {
        log_.report(where, fmt::format("unknown {} {}; allowed: [study], [cohort], [set], [[sweep]], [[run]]",
                                       node.is_table() ? "table" : "key", k));
      }
    }
  }

  static SourcePosition position_of_key(const toml::key& key) {
    const toml::source_position at = key.source().begin;
    return SourcePosition{static_cast<int>(at.line), static_cast<int>(at.column), key.source().path};
  }

  TableReader table(std::string_view name, std::vector<std::string_view> keys) {
    const toml::node* node = root_.get(name);
    const toml::table* t = node != nullptr ? node->as_table() : nullptr;
    const SourcePosition header = t != nullptr ? position_of(*t) : SourcePosition{1, 1};
    return TableReader(t, name, header, std::move(keys), log_, node != nullptr && t == nullptr);
  }

  void read_study(Study& study) {
    TableReader t = table("study", {"name", "description", "base_scenario", "repetitions"});
    if (auto name = t.string("name")) study.name = *name;
    if (auto description = t.string("description")) study.description = *description;
    if (auto base = t.string("base_scenario")) {
      base_ = resolve(*base);
      base_position_ = t.position("base_scenario");
      check_exists(*base, base_, base_position_);
    }
    if (auto repetitions = t.integer("repetitions", 1, kMaxRepetitions)) study.repetitions = static_cast<int>(*repetitions);
    study_position_ = t.position("name");
  }

  void read_cohort(Study& study) {
    if (root_.get("cohort") == nullptr) return;
    TableReader t = table("cohort", {"subjects", "seed", "preset"});
    if (t.require("subjects", fmt::format("an integer, 1 ..= {}", kMaxSubjects)))
      if (auto n = t.integer("subjects", 1, kMaxSubjects)) study.cohort_subjects = static_cast<std::uint64_t>(*n);
    if (t.require("seed", "an integer, 0 ..= 2^63 - 1"))
      if (auto seed = t.integer("seed", 0, std::numeric_limits<std::int64_t>::max()))
        study.cohort_seed = static_cast<std::uint64_t>(*seed);
    // geometry.preset of every run; the scenario loader checks the name
    has_cohort_preset_ = t.has("preset");
  }

  std::filesystem::path resolve(const std::string& relative) const {
    std::filesystem::path p(relative);
    if (p.is_relative()) p = (file_.parent_path() / p).lexically_normal();
    return p;
  }

  void check_exists(const std::string& written, const std::filesystem::path& resolved, SourcePosition where) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(resolved, error))
      log_.report(where, fmt::format("base_scenario \"{}\": no such file ({}); a path relative to the study file",
                                     written, resolved.string()));
  }

  // The scenario keys of a table of assignments ([set], a [[sweep]], a [[run]]): a key
  // naming a scenario table is followed one level ("motion.force" in TOML is the table
  // motion with the key force); everything else is one key, its value the leaf.
  struct Leaf {
    std::string key;
    TreePath path;  // below the assignments table
    const toml::node* node;
    toml::source_region key_source;
    SourcePosition where;
  };
  std::vector<Leaf> leaves(const toml::table& assignments) {
    std::vector<Leaf> out;
    for (const auto& [key, node] : assignments) {
      const toml::table* sub = node.as_table();
      const bool scenario_table =
          std::find(kScenarioTables.begin(), kScenarioTables.end(), key.str()) != kScenarioTables.end();
      if (sub != nullptr && scenario_table) {
        for (const auto& [inner_key, inner] : *sub)
          out.push_back(Leaf{fmt::format("{}.{}", key.str(), inner_key.str()),
                             {std::string(key.str()), std::string(inner_key.str())}, &inner, inner_key.source(),
                             position_of_key(inner_key)});
      } else {
        out.push_back(Leaf{std::string(key.str()), {std::string(key.str())}, &node, key.source(), position_of_key(key)});
      }
    }
    // toml++ iterates by key name: keep the file's order (it is the parameters' order)
    std::stable_sort(out.begin(), out.end(), [](const Leaf& a, const Leaf& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    return out;
  }

  // A key that can be set: base_scenario (where allowed) or a scenario table's key.
  bool check_key(const Leaf& leaf, bool base_allowed) {
    if (leaf.key == kBaseScenarioKey) {
      if (!base_allowed) log_.report(leaf.where, "base_scenario cannot be set in [set]; set it in [study]");
      return base_allowed;
    }
    const std::optional<TreePath> path = key_path(leaf.key);
    const std::string* first = path && path->size() >= 2 ? std::get_if<std::string>(&path->front()) : nullptr;
    if (first == nullptr ||
        std::find(kScenarioTables.begin(), kScenarioTables.end(), *first) == kScenarioTables.end()) {
      log_.report(leaf.where, fmt::format("{} is not a scenario key; allowed: base_scenario, or TABLE.KEY with a "
                                          "table of a scenario file ({}), e.g. motion.normal_force, "
                                          "motion.then[0].speed",
                                          leaf.key, fmt::join(kScenarioTables, ", ")));
      return false;
    }
    return true;
  }

  Assignment assignment(const Leaf& leaf, TreePath prefix, const toml::node& value) {
    Assignment a{leaf.key, std::move(prefix), leaf.key_source, value_label(value)};
    if (leaf.key == kBaseScenarioKey) {
      const auto* text = value.as_string();
      if (text == nullptr) {
        log_.report(position_of(value), "base_scenario must be a string: a scenario file relative to the study file");
      } else {
        check_exists(text->get(), resolve(text->get()), position_of(value));
        a.label = resolve(text->get()).stem().string();
      }
    }
    return a;
  }

  static TreePath joined(TreePath a, const TreePath& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  void read_set() {
    const toml::table* set = root_["set"].as_table();
    if (set == nullptr) return;
    for (const Leaf& leaf : leaves(*set)) {
      if (!check_key(leaf, false)) continue;
      fixed_.push_back(assignment(leaf, joined({std::string("set")}, leaf.path), *leaf.node));
    }
  }

  void read_sweeps() {
    const toml::array* sweeps = root_["sweep"].as_array();
    if (sweeps == nullptr || !sweeps->is_array_of_tables()) return;
    for (std::size_t s = 0; s < sweeps->size(); ++s) {
      const toml::table& sweep = *sweeps->get(s)->as_table();
      const std::vector<Leaf> keys = leaves(sweep);
      if (keys.empty()) {
        log_.report(position_of(sweep), "an empty [[sweep]]: give it at least one key = [values]");
        continue;
      }
      std::optional<std::size_t> length;
      bool usable = true;
      for (const Leaf& leaf : keys) {
        usable = check_key(leaf, true) && usable;
        const toml::array* values = leaf.node->as_array();
        if (values == nullptr || values->empty()) {
          log_.report(leaf.where, fmt::format("sweep.{} must be an array of at least one value (the values of the "
                                              "axis)",
                                              leaf.key));
          usable = false;
        } else if (length && values->size() != *length) {
          log_.report(leaf.where, fmt::format("sweep.{} has {} values, the axis's first key has {}; the keys of one "
                                              "[[sweep]] move together (zipped): give each as many values, or put "
                                              "it in its own [[sweep]] (cartesian product)",
                                              leaf.key, values->size(), *length));
          usable = false;
        } else {
          length = values->size();
        }
      }
      if (!usable) continue;
      std::vector<AxisPoint> axis(*length);
      for (const Leaf& leaf : keys) {
        const toml::array& values = *leaf.node->as_array();
        for (std::size_t v = 0; v < values.size(); ++v)
          axis[v].assignments.push_back(assignment(
              leaf, joined(joined({std::string("sweep"), s}, leaf.path), {v}), *values.get(v)));
      }
      axes_.push_back(std::move(axis));
    }
  }

  // [[run]] tables: one axis whose points are the listed runs.
  void read_runs() {
    const toml::array* runs = root_["run"].as_array();
    if (runs == nullptr || !runs->is_array_of_tables()) return;
    std::vector<AxisPoint> axis;
    for (std::size_t r = 0; r < runs->size(); ++r) {
      AxisPoint point;
      for (const Leaf& leaf : leaves(*runs->get(r)->as_table())) {
        if (!check_key(leaf, true)) continue;
        point.assignments.push_back(assignment(leaf, joined({std::string("run"), r}, leaf.path), *leaf.node));
      }
      axis.push_back(std::move(point));
    }
    axes_.push_back(std::move(axis));
  }

  void name_parameters(Study& study) {
    std::map<std::string, std::size_t> axis_of;
    for (std::size_t a = 0; a < axes_.size(); ++a)
      for (const AxisPoint& point : axes_[a])
        for (const Assignment& assignment : point.assignments) {
          const auto [it, inserted] = axis_of.emplace(assignment.key, a);
          if (inserted) study.parameter_names.push_back(assignment.key);
          else if (it->second != a)
            log_.report(SourcePosition{static_cast<int>(assignment.key_source.begin.line),
                                       static_cast<int>(assignment.key_source.begin.column)},
                        fmt::format("{} is swept by two axes; a key may be set by one [[sweep]] (or the [[run]] "
                                    "list) only",
                                    assignment.key));
        }
    for (const Assignment& f : fixed_)
      if (axis_of.count(f.key))
        log_.report(SourcePosition{static_cast<int>(f.key_source.begin.line), static_cast<int>(f.key_source.begin.column)},
                    fmt::format("set.{} is also swept; remove one", f.key));
  }

  // Moves the value of `assignment` out of the study's tree into `root` at its key,
  // creating the tables on the way; the value keeps its source (its place in the study).
  void move_into(toml::table& root, toml::table& study_tree, const Assignment& assignment) {
    const TreePath target = *key_path(assignment.key);
    toml::node* current = &root;
    for (std::size_t i = 0; current != nullptr && i + 1 < target.size(); ++i) {
      if (const std::string* key = std::get_if<std::string>(&target[i])) {
        toml::table* table = current->as_table();
        if (table == nullptr) current = nullptr;
        else if (toml::node* next = table->get(*key)) current = next;
        else current = &table->insert_or_assign(*key, toml::table{}).first->second;
      } else {
        toml::array* array = current->as_array();
        current = array != nullptr ? array->get(std::get<std::size_t>(target[i])) : nullptr;
      }
    }
    toml::table* table = current != nullptr ? current->as_table() : nullptr;
    if (table == nullptr) {
      const toml::source_position at = assignment.key_source.begin;
      log_.report(SourcePosition{static_cast<int>(at.line), static_cast<int>(at.column), assignment.key_source.path},
                  fmt::format("{}: the base scenario has no table there (an index past the end of an array of "
                              "tables, or a key that is not a table)",
                              assignment.key));
      return;
    }
    const std::string* last = std::get_if<std::string>(&target.back());
    toml::node* value = find_node(study_tree, assignment.value_path);
    if (last == nullptr || value == nullptr) return;  // key_path checked by check_key: not reached
    toml::source_region key_source = assignment.key_source;
    value->visit([&](auto& v) { table->insert_or_assign(toml::key(*last, std::move(key_source)), std::move(v)); });
  }

  static toml::node* find_node(toml::table& tree, const TreePath& path) {
    return const_cast<toml::node*>(follow(tree, path));
  }

  // The base scenario's run.seed, to which a repetition's index is added.
  static std::int64_t base_seed(const toml::table& base) {
    return base.at_path("run.seed").value_or(std::int64_t{0});
  }

  void expand(Study& study) {
    std::size_t count = static_cast<std::size_t>(study.repetitions) * std::max<std::uint64_t>(1, study.cohort_subjects);
    for (const std::vector<AxisPoint>& axis : axes_) count *= axis.size();
    if (count > kMaxRuns) {
      log_.report(study_position_, fmt::format("the study has {} runs; allowed: at most {}", count, kMaxRuns));
      return;
    }
    if (study.cohort_subjects > 0 && !study.cohort_seed) return;  // reported by read_cohort
    const std::size_t base_axis = axis_setting_base();
    if (base_axis == axes_.size() && base_.empty()) {
      log_.report(study_position_, "no base scenario: set [study] base_scenario, or sweep base_scenario");
      return;
    }
    std::set<std::string> reported;
    std::vector<std::size_t> point(axes_.size(), 0);
    const std::uint64_t subjects = std::max<std::uint64_t>(1, study.cohort_subjects);
    for (std::size_t index = 0; index < count; ++index) {
      // axis 0 varies slowest, the repetition fastest
      std::size_t rest = index;
      const int repetition = static_cast<int>(rest % static_cast<std::size_t>(study.repetitions));
      rest /= static_cast<std::size_t>(study.repetitions);
      const std::uint64_t subject = rest % subjects;
      rest /= subjects;
      for (std::size_t a = axes_.size(); a-- > 0;) {
        point[a] = rest % axes_[a].size();
        rest /= axes_[a].size();
      }
      StudyRun run;
      run.id = study_run_id(index, count);
      run.repetition = repetition;
      if (study.cohort_subjects > 0) run.subject = subject;
      run.parameters.assign(study.parameter_names.size(), std::string());
      try {
        run.scenario = resolve_run(study, point, run);
        run.scenario_sha256 = sha256_hex(run.scenario.resolved_text);
        study.runs.push_back(std::move(run));
      } catch (const InvalidScenario& error) {
        for (const ScenarioIssue& issue : error.issues())
          if (reported.insert(issue.to_string()).second) issues_.push_back(issue);
      }
    }
  }

  std::size_t axis_setting_base() const {
    for (std::size_t a = 0; a < axes_.size(); ++a)
      for (const AxisPoint& p : axes_[a])
        for (const Assignment& s : p.assignments)
          if (s.key == kBaseScenarioKey) return a;
    return axes_.size();
  }

  Scenario resolve_run(const Study& study, const std::vector<std::size_t>& point, StudyRun& run) {
    // Fresh trees for every run: a value can be moved out of the study's tree only once.
    toml::table study_tree = toml::parse_file(file_.string());
    std::filesystem::path base = base_;
    std::vector<const Assignment*> assignments;
    for (const Assignment& f : fixed_) assignments.push_back(&f);
    for (std::size_t a = 0; a < axes_.size(); ++a)
      for (const Assignment& s : axes_[a][point[a]].assignments) {
        const auto column = std::find(study.parameter_names.begin(), study.parameter_names.end(), s.key);
        run.parameters[static_cast<std::size_t>(column - study.parameter_names.begin())] = s.label;
        if (s.key == kBaseScenarioKey) base = resolve(*follow(study_tree, s.value_path)->value<std::string>());
        else assignments.push_back(&s);
      }
    toml::table root;
    try {
      root = toml::parse_file(base.string());
    } catch (const toml::parse_error& error) {
      const toml::source_position at = error.source().begin;
      throw InvalidScenario({ScenarioIssue{base.string(), static_cast<int>(at.line), static_cast<int>(at.column),
                                           fmt::format("TOML syntax error: {}", error.description())}});
    }
    for (const Assignment* a : assignments) move_into(root, study_tree, *a);
    if (run.subject) {
      toml::table* geometry = root.insert("geometry", toml::table{}).first->second.as_table();
      if (geometry != nullptr) {  // else the loader reports that geometry is not a table
        // the cohort's seed node keeps its place in the study file for the loader's messages
        toml::node* seed = study_tree.at_path("cohort.seed").node();
        seed->visit([&](auto& v) { geometry->insert_or_assign("cohort_seed", std::move(v)); });
        geometry->insert_or_assign("subject", static_cast<std::int64_t>(*run.subject));
        if (has_cohort_preset_) {
          toml::node* preset = study_tree.at_path("cohort.preset").node();
          preset->visit([&](auto& v) { geometry->insert_or_assign("preset", std::move(v)); });
        }
      }
    }
    if (study.repetitions > 1) {
      const std::int64_t seed = base_seed(root) + run.repetition;
      if (toml::table* run_table = root.insert("run", toml::table{}).first->second.as_table())
        run_table->insert_or_assign("seed", seed);
    }
    if (!log_.empty()) throw InvalidScenario(log_.sorted_issues());
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(base, error);
    return load_scenario_table(root, base.string(), (error ? base : absolute).parent_path());
  }

 public:
  std::vector<ScenarioIssue> issues_;  // of the runs' scenarios, each once

 private:
  std::filesystem::path file_;
  IssueLog& log_;
  toml::table root_;
  std::filesystem::path base_;  // [study] base_scenario, resolved
  SourcePosition base_position_, study_position_;
  bool has_cohort_preset_ = false;
  std::vector<Assignment> fixed_;             // [set]
  std::vector<std::vector<AxisPoint>> axes_;  // [[sweep]]s, then the [[run]] list
};

}  // namespace

std::string study_run_id(std::size_t index, std::size_t count) {
  const std::size_t digits = std::max<std::size_t>(4, fmt::format("{}", count).size());
  return fmt::format("run-{:0{}}", index + 1, digits);
}

Study expand_study(const std::filesystem::path& study_file) {
  IssueLog log{study_file.string()};
  std::error_code error;
  if (!std::filesystem::is_regular_file(study_file, error))
    throw InvalidScenario({ScenarioIssue{study_file.string(), 0, 0, "cannot read the study file: no such file"}});
  Study study;
  StudyLoader loader(study_file, log);
  loader.load(study);
  if (!log.empty()) throw InvalidScenario(log.sorted_issues());
  if (!loader.issues_.empty()) {
    std::vector<ScenarioIssue> issues = loader.issues_;  // first seen in run order: put them in file order
    std::stable_sort(issues.begin(), issues.end(), [&](const ScenarioIssue& a, const ScenarioIssue& b) {
      return std::tuple(a.file != log.file(), a.file, a.line, a.column) <
             std::tuple(b.file != log.file(), b.file, b.line, b.column);
    });
    throw InvalidScenario(std::move(issues));
  }
  return study;
}

}  // namespace backsim
