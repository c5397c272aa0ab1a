// Physical units of scenario values: a value is either a plain SI number or a string
// with an explicit unit ("20 kPa", "3cm", "10 cm/s").
//
// Each scenario key has a Dimension; a unit of another dimension is rejected with the
// list of units that would have been accepted. Conversion to SI is exact where the
// factor allows it: the factor is a ratio numerator/denominator so that "3 cm" becomes
// 3/100, the double nearest to 0.03, rather than 3 * 0.01 (two roundings).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace backsim::units {

enum class Dimension {
  dimensionless,
  length,
  time,
  pressure,
  force,
  velocity,
  mass,
  density,
  acceleration,
  damping,  // viscous damping coefficient, force per velocity
  rate,           // per unit time (1/s)
  power_density,  // power per volume (W/m^3)
};

// "length", "pressure", ... for messages.
std::string_view dimension_name(Dimension dimension);
// The SI unit of a dimension ("m", "Pa", ...); empty for dimensionless.
std::string_view si_unit(Dimension dimension);

struct Unit {
  std::string_view symbol;
  Dimension dimension;
  double numerator;    // SI value = number * numerator / denominator
  double denominator;
};

// Every unit that is understood, in the order they are listed in messages.
std::span<const Unit> all_units();
// The unit with exactly this symbol (case-sensitive: "mm" is not "Mm"), if any.
std::optional<Unit> find_unit(std::string_view symbol);
// "m, cm, mm, um" — the symbols accepted for a dimension, for messages.
std::string allowed_units(Dimension dimension);

// The outcome of reading a quantity: the SI value, or why the text was rejected
// (the reason names what is allowed).
struct QuantityResult {
  std::optional<double> si_value;
  std::string error;  // set when si_value is empty
};

// Converts a number given in `unit` to SI. Fails only when the result would not be a
// finite double (the check happens before multiplying so that no overflow is raised).
QuantityResult to_si(double number, const Unit& unit);

// Parses "<number> <unit>" (the space is optional; nothing may follow the unit) and
// converts it to SI. The number must be finite and the unit of the expected dimension.
// For a dimensionless quantity no unit is accepted: such values are plain numbers.
QuantityResult parse_quantity(std::string_view text, Dimension expected);

}  // namespace backsim::units
