#include "models/back/fan_muscle.hpp"

#include "engine/core/error.hpp"

#include <cmath>

namespace backsim::models {
namespace {

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

// Samples of s scanned for a sign change before bisection: the fibres of a fan do not
// cross inside the muscle, so the side of p changes once; 64 samples resolve fans
// whose knots are at least 1/64 apart.
constexpr int kScanSamples = 64;
constexpr int kBisections = 40;

}  // namespace

FanMuscle::FanMuscle(std::vector<FanKnot> knots) : knots_(std::move(knots)) {
  BACKSIM_ASSERT(knots_.size() >= 2 && knots_.front().s == 0.0 && knots_.back().s == 1.0,
                 "a fan muscle needs knots from s = 0 to s = 1");
}

Vec2 FanMuscle::origin(double s) const {
  for (std::size_t i = 1; i < knots_.size(); ++i)
    if (s <= knots_[i].s) {
      const double f = (s - knots_[i - 1].s) / (knots_[i].s - knots_[i - 1].s);
      return knots_[i - 1].origin + f * (knots_[i].origin - knots_[i - 1].origin);
    }
  return knots_.back().origin;
}

Vec2 FanMuscle::insertion(double s) const {
  for (std::size_t i = 1; i < knots_.size(); ++i)
    if (s <= knots_[i].s) {
      const double f = (s - knots_[i - 1].s) / (knots_[i].s - knots_[i - 1].s);
      return knots_[i - 1].insertion + f * (knots_[i].insertion - knots_[i - 1].insertion);
    }
  return knots_.back().insertion;
}

std::optional<FanHit> FanMuscle::locate(const Vec2& p) const {
  // side(s) > 0 when p is to the left of the fibre s (seen from origin to insertion).
  // The fibres do not cross inside the muscle, but their extensions beyond the
  // insertion may pass p too (a fan converging on a point): every sign change is a
  // candidate, and the one with p between origin and insertion wins.
  const auto side = [&](double s) {
    const Vec2 o = origin(s);
    return cross(insertion(s) - o, p - o);
  };
  const auto hit_at = [&](double s) -> std::optional<FanHit> {
    const Vec2 o = origin(s);
    const Vec2 d = insertion(s) - o;
    const double lambda = d.dot(p - o) / d.squaredNorm();
    if (lambda < 0.0 || lambda > 1.0) return std::nullopt;
    return FanHit{s, lambda, d.normalized()};
  };
  double lo = 0.0;
  double f_lo = side(lo);
  if (f_lo == 0.0)
    if (auto hit = hit_at(lo)) return hit;
  for (int k = 1; k <= kScanSamples; ++k) {
    const double hi = static_cast<double>(k) / kScanSamples;
    const double f_hi = side(hi);
    if (f_hi == 0.0) {
      if (auto hit = hit_at(hi)) return hit;
    } else if (f_lo != 0.0 && (f_lo < 0.0) != (f_hi < 0.0)) {
      double a = lo, b = hi, fa = f_lo;
      for (int i = 0; i < kBisections; ++i) {
        const double mid = 0.5 * (a + b);
        const double f_mid = side(mid);
        if (f_mid == 0.0) {
          a = b = mid;
          break;
        }
        if ((f_mid < 0.0) == (fa < 0.0)) {
          a = mid;
          fa = f_mid;
        } else {
          b = mid;
        }
      }
      if (auto hit = hit_at(0.5 * (a + b))) return hit;
    }
    lo = hi;
    f_lo = f_hi;
  }
  return std::nullopt;
}

}  // namespace backsim::models
