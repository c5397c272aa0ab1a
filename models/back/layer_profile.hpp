// Thickness of each tissue layer under a point of the skin, by region and subject.
//
// The mesher puts every layer interface on a grid plane, so the layers conform: each
// column of the grid has the same sequence of layers, of varying thickness. Where a
// muscle is absent its sub-layer takes the label of the muscle below (muscle_atlas),
// so no layer ever vanishes.
#pragma once

#include "models/back/back_geometry.hpp"
#include "models/subject.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace backsim::models {

enum class Layer : std::uint8_t {
  skin,
  fat,
  fascia,               // deep fascia; the thoracolumbar fascia in the lumbar region
  muscle_superficial,   // trapezius, latissimus dorsi
  muscle_intermediate,  // rhomboids
  muscle_deep,          // erector spinae, multifidus, quadratus lumborum
};
inline constexpr int kLayerCount = 6;
std::string_view layer_name(Layer layer);

struct LayerThickness {
  std::array<double, kLayerCount> t{};  // m, skin first
  double operator[](Layer layer) const { return t[static_cast<std::size_t>(layer)]; }
  double total() const;
  // Depth of the top of `layer` below the skin, m.
  double depth_of(Layer layer) const;
};

class LayerProfile {
 public:
  LayerProfile(const SubjectParams& subject, const BackGeometry& geometry);

  LayerThickness at(double x, double y) const;

  // Lateral borders (|x|, m) of the paraspinal muscles at height y: the erector
  // spinae (iliocostalis) and the multifidus.
  double erector_lateral_border(double y) const;
  double multifidus_lateral_border(double y) const;
  // Half width of the ridge of spinous processes (about 1.2 cm wide, Standring 2016
  // ch. 43): below the fascia, |x| < spinous_half_width is bone.
  double spinous_half_width() const { return 0.006 * geometry_.width_scale(); }
  // Floor thickness of a muscle sub-layer (keeps every layer at least one thin cell).
  static constexpr double kMuscleFloor = 0.0008;  // m

 private:
  const SubjectParams& subject_;
  const BackGeometry& geometry_;
  std::array<double, 6> paraspinal_y_{};  // L5, L3, T12, T7 (or T6), T1, C7
};

}  // namespace backsim::models
