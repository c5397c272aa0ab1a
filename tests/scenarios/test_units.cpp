// Units of scenario values: conversion to SI, wrong dimensions, malformed strings.
#include "scenarios/units.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using backsim::units::Dimension;
using backsim::units::parse_quantity;

namespace {

double si(std::string_view text, Dimension dimension) {
  const auto result = parse_quantity(text, dimension);
  INFO(text << ": " << result.error);
  REQUIRE(result.si_value.has_value());
  return *result.si_value;
}

std::string error_of(std::string_view text, Dimension dimension) {
  const auto result = parse_quantity(text, dimension);
  INFO(text);
  REQUIRE_FALSE(result.si_value.has_value());
  REQUIRE_FALSE(result.error.empty());
  return result.error;
}

}  // namespace

TEST_CASE("decimal prefixes convert to the double nearest the SI value", "[units]") {
  // Exact comparisons: the factors divide by an exact power of ten, which rounds once,
  // so "3 cm" must be the very double 0.03, not 3 * 0.01.
  CHECK(si("3 cm", Dimension::length) == 0.03);
  CHECK(si("3cm", Dimension::length) == 0.03);
  CHECK(si("8 mm", Dimension::length) == 0.008);
  CHECK(si("50 um", Dimension::length) == 50e-6);
  CHECK(si("0.2 m", Dimension::length) == 0.2);
  CHECK(si("  4 cm  ", Dimension::length) == 0.04);
  CHECK(si("-4 cm", Dimension::length) == -0.04);
  CHECK(si("+2 m", Dimension::length) == 2.0);
  CHECK(si("1e3 mm", Dimension::length) == 1.0);
  CHECK(si("0.5 s", Dimension::time) == 0.5);
  CHECK(si("20 ms", Dimension::time) == 0.02);
  CHECK(si("1.5 min", Dimension::time) == 90.0);
  CHECK(si("20 kPa", Dimension::pressure) == 20e3);
  CHECK(si("1 MPa", Dimension::pressure) == 1e6);
  CHECK(si("350 Pa", Dimension::pressure) == 350.0);
  CHECK(si("5 N", Dimension::force) == 5.0);
  CHECK(si("5 mN", Dimension::force) == 0.005);
  CHECK(si("2 kN", Dimension::force) == 2000.0);
  CHECK(si("10 cm/s", Dimension::velocity) == 0.1);
  CHECK(si("3 mm/s", Dimension::velocity) == 0.003);
  CHECK(si("1 m/s", Dimension::velocity) == 1.0);
  CHECK(si("500 g", Dimension::mass) == 0.5);
  CHECK(si("2 kg", Dimension::mass) == 2.0);
  CHECK(si("1050 kg/m^3", Dimension::density) == 1050.0);
  CHECK(si("1 g/cm^3", Dimension::density) == 1000.0);
  CHECK(si("-9.81 m/s^2", Dimension::acceleration) == -9.81);
  CHECK(si("981 cm/s^2", Dimension::acceleration) == 9.81);
}

TEST_CASE("non-decimal factors convert within one rounding", "[units]") {
  // 1.05 and 133.322387415 are not exact in binary: the product rounds once more.
  CHECK(si("1.05 g/cm^3", Dimension::density) == Approx(1050.0).epsilon(1e-15));
  CHECK(si("120 mmHg", Dimension::pressure) == Approx(120.0 * 133.322387415).epsilon(1e-15));
  CHECK(si("120 mmHg", Dimension::pressure) == Approx(15998.6864898).epsilon(1e-11));
}

TEST_CASE("a unit of the wrong dimension names the units that are allowed", "[units]") {
  const std::string error = error_of("3 kPa", Dimension::length);
  CHECK_THAT(error, Catch::Contains("\"kPa\" is a pressure unit but a length is expected"));
  CHECK_THAT(error, Catch::Contains("m, cm, mm, um"));
  CHECK_THAT(error_of("10 cm", Dimension::velocity), Catch::Contains("m/s, cm/s, mm/s"));
  CHECK_THAT(error_of("1 s", Dimension::pressure), Catch::Contains("Pa, kPa, MPa, mmHg"));
  CHECK_THAT(error_of("1 g", Dimension::force), Catch::Contains("N, mN, kN"));
}

TEST_CASE("malformed quantity strings are rejected with the reason", "[units]") {
  CHECK_THAT(error_of("10 parsecs", Dimension::length),
             Catch::Contains("unknown unit \"parsecs\"") && Catch::Contains("m, cm, mm, um"));
  CHECK_THAT(error_of("abc", Dimension::length), Catch::Contains("does not start with a number"));
  CHECK_THAT(error_of("", Dimension::length), Catch::Contains("does not start with a number"));
  CHECK_THAT(error_of("10 kPa extra", Dimension::pressure),
             Catch::Contains("unexpected \"extra\" after the unit"));
  CHECK_THAT(error_of("10", Dimension::length), Catch::Contains("has no unit"));
  CHECK_THAT(error_of("+-3 m", Dimension::length), Catch::Contains("does not start with a number"));
  CHECK_THAT(error_of("inf m", Dimension::length), Catch::Contains("not finite"));
  CHECK_THAT(error_of("nan m", Dimension::length), Catch::Contains("not finite"));
  // Symbols are case-sensitive: "Mm" would be megametres, not millimetres.
  CHECK_THAT(error_of("3 MM", Dimension::length), Catch::Contains("unknown unit \"MM\""));
  CHECK_THAT(error_of("0.3", Dimension::dimensionless), Catch::Contains("plain number"));
}

TEST_CASE("conversion refuses results that would overflow", "[units]") {
  // The guard runs before the multiplication, so no overflow trap fires here.
  const auto mpa = backsim::units::find_unit("MPa");
  REQUIRE(mpa.has_value());
  const auto result = backsim::units::to_si(1e308, *mpa);
  CHECK_FALSE(result.si_value.has_value());
  CHECK_THAT(result.error, Catch::Contains("too large"));
  CHECK(backsim::units::to_si(2.5, *mpa).si_value == 2.5e6);
}

TEST_CASE("every dimension lists its SI unit first", "[units]") {
  CHECK(backsim::units::si_unit(Dimension::length) == "m");
  CHECK(backsim::units::si_unit(Dimension::pressure) == "Pa");
  CHECK(backsim::units::si_unit(Dimension::density) == "kg/m^3");
  CHECK(backsim::units::si_unit(Dimension::acceleration) == "m/s^2");
  CHECK(backsim::units::si_unit(Dimension::dimensionless).empty());
  for (const auto& unit : backsim::units::all_units()) {
    INFO(unit.symbol);
    CHECK(unit.numerator > 0.0);
    CHECK(unit.denominator >= 1.0);
    // Each symbol is found as itself (no two units share a symbol).
    CHECK(backsim::units::find_unit(unit.symbol)->dimension == unit.dimension);
  }
}
