#include "scenarios/units.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace backsim::units {
namespace {

using D = Dimension;

// The first unit of each dimension is its SI unit. Factors are ratios so that the
// common decimal prefixes divide by an exact power of ten (one correctly rounded step).
constexpr std::array kUnits{
    Unit{"m", D::length, 1.0, 1.0},
    Unit{"cm", D::length, 1.0, 1e2},
    Unit{"mm", D::length, 1.0, 1e3},
    Unit{"um", D::length, 1.0, 1e6},
    Unit{"s", D::time, 1.0, 1.0},
    Unit{"ms", D::time, 1.0, 1e3},
    Unit{"min", D::time, 60.0, 1.0},
    Unit{"Pa", D::pressure, 1.0, 1.0},
    Unit{"kPa", D::pressure, 1e3, 1.0},
    Unit{"MPa", D::pressure, 1e6, 1.0},
    // Conventional millimetre of mercury: 133.322387415 Pa exactly (by definition).
    Unit{"mmHg", D::pressure, 133.322387415, 1.0},
    Unit{"N", D::force, 1.0, 1.0},
    Unit{"mN", D::force, 1.0, 1e3},
    Unit{"kN", D::force, 1e3, 1.0},
    Unit{"m/s", D::velocity, 1.0, 1.0},
    Unit{"cm/s", D::velocity, 1.0, 1e2},
    Unit{"mm/s", D::velocity, 1.0, 1e3},
    Unit{"kg", D::mass, 1.0, 1.0},
    Unit{"g", D::mass, 1.0, 1e3},
    Unit{"kg/m^3", D::density, 1.0, 1.0},
    Unit{"g/cm^3", D::density, 1e3, 1.0},
    Unit{"m/s^2", D::acceleration, 1.0, 1.0},
    Unit{"cm/s^2", D::acceleration, 1.0, 1e2},
    Unit{"mm/s^2", D::acceleration, 1.0, 1e3},
    Unit{"N*s/m", D::damping, 1.0, 1.0},
    Unit{"Ns/m", D::damping, 1.0, 1.0},
    Unit{"kg/s", D::damping, 1.0, 1.0},
    Unit{"1/s", D::rate, 1.0, 1.0},
    Unit{"1/min", D::rate, 1.0, 60.0},
    Unit{"Hz", D::rate, 1.0, 1.0},
    Unit{"W/m^3", D::power_density, 1.0, 1.0},
    Unit{"kW/m^3", D::power_density, 1e3, 1.0},
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

QuantityResult failure(std::string error) { return QuantityResult{std::nullopt, std::move(error)}; }

std::string expected_form(Dimension dimension) {
  return fmt::format("expected a number followed by a {} unit ({}), e.g. \"2 {}\"",
                     dimension_name(dimension), allowed_units(dimension), si_unit(dimension));
}

}  // namespace

std::string_view dimension_name(Dimension dimension) {
  switch (dimension) {
    case D::dimensionless: return "dimensionless";
    case D::length: return "length";
    case D::time: return "time";
    case D::pressure: return "pressure";
    case D::force: return "force";
    case D::velocity: return "velocity";
    case D::mass: return "mass";
    case D::density: return "density";
    case D::acceleration: return "acceleration";
    case D::damping: return "damping";
    case D::rate: return "rate";
    case D::power_density: return "power density";
  }
  return "unknown dimension";
}

std::string_view si_unit(Dimension dimension) {
  if (dimension == D::dimensionless) return {};
  for (const Unit& unit : kUnits) {
    if (unit.dimension == dimension) return unit.symbol;  // the first one is SI
  }
  return {};
}

std::span<const Unit> all_units() { return kUnits; }

std::optional<Unit> find_unit(std::string_view symbol) {
  for (const Unit& unit : kUnits) {
    if (unit.symbol == symbol) return unit;
  }
  return std::nullopt;
}

std::string allowed_units(Dimension dimension) {
  std::string list;
  for (const Unit& unit : kUnits) {
    if (unit.dimension != dimension) continue;
    if (!list.empty()) list += ", ";
    list += unit.symbol;
  }
  return list.empty() ? std::string("none: a plain number") : list;
}

QuantityResult to_si(double number, const Unit& unit) {
  if (!std::isfinite(number)) {
    return failure("the number is not finite (inf and nan are not allowed)");
  }
  // Guard before multiplying: an overflow would be an inf (or a trap when the
  // floating-point exceptions are enabled, as in the tests).
  if (unit.numerator > 1.0 &&
      std::fabs(number) > std::numeric_limits<double>::max() / unit.numerator) {
    return failure(fmt::format("{} {} is too large to be represented in {}", number,
                               unit.symbol, si_unit(unit.dimension)));
  }
  return QuantityResult{number * unit.numerator / unit.denominator, {}};
}

QuantityResult parse_quantity(std::string_view text, Dimension expected) {
  if (expected == D::dimensionless) {
    return failure(fmt::format("\"{}\" is a string; this value has no unit, write a plain number",
                               text));
  }
  const std::string_view body = trim(text);
  std::string_view number_text = body;
  // std::from_chars does not accept a leading '+', TOML numbers and people do.
  // A second sign ("+-3") is malformed, so only strip '+' in front of a digit or '.'.
  if (number_text.size() > 1 && number_text[0] == '+' && number_text[1] != '-' &&
      number_text[1] != '+') {
    number_text.remove_prefix(1);
  }
  double number = 0.0;
  const auto [number_end, status] = std::from_chars(
      number_text.data(), number_text.data() + number_text.size(), number,
      std::chars_format::general);
  if (status == std::errc::invalid_argument) {
    return failure(fmt::format("\"{}\" does not start with a number; {}", text,
                               expected_form(expected)));
  }
  if (status == std::errc::result_out_of_range) {
    return failure(fmt::format("the number in \"{}\" is out of the range of a double", text));
  }
  if (!std::isfinite(number)) {
    return failure(fmt::format("\"{}\" is not finite (inf and nan are not allowed)", text));
  }
  const std::string_view rest = trim(std::string_view(
      number_end, static_cast<std::size_t>(number_text.data() + number_text.size() - number_end)));
  if (rest.empty()) {
    return failure(fmt::format("\"{}\" has no unit; {} (or a plain number in {})", text,
                               expected_form(expected), si_unit(expected)));
  }
  const std::size_t symbol_end = rest.find_first_of(" \t");
  const std::string_view symbol = rest.substr(0, symbol_end);
  if (symbol_end != std::string_view::npos) {
    return failure(fmt::format("unexpected \"{}\" after the unit in \"{}\"; {}",
                               trim(rest.substr(symbol_end)), text, expected_form(expected)));
  }
  const std::optional<Unit> unit = find_unit(symbol);
  if (!unit) {
    return failure(fmt::format("unknown unit \"{}\" in \"{}\"; allowed {} units: {}", symbol, text,
                               dimension_name(expected), allowed_units(expected)));
  }
  if (unit->dimension != expected) {
    return failure(fmt::format("\"{}\" is a {} unit but a {} is expected; allowed units: {}",
                               unit->symbol, dimension_name(unit->dimension),
                               dimension_name(expected), allowed_units(expected)));
  }
  return to_si(number, *unit);
}

}  // namespace backsim::units
