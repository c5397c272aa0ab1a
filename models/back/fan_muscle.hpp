// A flat muscle whose fibres run straight from an origin line to an insertion line
// (or point): the trapezius, rhomboids and latissimus dorsi seen from behind.
//
// The muscle is a family of segments O(s) -> I(s), s in [0, 1], with O and I linear
// between knots. A point belongs to the muscle when it lies on one of the segments;
// its fibre direction is that segment's direction and s says which part of the origin
// the fibre comes from (e.g. the vertebral level, which splits the trapezius in three).
#pragma once

#include "models/back/back_geometry.hpp"

#include <optional>
#include <vector>

namespace backsim::models {

struct FanKnot {
  double s;       // ascending, from 0 to 1
  Vec2 origin;
  Vec2 insertion;
};

struct FanHit {
  double s;        // which fibre
  double lambda;   // 0 at the origin, 1 at the insertion
  Vec2 direction;  // unit, origin -> insertion
};

class FanMuscle {
 public:
  explicit FanMuscle(std::vector<FanKnot> knots);
  // The fibre through p (right side: p.x() >= 0), or nullopt when p is outside.
  std::optional<FanHit> locate(const Vec2& p) const;
  Vec2 origin(double s) const;
  Vec2 insertion(double s) const;

 private:
  std::vector<FanKnot> knots_;
};

}  // namespace backsim::models
