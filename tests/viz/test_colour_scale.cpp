// The colour bar's range and ticks, and the colour maps' ends.
#include "render/colour_map.hpp"
#include "render/colour_scale.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace backsim::render;

TEST_CASE("an automatic colour scale holds the values between round ticks", "[viz][colour]") {
  const std::vector<double> tone = {3.1, 4.7, 6.2, 8.9, 10.2};  // % activation
  const ColourScale s = automatic_scale(tone, std::nullopt);
  CHECK(s.low <= 3.1);
  CHECK(s.high >= 10.2);
  CHECK_FALSE(s.beyond_low);
  CHECK_FALSE(s.beyond_high);
  REQUIRE(s.ticks.size() >= 3);
  CHECK(s.ticks.front() == Approx(s.low));
  CHECK(s.ticks.back() == Approx(s.high));
  const double step = s.ticks[1] - s.ticks[0];
  // a round step: 1, 2 or 5 times a power of ten (to the rounding of the sums)
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
  CHECK((mantissa == Approx(1.0) || mantissa == Approx(2.0) || mantissa == Approx(5.0)));
  CHECK(s.label(s.ticks[1]).find('.') == std::string::npos);  // whole-number ticks need no decimals
}

TEST_CASE("a diverging scale is symmetric about its centre", "[viz][colour]") {
  const std::vector<double> pressure = {-3.2, -0.5, 0.4, 1.1};  // kPa
  const ColourScale s = automatic_scale(pressure, 0.0);
  CHECK(s.low == Approx(-s.high));
  CHECK(s.high >= 3.2);
  CHECK(s.fraction(0.0) == Approx(0.5));
  const ColourScale inflow = automatic_scale(std::vector<double>{0.6, 1.0, 1.3}, 1.0);
  CHECK(inflow.fraction(1.0) == Approx(0.5));
}

TEST_CASE("a few outlying values do not stretch the scale, and the bar marks them", "[viz][colour]") {
  std::vector<double> values;
  for (int i = 0; i <= 1000; ++i) values.push_back(i / 1000.0);
  values.push_back(50.0);  // a sliver of pinched skin
  const ColourScale s = automatic_scale(values, std::nullopt);
  CHECK(s.high <= 1.0);
  CHECK(s.beyond_high);
  CHECK_FALSE(s.beyond_low);
  const ColourScale fixed = fixed_scale(0.0, 2.0, values);
  CHECK(fixed.high == 2.0);
  CHECK(fixed.beyond_high);
}

TEST_CASE("the colour maps end on their published colours", "[viz][colour]") {
  // matplotlib's viridis and coolwarm ends, 8-bit
  const auto is = [](const Rgb& c, int r, int g, int b) {
    return std::lround(255 * c.r) == r && std::lround(255 * c.g) == g && std::lround(255 * c.b) == b;
  };
  CHECK(is(map_colour(ColourMap::viridis, 0.0), 68, 1, 84));
  CHECK(is(map_colour(ColourMap::viridis, 1.0), 253, 231, 37));
  CHECK(is(map_colour(ColourMap::cool_warm, 0.0), 59, 76, 192));
  CHECK(is(map_colour(ColourMap::cool_warm, 1.0), 180, 4, 38));
  // clamped outside [0, 1]
  CHECK(is(map_colour(ColourMap::viridis, 7.0), 253, 231, 37));
}
