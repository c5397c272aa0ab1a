#include "engine/contact/tool_motion.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

double smoothstep(double u) {
  u = std::clamp(u, 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);  // zero velocity at both ends
}

constexpr double kTwoPi = 6.283185307179586;

// Fraction of its force at which a released force-controlled stroke takes over from
// and gives back to the held depth (normal_force).
constexpr double kHandoverForce = 0.1;

}  // namespace

StrokeMotion::StrokeMotion(const MotionSpec& spec) : spec_(spec) {
  BACKSIM_ASSERT(!spec_.path.empty(), "a motion needs at least one path point");
  BACKSIM_ASSERT(spec_.repetitions >= 1, "a motion is made at least once");
  BACKSIM_ASSERT(spec_.repetitions == 1 || released(), "repeated strokes need a release");
  BACKSIM_ASSERT(spec_.press_time > 0 && spec_.speed > 0, "press time and speed are positive");
  cumulative_length_.assign(spec_.path.size(), 0.0);
  for (std::size_t i = 1; i < spec_.path.size(); ++i) {
    const Eigen::Vector2d a(spec_.path[i - 1][0], spec_.path[i - 1][1]);
    const Eigen::Vector2d b(spec_.path[i][0], spec_.path[i][1]);
    cumulative_length_[i] = cumulative_length_[i - 1] + (b - a).norm();
  }
  path_length_ = cumulative_length_.back();
  glide_start_ = spec_.press_time + spec_.hold_time;
  glide_end_ = glide_start_ + path_length_ / spec_.speed;
  period_ = glide_end_ + spec_.release_time + path_length_ / spec_.speed;
}

double StrokeMotion::end_time() const {
  return spec_.start_time + (released() ? spec_.repetitions * period_ : glide_end_);
}

double StrokeMotion::phase(double t) const {
  t -= spec_.start_time;
  if (!released()) return t;
  const double cycle = std::clamp(std::floor(t / period_), 0.0, static_cast<double>(spec_.repetitions - 1));
  return t - cycle * period_;
}

Eigen::Vector2d StrokeMotion::point_at_length(double s) const {
  const auto point = [this](std::size_t i) { return Eigen::Vector2d(spec_.path[i][0], spec_.path[i][1]); };
  if (path_length_ == 0.0) return point(0);
  s = std::clamp(s, 0.0, path_length_);
  // The segment holding arc length s (the last point's length is the total).
  const auto it = std::upper_bound(cumulative_length_.begin(), cumulative_length_.end(), s);
  const std::size_t i = std::clamp<std::size_t>(static_cast<std::size_t>(it - cumulative_length_.begin()), 1,
                                                spec_.path.size() - 1);
  const double seg = cumulative_length_[i] - cumulative_length_[i - 1];
  const double u = seg > 0 ? (s - cumulative_length_[i - 1]) / seg : 1.0;
  return (1.0 - u) * point(i - 1) + u * point(i);
}

Eigen::Vector2d StrokeMotion::oscillation_offset(double ph) const {
  if (spec_.oscillation == PathOscillation::none || ph <= spec_.press_time) return {0.0, 0.0};
  const double tau = std::min(ph, glide_end_) - spec_.press_time;
  const double angle = kTwoPi * spec_.oscillation_frequency * tau;
  const Eigen::Vector2d a(spec_.oscillation_axis[0], spec_.oscillation_axis[1]);
  const Eigen::Vector2d b(-a.y(), a.x());
  // a circle through the path point (no jump when it starts), or a line centred on it
  Eigen::Vector2d offset = spec_.oscillation == PathOscillation::circle
                               ? Eigen::Vector2d(spec_.oscillation_amplitude * ((std::cos(angle) - 1.0) * a +
                                                                               std::sin(angle) * b))
                               : Eigen::Vector2d(spec_.oscillation_amplitude * std::sin(angle) * a);
  // off the skin on the way back, the offset fades so that the next cycle starts on the path
  const double return_start = glide_end_ + spec_.release_time;
  const double return_time = period_ - return_start;
  if (released() && ph > return_start && return_time > 0) offset *= std::max(0.0, 1.0 - (ph - return_start) / return_time);
  return offset;
}

double StrokeMotion::percussion_rise(double ph) const {
  if (spec_.percussion_amplitude == 0.0 || ph <= spec_.press_time) return 0.0;
  const double tau = std::min(ph, glide_end_) - spec_.press_time;
  return 0.5 * spec_.percussion_amplitude * (1.0 - std::cos(kTwoPi * spec_.percussion_frequency * tau));
}

Eigen::Vector2d StrokeMotion::surface_point(double t) const {
  const double ph = phase(t);
  const Eigen::Vector2d offset = oscillation_offset(ph);
  if (ph <= glide_start_) return point_at_length(0.0) + offset;
  if (ph <= glide_end_ || !released()) return point_at_length((ph - glide_start_) * spec_.speed) + offset;
  const double return_start = glide_end_ + spec_.release_time;
  if (ph <= return_start) return point_at_length(path_length_) + offset;
  // carried back along the path, off the skin
  return point_at_length(path_length_ - (ph - return_start) * spec_.speed) + offset;
}

// A released force-controlled stroke ramps its force over the second half of
// press_time (the first lowers the tool) and the first half of release_time.
double StrokeMotion::press_fraction(double ph) const {
  if (force_released()) return smoothstep((ph - 0.5 * spec_.press_time) / (0.5 * spec_.press_time));
  return smoothstep(ph / spec_.press_time);
}

double StrokeMotion::release_fraction(double ph) const {
  if (!released()) return 0.0;
  const double ramp = force_released() ? 0.5 * spec_.release_time : spec_.release_time;
  return smoothstep((ph - glide_end_) / ramp);
}

double StrokeMotion::depth(double t) const {
  const double ph = phase(t);
  if (!released()) return spec_.press_depth * press_fraction(ph) - percussion_rise(ph);
  // lifted -> pressed -> lifted: the cycle starts and ends at the same height
  const double lifted = -spec_.lift_height;
  const double pressed = lifted + (spec_.press_depth - lifted) * press_fraction(ph) - percussion_rise(ph);
  return pressed + (lifted - spec_.press_depth) * release_fraction(ph);
}

double StrokeMotion::normal_force(double t) const {
  const double ph = phase(t);
  if (!force_released()) return spec_.normal_force * press_fraction(ph) * (1.0 - release_fraction(ph));
  // A released force stroke is handed between held and solved depth at
  // kHandoverForce of its force, not at zero: with no force the tool's depth has no
  // equilibrium to converge to (any height off the skin is one).
  if (!depth_plan(t).free) return 0.0;
  const double lo = kHandoverForce;
  if (ph <= glide_end_) return spec_.normal_force * (lo + (1.0 - lo) * press_fraction(ph));
  return spec_.normal_force * (1.0 - (1.0 - lo) * release_fraction(ph));
}

DepthPlan StrokeMotion::depth_plan(double t) const {
  if (spec_.control == ToolControl::kinematic) return {false, depth(t), 0.0};
  if (!released()) return {true, 0.0, 0.0};
  const double ph = phase(t);
  const double lifted = -spec_.lift_height;
  const double half_press = 0.5 * spec_.press_time;
  const double half_release = 0.5 * spec_.release_time;
  if (ph < 0.0) return {false, lifted, 0.0};  // waiting, lifted
  if (ph < half_press) return {false, lifted * (1.0 - smoothstep(ph / half_press)), 0.0};  // lowered to the skin
  const double let_go = glide_end_ + half_release;
  if (ph <= let_go) return {true, 0.0, 0.0};
  const double u = smoothstep((ph - let_go) / half_release);  // lifted from where it let go
  return {false, lifted * u, 1.0 - u};
}

ToolMotion::ToolMotion(const MotionSpec& first, const std::vector<MotionSpec>& following) {
  strokes_.emplace_back(first);
  for (const MotionSpec& m : following) strokes_.emplace_back(m);
  double start = 0;
  for (std::size_t k = 0; k < strokes_.size(); ++k) {
    BACKSIM_ASSERT(k + 1 == strokes_.size() || strokes_[k].cycle_period() > 0,
                   "a stroke followed by another is released");
    stroke_start_.push_back(start);
    start += strokes_[k].end_time();
  }
}

std::pair<const StrokeMotion*, double> ToolMotion::at(double t) const {
  std::size_t k = 0;
  while (k + 1 < strokes_.size() && t >= stroke_start_[k + 1]) ++k;
  return {&strokes_[k], t - stroke_start_[k]};
}

Eigen::Vector2d ToolMotion::surface_point(double t) const {
  const auto [stroke, local] = at(t);
  return stroke->surface_point(local);
}

double ToolMotion::depth(double t) const {
  const auto [stroke, local] = at(t);
  return stroke->depth(local);
}

double ToolMotion::normal_force(double t) const {
  const auto [stroke, local] = at(t);
  return stroke->normal_force(local);
}


DepthPlan ToolMotion::depth_plan(double t) const {
  const auto [stroke, local] = at(t);
  return stroke->depth_plan(local);
}

bool ToolMotion::has_cycles() const {
  for (const StrokeMotion& s : strokes_)
    if (s.cycle_period() > 0) return true;
  return false;
}

InnerCycles StrokeMotion::inner_cycles() const {
  const bool oscillates = spec_.oscillation != PathOscillation::none && spec_.oscillation_frequency > 0;
  const bool strikes = spec_.percussion_amplitude != 0.0 && spec_.percussion_frequency > 0;
  if (!released() || oscillates == strikes || spec_.hold_time <= 0) return {};
  const double frequency = oscillates ? spec_.oscillation_frequency : spec_.percussion_frequency;
  // 1e-9: a hold of exactly n periods (4 s at 1.5 Hz) is n periods despite round-off
  const int count = static_cast<int>(std::floor(spec_.hold_time * frequency + 1e-9));
  return {spec_.press_time, 1.0 / frequency, count};
}

InnerCycles ToolMotion::inner_cycles(const MotionWindow& window) const {
  if (window.stroke < 0 || static_cast<std::size_t>(window.stroke) >= strokes_.size()) return {};
  return strokes_[static_cast<std::size_t>(window.stroke)].inner_cycles();
}

double ToolMotion::last_cycle_period() const { return strokes_.back().cycle_period(); }

std::vector<MotionWindow> ToolMotion::windows() const {
  std::vector<MotionWindow> out;
  for (std::size_t k = 0; k < strokes_.size(); ++k) {
    const StrokeMotion& s = strokes_[k];
    const double begin = stroke_start_[k] + s.spec().start_time;
    if (s.spec().start_time > 0) out.push_back({stroke_start_[k], s.spec().start_time, MotionWindow::kWait});
    const double period = s.cycle_period();
    if (period == 0) {
      out.push_back({begin, s.end_time() - s.spec().start_time, MotionWindow::kWait});
      continue;
    }
    for (int i = 0; i < s.spec().repetitions; ++i)
      out.push_back({begin + i * period, period, static_cast<int>(k)});
  }
  return out;
}

}  // namespace backsim
