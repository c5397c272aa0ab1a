#include "cli/compare/svg_chart.hpp"

#include "engine/io/xdmf_items.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim::cli {

namespace {
constexpr int kWidth = 640, kHeight = 320;
constexpr int kLeft = 95, kRight = 20, kTop = 36, kBottom = 70;  // room for tick labels such as -1.98e+04
constexpr const char* kBarColour = "#3b75af";  // one colour: the bars differ by label, not by hue
constexpr const char* kInk = "#222";

struct Range {
  double low, high;
  double y(double v) const {  // value -> pixel row
    return kTop + (kHeight - kTop - kBottom) * (high - v) / (high - low);
  }
};

// The value axis spans every mean and whisker, and 0 for bars (a bar starts at 0).
Range value_range(const std::vector<MeanInterval>& values, bool include_zero) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  double low = include_zero ? 0.0 : kInfinity, high = include_zero ? 0.0 : -kInfinity;
  for (const MeanInterval& m : values)
    for (const double v : {m.mean, m.low, m.high})
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
  if (!std::isfinite(low)) low = 0, high = 1;
  if (high - low < 1e-12 * std::max(1.0, std::abs(high))) high = low + 1;  // a flat axis still needs a height
  const double pad = 0.08 * (high - low);
  return {low < 0 || !include_zero ? low - pad : 0.0, high + pad};
}

std::string axes(std::string_view title, std::string_view unit, const Range& range) {
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"{}\">{}</text>\n",
      kWidth, kHeight, kWidth, kHeight, kLeft, kInk, xml_escape(title));
  // five ticks on the value axis
  for (int i = 0; i <= 4; ++i) {
    const double v = range.low + (range.high - range.low) * i / 4.0;
    const double y = range.y(v);
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", kLeft,
                     kWidth - kRight, y, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"{}\">{:.3g}</text>\n", kLeft - 6, y + 4,
                     kInk, v);
  }
  s += fmt::format("<text transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                   (kTop + kHeight - kBottom) / 2, kInk, xml_escape(unit));
  return s;
}

std::string whisker(double x, double low, double high, const Range& range) {
  if (!std::isfinite(low) || !std::isfinite(high)) return {};
  const double y0 = range.y(low), y1 = range.y(high);
  return fmt::format(
      "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" stroke-width=\"1.5\"/>\n"
      "<line x1=\"{4:.1f}\" x2=\"{5:.1f}\" y1=\"{1:.1f}\" y2=\"{1:.1f}\" stroke=\"{3}\" stroke-width=\"1.5\"/>\n"
      "<line x1=\"{4:.1f}\" x2=\"{5:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" stroke-width=\"1.5\"/>\n",
      x, y0, y1, kInk, x - 5, x + 5);
}
}  // namespace

std::string xml_escape(std::string_view text) { return xdmf::xml_escaped(std::string(text)); }

std::string bar_chart_svg(std::string_view title, std::string_view unit, const std::vector<std::string>& labels,
                          const std::vector<MeanInterval>& values) {
  const Range range = value_range(values, true);
  std::string s = axes(title, unit, range);
  const double slot = static_cast<double>(kWidth - kLeft - kRight) / static_cast<double>(std::max<std::size_t>(1, labels.size()));
  const double zero = range.y(0.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double centre = kLeft + slot * (static_cast<double>(i) + 0.5);
    const MeanInterval& m = values[i];
    if (std::isfinite(m.mean)) {
      const double y = range.y(m.mean);
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: {:.4g} "
                       "(95% CI {:.4g} to {:.4g}, n = {})</title></rect>\n",
                       centre - 0.3 * slot, std::min(y, zero), 0.6 * slot, std::abs(zero - y), kBarColour,
                       xml_escape(labels[i]), m.mean, m.low, m.high, m.n);
    }
    s += whisker(centre, m.low, m.high, range);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", centre,
                     kHeight - kBottom + 18, kInk, xml_escape(labels[i]));
  }
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n", kLeft, kWidth - kRight,
                   zero, zero, kInk);
  s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#666\" font-size=\"11\">bars: mean; whiskers: 95% confidence "
                   "interval (Student t)</text>\n</svg>\n",
                   kLeft, kHeight - 12);
  return s;
}

std::string dose_response_svg(std::string_view title, std::string_view x_label, std::string_view unit,
                              const std::vector<double>& x, const std::vector<MeanInterval>& values) {
  const Range range = value_range(values, false);
  std::string s = axes(title, unit, range);
  double x0 = x.empty() ? 0 : *std::min_element(x.begin(), x.end());
  double x1 = x.empty() ? 1 : *std::max_element(x.begin(), x.end());
  if (x1 <= x0) x1 = x0 + 1;
  const auto px = [&](double v) { return kLeft + 20 + (kWidth - kLeft - kRight - 40) * (v - x0) / (x1 - x0); };
  std::string points;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(values[i].mean)) continue;
    points += fmt::format("{:.1f},{:.1f} ", px(x[i]), range.y(values[i].mean));
  }
  s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", points, kBarColour);
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += whisker(px(x[i]), values[i].low, values[i].high, range);
    if (std::isfinite(values[i].mean))
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>{:.4g}: {:.4g} (95% CI {:.4g} to "
                       "{:.4g}, n = {})</title></circle>\n",
                       px(x[i]), range.y(values[i].mean), kBarColour, x[i], values[i].mean, values[i].low,
                       values[i].high, values[i].n);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{:.4g}</text>\n", px(x[i]),
                     kHeight - kBottom + 18, kInk, x[i]);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                   (kLeft + kWidth - kRight) / 2, kHeight - kBottom + 40, kInk, xml_escape(x_label));
  s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#666\" font-size=\"11\">points: mean; whiskers: 95% confidence "
                   "interval (Student t)</text>\n</svg>\n",
                   kLeft, kHeight - 12);
  return s;
}

}  // namespace backsim::cli
