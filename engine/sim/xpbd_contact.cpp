#include "engine/sim/xpbd_contact.hpp"

#include <algorithm>

namespace backsim {

namespace {

inline Vec3 point_position(const Model& m, const XpbdScratch& x, Index k) {
  const Tri& tri = m.surface.tris[m.contact.tri[k]];
  const Vec3& b = m.contact.barycentric[k];
  const double* q = x.node_position.data();
  Vec3 p = Vec3::Zero();
  for (int a = 0; a < 3; ++a) p += b(a) * Vec3(q[4 * tri[a]], q[4 * tri[a] + 1], q[4 * tri[a] + 2]);
  return p;
}

// d^T W_k d for the point's generalised inverse mass along unit direction d:
// sum over its nodes of b_a^2 sum_c w_ac d_c^2 (held coordinates weigh nothing).
inline double inverse_mass_along(const Model& m, const XpbdScratch& x, Index k, const Vec3& d) {
  const Tri& tri = m.surface.tris[m.contact.tri[k]];
  const Vec3& b = m.contact.barycentric[k];
  double s = 0;
  for (int a = 0; a < 3; ++a)
    for (int c = 0; c < 3; ++c) s += b(a) * b(a) * x.node_inverse_mass[4 * tri[a] + c] * d(c) * d(c);
  return s;
}

// x_a += W_a b_a impulse for the point's three nodes.
inline void apply(const Model& m, XpbdScratch& x, Index k, const Vec3& impulse) {
  const Tri& tri = m.surface.tris[m.contact.tri[k]];
  const Vec3& b = m.contact.barycentric[k];
  for (int a = 0; a < 3; ++a)
    for (int c = 0; c < 3; ++c) x.node_position[4 * tri[a] + c] += x.node_inverse_mass[4 * tri[a] + c] * b(a) * impulse(c);
}

}  // namespace

void begin_xpbd_contacts(const Model& m, const XpbdTool& tool, double margin, XpbdScratch& x) {
  // every point's distance in parallel (a sub-step's largest serial loop otherwise);
  // points outside the tool's bounding sphere grown by the margin are not near, and
  // skip the exact distance (the same flags, for a fraction of the work)
  const double reach = tool.shape->bounding_radius() + margin;
#pragma omp for schedule(static)
  for (Index k = 0; k < m.contact.point_count(); ++k) {
    const Vec3 p = point_position(m, x, k);
    x.contact_start[k] = p;
    x.contact_lambda[k] = 0;
    x.friction_lambda[k] = Vec3::Zero();
    x.contact_near[k] = (p - tool.position).squaredNorm() < reach * reach &&
                                tool_signed_distance(*tool.shape, tool.position, p).phi < margin
                            ? 1
                            : 0;
  }
  // (after the loop's barrier) the near points in index order: a pass over a byte per point
#pragma omp single
  {
    Index n = 0;
    for (Index k = 0; k < m.contact.point_count(); ++k)
      if (x.contact_near[k]) x.contact_candidates[n++] = k;
    x.contact_candidate_count = n;
  }
}

void project_xpbd_contacts(const Model& m, const XpbdTool& tool, XpbdScratch& x) {
  const double inv_h2 = 1.0 / (tool.h * tool.h);
  for (Index i = 0; i < x.contact_candidate_count; ++i) {
    const Index k = x.contact_candidates[i];
    double& l_n = x.contact_lambda[k];
    const SignedDistance d = tool_signed_distance(*tool.shape, tool.position, point_position(m, x, k));
    if (!(d.phi < 0) && l_n == 0) continue;  // apart, and no push to release
    const double w_n = inverse_mass_along(m, x, k, d.normal);
    if (w_n == 0) continue;  // every node of the point is held
    // normal: compliant inequality on the accumulated multiplier
    const double a = inv_h2 / (m.contact_stiffness[k] * m.contact.area[k]);
    const double l_new = std::max(l_n + (-d.phi - a * l_n) / (w_n + a), 0.0);
    apply(m, x, k, (l_new - l_n) * d.normal);
    l_n = l_new;

    // friction: remove the tangential slip inside Coulomb's disc
    if (tool.friction == 0) continue;
    Vec3& l_t = x.friction_lambda[k];
    if (l_n == 0) {
      if (l_t != Vec3::Zero()) {  // released: give back the friction's displacement
        apply(m, x, k, -l_t);
        l_t = Vec3::Zero();
      }
      continue;
    }
    Vec3 slip = point_position(m, x, k) - x.contact_start[k] - tool.displacement;
    slip -= slip.dot(d.normal) * d.normal;
    const double length = slip.norm();
    Vec3 target = l_t - l_t.dot(d.normal) * d.normal;  // the normal may have turned
    if (length > 0) {
      const double w_t = inverse_mass_along(m, x, k, slip / length);
      if (w_t > 0) target -= slip / w_t;
    }
    const double limit = tool.friction * l_n;
    const double size = target.norm();
    if (size > limit) target *= limit / size;
    apply(m, x, k, target - l_t);
    l_t = target;
  }
}

}  // namespace backsim
