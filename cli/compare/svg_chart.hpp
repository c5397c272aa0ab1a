// Plots of backsim compare as inline SVG text (no library, no fonts to embed: the
// browser draws the text): bar charts of means with confidence-interval whiskers, and
// dose-response curves of a swept number.
#pragma once

#include "cli/compare/statistics.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace backsim::cli {

// One bar per label: the mean, a whisker from low to high (none where NaN).
std::string bar_chart_svg(std::string_view title, std::string_view unit, const std::vector<std::string>& labels,
                          const std::vector<MeanInterval>& values);
// Means joined by a line over x (sorted by the caller), with whiskers.
std::string dose_response_svg(std::string_view title, std::string_view x_label, std::string_view unit,
                              const std::vector<double>& x, const std::vector<MeanInterval>& values);
// Text safe inside XML and HTML.
std::string xml_escape(std::string_view text);

}  // namespace backsim::cli
