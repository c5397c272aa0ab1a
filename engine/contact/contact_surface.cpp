#include "engine/contact/contact_surface.hpp"

namespace backsim {

namespace {

// Dunavant (1985) degree-5 rule on a triangle: weights sum to 1.
struct QuadraturePoint {
  double a, b, c, w;
};
constexpr double kA1 = 0.059715871789770, kB1 = 0.470142064105115, kW1 = 0.132394152788506;
constexpr double kA2 = 0.797426985353087, kB2 = 0.101286507323456, kW2 = 0.125939180544827;
constexpr QuadraturePoint kRule[7] = {
    {1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.225},
    {kA1, kB1, kB1, kW1}, {kB1, kA1, kB1, kW1}, {kB1, kB1, kA1, kW1},
    {kA2, kB2, kB2, kW2}, {kB2, kA2, kB2, kW2}, {kB2, kB2, kA2, kW2},
};

}  // namespace

ContactQuadrature build_contact_quadrature(const std::vector<Vec3>& nodes,
                                           const BoundarySurface& surface,
                                           std::span<const std::uint8_t> node_is_skin) {
  ContactQuadrature q;
  for (Index t = 0; t < surface.tri_count(); ++t) {
    const Tri& tri = surface.tris[t];
    if (!(node_is_skin[tri[0]] && node_is_skin[tri[1]] && node_is_skin[tri[2]])) continue;
    const double area =
        0.5 * (nodes[tri[1]] - nodes[tri[0]]).cross(nodes[tri[2]] - nodes[tri[0]]).norm();
    for (const auto& p : kRule) {
      q.tri.push_back(t);
      q.barycentric.emplace_back(p.a, p.b, p.c);
      q.area.push_back(p.w * area);
    }
  }
  return q;
}

}  // namespace backsim
