#include "models/back/landmarks.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

namespace backsim::models {

Landmarks::Landmarks(const BackGeometry& geometry, const LayerProfile& profile)
    : geometry_(geometry), profile_(profile) {
  const auto add = [&](std::string name, const Vec2& p) {
    landmarks_.push_back(Landmark{std::move(name), p, geometry.skin_point(p.x(), p.y())});
  };
  for (int i = 0; i < kLevelCount; ++i) add(std::string(level_name(i)), Vec2(0.0, geometry.level_y(i)));
  const std::pair<std::string_view, Vec2> sided[] = {
      {"acromion", geometry.acromion()},
      {"scapular_spine_root", geometry.scapular_spine_root()},
      {"scapula_superior_angle", geometry.scapula_superior_angle()},
      {"scapula_inferior_angle", geometry.scapula_inferior_angle()},
      {"iliac_crest", geometry.iliac_crest_summit()},
  };
  for (const auto& [name, p] : sided) {
    add(fmt::format("{}_left", name), Vec2(-p.x(), p.y()));
    add(fmt::format("{}_right", name), p);
  }
}

const Landmark* Landmarks::find(std::string_view name) const {
  for (const Landmark& l : landmarks_)
    if (l.name == name) return &l;
  return nullptr;
}

const Landmark& Landmarks::get(std::string_view name) const {
  if (const Landmark* l = find(name)) return *l;
  std::string known;
  for (const Landmark& l : landmarks_) known += (known.empty() ? "" : ", ") + l.name;
  throw InvalidInput(fmt::format("unknown landmark \"{}\"; known landmarks: {}", name, known));
}

Vec2 Landmarks::between(std::string_view a, std::string_view b, double fraction, double lateral_offset) const {
  const Vec2 pa = get(a).footprint;
  const Vec2 pb = get(b).footprint;
  return pa + fraction * (pb - pa) + Vec2(lateral_offset, 0.0);
}

Vec3 Landmarks::skin_point(std::string_view level, double lateral_offset) const {
  const Vec2 p = get(level).footprint + Vec2(lateral_offset, 0.0);
  return geometry_.skin_point(p.x(), p.y());
}

Vec3 Landmarks::point_below_skin(const Vec2& p, double depth) const {
  return geometry_.skin_point(p.x(), p.y()) - depth * geometry_.outward_normal(p.x(), p.y());
}

Vec3 Landmarks::point_below_fascia(const Vec2& p, double depth) const {
  const double fascia_bottom = profile_.at(p.x(), p.y()).depth_of(Layer::muscle_superficial);
  return point_below_skin(p, fascia_bottom + depth);
}

}  // namespace backsim::models
