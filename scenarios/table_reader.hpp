// Reads the keys of one TOML table as checked, typed values in SI units.
//
// Every problem (wrong type, unknown unit, out of range, unknown key) is reported to
// the IssueLog at the position of the offending value and the read returns nullopt,
// so that the loader can carry on and report every problem in the file. A read also
// returns nullopt when the key is absent: the caller keeps the SimulationSpec default.
#pragma once

#include "engine/core/types.hpp"
#include "scenarios/issue_log.hpp"
#include "scenarios/schema_names.hpp"
#include "scenarios/units.hpp"

#include <toml++/toml.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backsim {

SourcePosition position_of(const toml::node& node);

// The allowed values of a number: an interval, each end optional, open or closed.
struct Interval {
  std::optional<double> lower;
  bool lower_open = false;  // true: value > lower; false: value >= lower
  std::optional<double> upper;
  bool upper_open = false;  // true: value < upper; false: value <= upper

  static Interval any() { return {}; }
  static Interval positive() { return {0.0, true, std::nullopt, false}; }
  static Interval non_negative() { return {0.0, false, std::nullopt, false}; }

  // The value must be finite (comparisons with NaN raise FE_INVALID).
  bool contains(double value) const;
  // "> 0 m", "0 <= value < 0.5", "any finite value".
  std::string describe(std::string_view unit) const;
};

class TableReader {
 public:
  // `table` is null when the table is absent or is not a table (`not_a_table`, already
  // reported): every key then reads as absent. `header` is where the table starts (for
  // a missing required key). Keys of the table that are not in `allowed_keys` are
  // reported here, naming the allowed ones.
  TableReader(const toml::table* table, std::string_view name, SourcePosition header,
              std::vector<std::string_view> allowed_keys, IssueLog& log,
              bool not_a_table = false);

  const std::string& name() const { return name_; }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // The value's position if the key is present, else the table header's.
  SourcePosition position(std::string_view key) const;
  // The position of element `index` of the array at `key` (for a problem found after
  // reading, e.g. a path point outside the block); position(key) if there is none.
  SourcePosition element_position(std::string_view key, std::size_t index) const;
  // "tool.radius"
  std::string qualified(std::string_view key) const;

  // Reports a missing required key at the table header; returns whether it is present.
  bool require(std::string_view key, std::string_view allowed_values);

  // A number (integer or float) in SI units or a string with a unit of `dimension`.
  std::optional<double> quantity(std::string_view key, units::Dimension dimension,
                                 const Interval& allowed);
  // An array of exactly 3 such quantities, each in `allowed`.
  std::optional<Vec3> quantity3(std::string_view key, units::Dimension dimension,
                                const Interval& allowed);
  // An array of at least one [x, y] pair of quantities.
  std::optional<std::vector<std::array<double, 2>>> quantity_pairs(std::string_view key,
                                                                   units::Dimension dimension);
  // The height y of a named vertebral level, or nullopt for a name that is not one.
  using LevelHeight = std::function<std::optional<double>(std::string_view)>;
  // Points on the skin: [x, y] lengths, or [LEVEL, x] with a vertebral level's name
  // ("T10") for y and the lateral offset x (patient's left negative). `levels` is
  // null where the tissue has no vertebrae (a block): a level is then an error.
  std::optional<std::vector<std::array<double, 2>>> surface_points(std::string_view key, const LevelHeight* levels);
  // One such point (not an array of them).
  std::optional<std::array<double, 2>> surface_point(std::string_view key, const LevelHeight* levels);
  // A TOML integer (a float is rejected even when it is whole) in [min, max].
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  // An array of exactly 3 integers, each in [min, max].
  std::optional<std::array<std::int64_t, 3>> integer3(std::string_view key, std::int64_t min,
                                                      std::int64_t max);
  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);

  // A string that must be one of the names in `choices`.
  template <class Enum, std::size_t N>
  std::optional<Enum> choice(std::string_view key,
                             const std::array<scenario_schema::NamedValue<Enum>, N>& choices) {
    const std::string allowed = scenario_schema::quoted_names(choices);
    const std::optional<std::string> text = choice_text(key, allowed);
    if (!text) return std::nullopt;
    const std::optional<Enum> value = scenario_schema::value_of(choices, *text);
    if (!value) {
      report(position(key), qualified(key) + " = \"" + *text + "\" is not allowed; allowed: " +
                                allowed);
    }
    return value;
  }

  void report(SourcePosition where, std::string message) { log_.report(where, std::move(message)); }
  // The raw value at `key` (null when absent), for a nested inline table.
  const toml::node* node(std::string_view key) const { return find(key); }

 private:
  const toml::node* find(std::string_view key) const;
  // The string at `key`; a value of another type is reported with the allowed names.
  std::optional<std::string> choice_text(std::string_view key, std::string_view allowed);
  std::optional<double> quantity_of(const toml::node& node, const std::string& label,
                                    units::Dimension dimension, const Interval& allowed);
  std::optional<std::array<double, 2>> point_of(const toml::node& element, const std::string& label,
                                                units::Dimension dimension, const LevelHeight* levels);
  std::optional<std::int64_t> integer_of(const toml::node& node, const std::string& label,
                                         std::int64_t min, std::int64_t max);
  // The array at `key` when it has `size` elements (any size if size is 0).
  const toml::array* array_of(std::string_view key, std::size_t size, std::string_view what);

  const toml::table* table_;
  std::string name_;
  SourcePosition header_;
  std::vector<std::string_view> allowed_keys_;
  IssueLog& log_;
  bool not_a_table_;  // its keys cannot be read; the type error is reported once, elsewhere
};

}  // namespace backsim
