#include "scenarios/table_reader.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace backsim {
namespace {

using units::Dimension;

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// What a value of `dimension` looks like, for "must be ..." messages.
std::string expected_quantity(Dimension dimension) {
  if (dimension == Dimension::dimensionless) return "a number";
  return fmt::format("a {} (a number in {} or a string with a unit: {})",
                     units::dimension_name(dimension), units::si_unit(dimension),
                     units::allowed_units(dimension));
}

std::string with_unit(double value, std::string_view unit) {
  return unit.empty() ? fmt::format("{}", value) : fmt::format("{} {}", value, unit);
}

}  // namespace

SourcePosition position_of(const toml::node& node) {
  const toml::source_region& source = node.source();
  return SourcePosition{static_cast<int>(source.begin.line), static_cast<int>(source.begin.column), source.path};
}

bool Interval::contains(double value) const {
  if (lower && (lower_open ? !(value > *lower) : !(value >= *lower))) return false;
  if (upper && (upper_open ? !(value < *upper) : !(value <= *upper))) return false;
  return true;
}

std::string Interval::describe(std::string_view unit) const {
  const char* lower_op = lower_open ? "<" : "<=";
  const char* upper_op = upper_open ? "<" : "<=";
  if (lower && upper) {
    return fmt::format("{} {} value {} {}", with_unit(*lower, unit), lower_op, upper_op,
                       with_unit(*upper, unit));
  }
  if (lower) return fmt::format("{} {}", lower_open ? ">" : ">=", with_unit(*lower, unit));
  if (upper) return fmt::format("{} {}", upper_op, with_unit(*upper, unit));
  return "any finite value";
}

TableReader::TableReader(const toml::table* table, std::string_view name, SourcePosition header,
                         std::vector<std::string_view> allowed_keys, IssueLog& log,
                         bool not_a_table)
    : table_(table),
      name_(name),
      header_(header),
      allowed_keys_(std::move(allowed_keys)),
      log_(log),
      not_a_table_(not_a_table) {
  if (table_ == nullptr) return;
  for (const auto& [key, node] : *table_) {
    if (std::find(allowed_keys_.begin(), allowed_keys_.end(), key.str()) != allowed_keys_.end()) {
      continue;
    }
    std::string allowed;
    for (std::string_view k : allowed_keys_) {
      if (!allowed.empty()) allowed += ", ";
      allowed += k;
    }
    const toml::source_position at = key.source().begin;
    log_.report(SourcePosition{static_cast<int>(at.line), static_cast<int>(at.column), key.source().path},
                fmt::format("unknown key {}.{}; allowed keys in [{}]: {}", name_, key.str(), name_,
                            allowed));
  }
}

const toml::node* TableReader::find(std::string_view key) const {
  BACKSIM_ASSERT(std::find(allowed_keys_.begin(), allowed_keys_.end(), key) != allowed_keys_.end(),
                 "the scenario loader reads a key it does not declare");
  return table_ != nullptr ? table_->get(key) : nullptr;
}

SourcePosition TableReader::position(std::string_view key) const {
  const toml::node* node = find(key);
  return node != nullptr ? position_of(*node) : header_;
}

SourcePosition TableReader::element_position(std::string_view key, std::size_t index) const {
  const toml::node* node = find(key);
  const toml::array* array = node != nullptr ? node->as_array() : nullptr;
  if (array == nullptr || index >= array->size()) return position(key);
  return position_of(*array->get(index));
}

std::string TableReader::qualified(std::string_view key) const {
  return fmt::format("{}.{}", name_, key);
}

bool TableReader::require(std::string_view key, std::string_view allowed_values) {
  if (has(key)) return true;
  if (not_a_table_) return false;
  report(header_, table_ != nullptr
                      ? fmt::format("missing required key {} in [{}]; allowed values: {}",
                                    qualified(key), name_, allowed_values)
                      : fmt::format("missing required key {} (the table [{}] is missing); "
                                    "allowed values: {}",
                                    qualified(key), name_, allowed_values));
  return false;
}

std::optional<double> TableReader::quantity_of(const toml::node& node, const std::string& label,
                                               Dimension dimension, const Interval& allowed) {
  double value = 0.0;
  std::string shown;  // the value as the user wrote it, for the range message
  if (const auto* integer_value = node.as_integer()) {
    value = static_cast<double>(integer_value->get());
    shown = with_unit(value, units::si_unit(dimension));
  } else if (const auto* float_value = node.as_floating_point()) {
    value = float_value->get();
    if (!std::isfinite(value)) {
      report(position_of(node), fmt::format("{} is not finite (inf and nan are not allowed); "
                                            "allowed: {}",
                                            label, allowed.describe(units::si_unit(dimension))));
      return std::nullopt;
    }
    shown = with_unit(value, units::si_unit(dimension));
  } else if (const auto* string_value = node.as_string()) {
    const units::QuantityResult parsed = units::parse_quantity(string_value->get(), dimension);
    if (!parsed.si_value) {
      report(position_of(node), fmt::format("{}: {}", label, parsed.error));
      return std::nullopt;
    }
    value = *parsed.si_value;
    shown = fmt::format("\"{}\" (= {})", string_value->get(),
                        with_unit(value, units::si_unit(dimension)));
  } else {
    report(position_of(node),
           fmt::format("{} must be {}, got {}", label, expected_quantity(dimension), type_name(node)));
    return std::nullopt;
  }
  if (!allowed.contains(value)) {
    report(position_of(node), fmt::format("{} = {} is out of range; allowed: {}", label, shown,
                                          allowed.describe(units::si_unit(dimension))));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> TableReader::integer_of(const toml::node& node, const std::string& label,
                                                    std::int64_t min, std::int64_t max) {
  const auto* integer_value = node.as_integer();
  if (integer_value == nullptr) {
    const auto* float_value = node.as_floating_point();
    if (float_value != nullptr && std::isfinite(float_value->get())) {
      report(position_of(node), fmt::format("{} must be an integer, got the float {}", label,
                                            float_value->get()));
    } else {
      report(position_of(node), fmt::format("{} must be an integer, got {}", label, type_name(node)));
    }
    return std::nullopt;
  }
  const std::int64_t value = integer_value->get();
  if (value < min || value > max) {
    report(position_of(node),
           fmt::format("{} = {} is out of range; allowed: {} <= value <= {}", label, value, min, max));
    return std::nullopt;
  }
  return value;
}

const toml::array* TableReader::array_of(std::string_view key, std::size_t size,
                                         std::string_view what) {
  const toml::node* node = find(key);
  if (node == nullptr) return nullptr;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    report(position_of(*node),
           fmt::format("{} must be an array of {}, got {}", qualified(key), what, type_name(*node)));
    return nullptr;
  }
  if (size != 0 && array->size() != size) {
    report(position_of(*node), fmt::format("{} must have exactly {} elements ({}), got {}",
                                           qualified(key), size, what, array->size()));
    return nullptr;
  }
  return array;
}

std::optional<double> TableReader::quantity(std::string_view key, Dimension dimension,
                                            const Interval& allowed) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return quantity_of(*node, qualified(key), dimension, allowed);
}

std::optional<Vec3> TableReader::quantity3(std::string_view key, Dimension dimension,
                                           const Interval& allowed) {
  const std::string what = dimension == Dimension::dimensionless
                               ? std::string("3 numbers")
                               : fmt::format("3 {}s", units::dimension_name(dimension));
  const toml::array* array = array_of(key, 3, what);
  if (array == nullptr) return std::nullopt;
  Vec3 result;
  bool all_valid = true;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::optional<double> component =
        quantity_of(*array->get(i), fmt::format("{}[{}]", qualified(key), i), dimension, allowed);
    all_valid = all_valid && component.has_value();
    if (component) result[static_cast<Eigen::Index>(i)] = *component;
  }
  if (!all_valid) return std::nullopt;
  return result;
}

std::optional<std::vector<std::array<double, 2>>> TableReader::quantity_pairs(
    std::string_view key, Dimension dimension) {
  const std::string what = fmt::format("[x, y] points ({}s)", units::dimension_name(dimension));
  const toml::array* array = array_of(key, 0, what);
  if (array == nullptr) return std::nullopt;
  if (array->empty()) {
    report(position(key), fmt::format("{} must have at least one point; allowed: an array of {}",
                                      qualified(key), what));
    return std::nullopt;
  }
  std::vector<std::array<double, 2>> points;
  bool all_valid = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::optional<std::array<double, 2>> point =
        point_of(*array->get(i), fmt::format("{}[{}]", qualified(key), i), dimension, nullptr);
    if (point) points.push_back(*point);
    all_valid = all_valid && point.has_value();
  }
  if (!all_valid) return std::nullopt;
  return points;
}

std::optional<std::vector<std::array<double, 2>>> TableReader::surface_points(std::string_view key,
                                                                               const LevelHeight* levels) {
  const std::string what = "[x, y] points (lengths) or [LEVEL, x] (a vertebral level and a lateral offset)";
  const toml::array* array = array_of(key, 0, what);
  if (array == nullptr) return std::nullopt;
  if (array->empty()) {
    report(position(key), fmt::format("{} must have at least one point; allowed: an array of {}",
                                      qualified(key), what));
    return std::nullopt;
  }
  std::vector<std::array<double, 2>> points;
  bool all_valid = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::optional<std::array<double, 2>> point =
        point_of(*array->get(i), fmt::format("{}[{}]", qualified(key), i), Dimension::length, levels);
    if (point) points.push_back(*point);
    all_valid = all_valid && point.has_value();
  }
  if (!all_valid) return std::nullopt;
  return points;
}

std::optional<std::array<double, 2>> TableReader::surface_point(std::string_view key, const LevelHeight* levels) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return point_of(*node, qualified(key), Dimension::length, levels);
}

std::optional<std::array<double, 2>> TableReader::point_of(const toml::node& element, const std::string& label,
                                                           Dimension dimension, const LevelHeight* levels) {
  const toml::array* pair = element.as_array();
  if (pair == nullptr || pair->size() != 2) {
    report(position_of(element),
           pair == nullptr
               ? fmt::format("{} must be an [x, y] point, got {}", label, type_name(element))
               : fmt::format("{} must be an [x, y] point with 2 elements, got {}", label, pair->size()));
    return std::nullopt;
  }
  // [LEVEL, x]: a name (it starts with a letter; a quantity starts with a digit or sign)
  const toml::node& first = *pair->get(0);
  const std::optional<std::string_view> name = first.value<std::string_view>();
  if (name && !name->empty() && std::isalpha(static_cast<unsigned char>(name->front()))) {
    if (levels == nullptr) {
      report(position_of(first), fmt::format("{}[0] = \"{}\" names a vertebral level, but only geometry.type = "
                                             "\"back\" has vertebrae; allowed here: [x, y] lengths",
                                             label, *name));
      return std::nullopt;
    }
    const std::optional<double> y = (*levels)(*name);
    if (!y) {
      report(position_of(first), fmt::format("{}[0] = \"{}\" is not a vertebral level; allowed: C7, T1 to T12, "
                                             "L1 to L5 (e.g. [\"T10\", \"-4 cm\"]: 4 cm left of T10)",
                                             label, *name));
      return std::nullopt;
    }
    const std::optional<double> x = quantity_of(*pair->get(1), label + "[1]", dimension, Interval::any());
    if (!x) return std::nullopt;
    return std::array<double, 2>{*x, *y};
  }
  const std::optional<double> x = quantity_of(first, label + "[0]", dimension, Interval::any());
  const std::optional<double> y = quantity_of(*pair->get(1), label + "[1]", dimension, Interval::any());
  if (!x || !y) return std::nullopt;
  return std::array<double, 2>{*x, *y};
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return integer_of(*node, qualified(key), min, max);
}

std::optional<std::array<std::int64_t, 3>> TableReader::integer3(std::string_view key,
                                                                 std::int64_t min,
                                                                 std::int64_t max) {
  const toml::array* array = array_of(key, 3, "3 integers");
  if (array == nullptr) return std::nullopt;
  std::array<std::int64_t, 3> result{};
  bool all_valid = true;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::optional<std::int64_t> component =
        integer_of(*array->get(i), fmt::format("{}[{}]", qualified(key), i), min, max);
    all_valid = all_valid && component.has_value();
    if (component) result[i] = *component;
  }
  if (!all_valid) return std::nullopt;
  return result;
}

std::optional<std::string> TableReader::string(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* text = node->as_string();
  if (text == nullptr) {
    report(position_of(*node),
           fmt::format("{} must be a string, got {}", qualified(key), type_name(*node)));
    return std::nullopt;
  }
  return text->get();
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    report(position_of(*node), fmt::format("{} must be true or false, got {}", qualified(key), type_name(*node)));
    return std::nullopt;
  }
  return value->get();
}

std::optional<std::string> TableReader::choice_text(std::string_view key,
                                                    std::string_view allowed) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const auto* text = node->as_string();
  if (text == nullptr) {
    report(position_of(*node), fmt::format("{} must be a string, one of {}; got {}", qualified(key),
                                           allowed, type_name(*node)));
    return std::nullopt;
  }
  return text->get();
}

}  // namespace backsim
