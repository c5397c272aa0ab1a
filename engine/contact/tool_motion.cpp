#include "engine/contact/tool_motion.hpp"

#include "engine/core/error.hpp"

#include <algorithm>

namespace backsim {

ToolMotion::ToolMotion(const MotionSpec& spec) : spec_(spec) {
  BACKSIM_ASSERT(!spec_.path.empty(), "a motion needs at least one path point");
  cumulative_length_.assign(spec_.path.size(), 0.0);
  for (std::size_t i = 1; i < spec_.path.size(); ++i) {
    const Eigen::Vector2d a(spec_.path[i - 1][0], spec_.path[i - 1][1]);
    const Eigen::Vector2d b(spec_.path[i][0], spec_.path[i][1]);
    cumulative_length_[i] = cumulative_length_[i - 1] + (b - a).norm();
  }
  path_length_ = cumulative_length_.back();
  glide_start_ = spec_.press_time + spec_.hold_time;
}

Eigen::Vector2d ToolMotion::surface_point(double t) const {
  const auto point = [this](std::size_t i) { return Eigen::Vector2d(spec_.path[i][0], spec_.path[i][1]); };
  if (t <= glide_start_ || path_length_ == 0.0) return point(0);
  const double s = std::min((t - glide_start_) * spec_.speed, path_length_);
  // The segment holding arc length s (the last point's length is the total).
  const auto it = std::upper_bound(cumulative_length_.begin(), cumulative_length_.end(), s);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_length_.begin()),
                                              spec_.path.size() - 1);
  const double seg = cumulative_length_[i] - cumulative_length_[i - 1];
  const double u = seg > 0 ? (s - cumulative_length_[i - 1]) / seg : 1.0;
  return (1.0 - u) * point(i - 1) + u * point(i);
}

double ToolMotion::press_fraction(double t) const {
  const double u = std::clamp(t / spec_.press_time, 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);  // smoothstep: zero velocity at both ends
}

double ToolMotion::depth(double t) const { return spec_.press_depth * press_fraction(t); }

double ToolMotion::normal_force(double t) const { return spec_.normal_force * press_fraction(t); }

}  // namespace backsim
