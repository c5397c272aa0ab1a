#include "render/skin_view.hpp"

#include "engine/mesh/boundary_surface.hpp"
#include "models/back/back_regions.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace backsim::render {
namespace {

// A skin face's outward normal must be within ~72 deg of +z (cos = 0.3) to be seen
// from behind: the top surface and its curved flanks, not the cut walls of the model.
constexpr double kFacingBehind = 0.3;

// Where the vertical line through (x, y) crosses tet t: the z interval, if it does.
struct Crossing {
  Index tet = kNoTet;
  double z_low = 0, z_high = 0;
};

bool vertical_crossing(const TetMesh& mesh, Index t, double x, double y, Crossing& out) {
  const Tet& tet = mesh.tets[static_cast<std::size_t>(t)];
  const Vec3& p0 = mesh.nodes[static_cast<std::size_t>(tet[0])];
  Mat3 edges;
  for (int k = 0; k < 3; ++k) edges.col(k) = mesh.nodes[static_cast<std::size_t>(tet[k + 1])] - p0;
  const Mat3 inverse = edges.inverse();
  // barycentric coordinates along the line: lambda(z) = a + z b, lambda_0 = 1 - sum
  const Vec3 a = inverse * (Vec3(x, y, 0.0) - p0);
  const Vec3 b = inverse * Vec3(0.0, 0.0, 1.0);
  double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();
  // a tolerance of 1e-9 in barycentric terms keeps a line through a shared face or
  // edge inside both neighbours (no gap between elements)
  const auto clip = [&](double a_i, double b_i) {  // a_i + z b_i >= -eps
    constexpr double eps = 1e-9;
    if (std::abs(b_i) < 1e-300) {
      if (a_i < -eps) high = -std::numeric_limits<double>::infinity();
      return;
    }
    const double z = (-eps - a_i) / b_i;
    if (b_i > 0) low = std::max(low, z);
    else high = std::min(high, z);
  };
  for (int k = 0; k < 3; ++k) clip(a[k], b[k]);
  clip(1.0 - a.sum(), -b.sum());
  if (!(low <= high)) return false;
  out = {t, low, high};
  return true;
}

// Tets bucketed by their xy bounding boxes, for vertical-line queries.
class ColumnIndex {
 public:
  explicit ColumnIndex(const TetMesh& mesh) : mesh_(mesh) {
    lo_ = Eigen::Vector2d::Constant(std::numeric_limits<double>::infinity());
    Eigen::Vector2d hi = -lo_;
    for (const Vec3& p : mesh.nodes) {
      lo_ = lo_.cwiseMin(p.head<2>());
      hi = hi.cwiseMax(p.head<2>());
    }
    // about 4 tets per bucket column on a layered mesh
    const double cells = std::max(1.0, std::sqrt(static_cast<double>(mesh.tet_count()) / 4.0));
    size_ = std::max((hi - lo_).maxCoeff() / cells, 1e-9);
    nx_ = static_cast<int>((hi.x() - lo_.x()) / size_) + 1;
    ny_ = static_cast<int>((hi.y() - lo_.y()) / size_) + 1;
    buckets_.resize(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
    for (Index t = 0; t < mesh.tet_count(); ++t) {
      Eigen::Vector2d a = Eigen::Vector2d::Constant(std::numeric_limits<double>::infinity()), b = -a;
      for (const Index v : mesh.tets[static_cast<std::size_t>(t)]) {
        a = a.cwiseMin(mesh.nodes[static_cast<std::size_t>(v)].head<2>());
        b = b.cwiseMax(mesh.nodes[static_cast<std::size_t>(v)].head<2>());
      }
      for (int i = cell_x(a.x()); i <= cell_x(b.x()); ++i)
        for (int j = cell_y(a.y()); j <= cell_y(b.y()); ++j) buckets_[bucket(i, j)].push_back(t);
    }
  }

  // Every tet the vertical line through (x, y) crosses, top first.
  std::vector<Crossing> column(double x, double y) const {
    std::vector<Crossing> out;
    Crossing c;
    for (const Index t : buckets_[bucket(cell_x(x), cell_y(y))])
      if (vertical_crossing(mesh_, t, x, y, c)) out.push_back(c);
    std::sort(out.begin(), out.end(), [](const Crossing& p, const Crossing& q) { return p.z_high > q.z_high; });
    return out;
  }

 private:
  int cell_x(double x) const { return std::clamp(static_cast<int>((x - lo_.x()) / size_), 0, nx_ - 1); }
  int cell_y(double y) const { return std::clamp(static_cast<int>((y - lo_.y()) / size_), 0, ny_ - 1); }
  std::size_t bucket(int i, int j) const { return static_cast<std::size_t>(j) * static_cast<std::size_t>(nx_) + static_cast<std::size_t>(i); }

  const TetMesh& mesh_;
  Eigen::Vector2d lo_;
  double size_ = 1;
  int nx_ = 1, ny_ = 1;
  std::vector<std::vector<Index>> buckets_;
};

}  // namespace

bool has_muscle(const TetMesh& mesh) { return mesh.region_names == models::back_region_names(); }

bool is_muscle_region(const std::string& region_name) {
  const std::vector<std::string> names = models::back_region_names();
  const auto it = std::find(names.begin(), names.end(), region_name);
  return it != names.end() && models::back_region(static_cast<std::int32_t>(it - names.begin())).is_muscle;
}

SkinView make_skin_view(const TetMesh& mesh, SampleLayer layer, double depth) {
  const BoundarySurface boundary = extract_boundary_surface(mesh);
  std::vector<bool> muscle(mesh.region_names.size(), false);
  const bool with_muscle = has_muscle(mesh);
  if (with_muscle)
    for (std::size_t r = 0; r < muscle.size(); ++r) muscle[r] = is_muscle_region(mesh.region_names[r]);
  const ColumnIndex columns(mesh);

  SkinView view;
  for (Index f = 0; f < boundary.tri_count(); ++f) {
    const Tri& tri = boundary.tris[static_cast<std::size_t>(f)];
    const Vec3& a = mesh.nodes[static_cast<std::size_t>(tri[0])];
    const Vec3& b = mesh.nodes[static_cast<std::size_t>(tri[1])];
    const Vec3& c = mesh.nodes[static_cast<std::size_t>(tri[2])];
    const Vec3 normal = (b - a).cross(c - a);
    if (normal.z() <= kFacingBehind * normal.norm()) continue;
    const Index own = boundary.tet_of_tri[static_cast<std::size_t>(f)];
    Index sample = layer == SampleLayer::surface ? own : kNoTet;
    Index first_muscle = kNoTet;
    if (layer != SampleLayer::surface || with_muscle) {
      const Vec3 centre = (a + b + c) / 3.0;
      for (const Crossing& x : columns.column(centre.x(), centre.y())) {
        if (x.z_low > centre.z() + 1e-9) continue;  // above this face (an overhang)
        const bool is_muscle = muscle[static_cast<std::size_t>(mesh.region[static_cast<std::size_t>(x.tet)])];
        if (is_muscle && first_muscle == kNoTet) first_muscle = x.tet;
        if (layer == SampleLayer::depth && sample == kNoTet && x.z_low <= centre.z() - depth &&
            centre.z() - depth <= x.z_high)
          sample = x.tet;
      }
      if (layer == SampleLayer::muscle) sample = first_muscle;
    }
    if (with_muscle)
      view.muscle_region.push_back(first_muscle != kNoTet ? mesh.region[static_cast<std::size_t>(first_muscle)] : -1);
    view.faces.push_back(tri);
    view.face_tet.push_back(own);
    view.sample_tet.push_back(sample);
    view.sample_region.push_back(sample != kNoTet ? mesh.region[static_cast<std::size_t>(sample)] : -1);
  }
  return view;
}

}  // namespace backsim::render
