#include "render/picture.hpp"

#include "engine/core/error.hpp"

#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <tuple>
#include <utility>

namespace backsim::render {
namespace {

constexpr const char* kFont = "DejaVu Sans";
constexpr Rgb kInk{0.12, 0.12, 0.14};           // text and outlines
constexpr Rgb kUnsampled{0.80, 0.80, 0.80};     // faces with nothing to show
constexpr int kSubdivision = 3;                  // smooth faces: 3 x 3 sub-triangles with their own colours

using Point = Eigen::Vector2d;

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
};

void set_colour(cairo_t* cr, const Rgb& c, double alpha = 1.0) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  return e.x_advance;
}

enum class Align { left, centre, right };

// Text with its baseline at y; `halo` draws a white outline first so that the text
// reads on any colour.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, Align align, const Rgb& colour = kInk,
               double halo = 0) {
  const double w = text_width(cr, text);
  const double x0 = align == Align::left ? x : align == Align::centre ? x - w / 2 : x - w;
  cairo_move_to(cr, x0, y);
  if (halo > 0) {
    cairo_text_path(cr, text.c_str());
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, halo);
    cairo_stroke(cr);
    cairo_move_to(cr, x0, y);
  }
  set_colour(cr, colour);
  cairo_show_text(cr, text.c_str());
}

// World (x, y) in m to pixels in one panel.
struct ViewTransform {
  Point world_centre{0, 0};
  Point pixel_centre{0, 0};
  double scale = 1;  // pixels per metre
  Point operator()(double x, double y) const {
    return {pixel_centre.x() + scale * (x - world_centre.x()), pixel_centre.y() - scale * (y - world_centre.y())};
  }
  Point operator()(const Vec3& p) const { return (*this)(p.x(), p.y()); }
};

// "trapezius_lower_right" -> "lower trapezius"; empty for the left side and for
// regions not worth a label (skin, fat, fasciae, the lumped other muscle).
std::string muscle_display_name(const std::string& region) {
  static const std::pair<const char*, const char*> names[] = {
      {"trapezius_upper_right", "upper trapezius"},     {"trapezius_middle_right", "middle trapezius"},
      {"trapezius_lower_right", "lower trapezius"},     {"latissimus_dorsi_right", "latissimus dorsi"},
      {"rhomboids_right", "rhomboids"},                 {"erector_spinae_thoracic_right", "erector spinae"},
      {"erector_spinae_lumbar_right", "erector spinae"}, {"multifidus_right", "multifidus"},
      {"quadratus_lumborum_right", "quadratus lumborum"}};
  for (const auto& [region_name, display] : names)
    if (region == region_name) return display;
  return {};
}

bool is_vertebral_level(const std::string& name) {
  if (name == "C7") return true;
  if (name.size() < 2 || name.size() > 3 || (name[0] != 'T' && name[0] != 'L')) return false;
  return std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Values at the nodes of the view: the area-weighted mean of the sampled faces
// around each node (NaN where none is).
std::vector<double> node_values(const Panel& panel) {
  const std::size_t n = panel.deformed.size();
  std::vector<double> sum(n, 0.0), weight(n, 0.0);
  const SkinView& view = *panel.view;
  for (std::size_t f = 0; f < view.faces.size(); ++f) {
    const double v = panel.face_values[f];
    if (!std::isfinite(v)) continue;
    const Tri& t = view.faces[f];
    const Vec3& a = panel.deformed[static_cast<std::size_t>(t[0])];
    const double area = 0.5 * (panel.deformed[static_cast<std::size_t>(t[1])] - a)
                                  .cross(panel.deformed[static_cast<std::size_t>(t[2])] - a)
                                  .norm();
    for (const Index node : t) {
      sum[static_cast<std::size_t>(node)] += area * v;
      weight[static_cast<std::size_t>(node)] += area;
    }
  }
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < n; ++i)
    if (weight[i] > 0) out[i] = sum[i] / weight[i];
  return out;
}

// Light from the viewer's upper left, mostly from the front: a slight shading that
// shows the dent under a tool without changing a colour much (at most 12 % darker).
double shading(const Vec3& a, const Vec3& b, const Vec3& c) {
  const Vec3 n = (b - a).cross(c - a).normalized();
  const Vec3 light = Vec3(-0.35, 0.45, 0.82).normalized();
  return 0.88 + 0.12 * std::max(0.0, n.dot(light));
}

Rgb shaded(const Rgb& c, double k) { return {c.r * k, c.g * k, c.b * k}; }

// The corners pushed half a pixel away from the centre: neighbouring faces then
// overlap slightly and no background shows through antialiased seams.
std::array<Point, 3> widened(const std::array<Point, 3>& p) {
  const Point centre = (p[0] + p[1] + p[2]) / 3.0;
  std::array<Point, 3> out;
  for (int k = 0; k < 3; ++k) {
    const Point d = p[k] - centre;
    const double len = d.norm();
    out[k] = len > 0 ? p[k] + 0.5 * d / len : p[k];
  }
  return out;
}

void fill_triangle(cairo_t* cr, const std::array<Point, 3>& p, const Rgb& colour) {
  const auto w = widened(p);
  cairo_move_to(cr, w[0].x(), w[0].y());
  cairo_line_to(cr, w[1].x(), w[1].y());
  cairo_line_to(cr, w[2].x(), w[2].y());
  cairo_close_path(cr);
  set_colour(cr, colour);
  cairo_fill(cr);
}

// One face with colours interpolated inside it: kSubdivision^2 sub-triangles, each a
// Gouraud patch of a Cairo mesh pattern, values interpolated before colouring.
void fill_smooth_triangle(cairo_t* cr, const std::array<Point, 3>& p, const std::array<double, 3>& v,
                          const Picture& picture, double shade) {
  const auto w = widened(p);
  std::unique_ptr<cairo_pattern_t, CairoDeleter> mesh(cairo_pattern_create_mesh());
  const int n = kSubdivision;
  const auto at = [&](int i, int j) {  // barycentric (i, j, n - i - j) / n
    const double a = static_cast<double>(i) / n, b = static_cast<double>(j) / n, c = 1.0 - a - b;
    return std::pair<Point, double>{a * w[0] + b * w[1] + c * w[2], a * v[0] + b * v[1] + c * v[2]};
  };
  const auto patch = [&](std::pair<Point, double> q0, std::pair<Point, double> q1, std::pair<Point, double> q2) {
    cairo_mesh_pattern_begin_patch(mesh.get());
    cairo_mesh_pattern_move_to(mesh.get(), q0.first.x(), q0.first.y());
    cairo_mesh_pattern_line_to(mesh.get(), q1.first.x(), q1.first.y());
    cairo_mesh_pattern_line_to(mesh.get(), q2.first.x(), q2.first.y());
    int corner = 0;
    for (const auto& q : {q0, q1, q2}) {
      const Rgb c = shaded(map_colour(picture.style.map, picture.scale.fraction(q.second)), shade);
      cairo_mesh_pattern_set_corner_color_rgb(mesh.get(), static_cast<unsigned>(corner++), c.r, c.g, c.b);
    }
    cairo_mesh_pattern_end_patch(mesh.get());
  };
  for (int i = 0; i < n; ++i)
    for (int j = 0; i + j < n; ++j) {
      patch(at(i, j), at(i + 1, j), at(i, j + 1));
      if (i + j + 1 < n) patch(at(i + 1, j), at(i + 1, j + 1), at(i, j + 1));
    }
  cairo_move_to(cr, w[0].x(), w[0].y());
  cairo_line_to(cr, w[1].x(), w[1].y());
  cairo_line_to(cr, w[2].x(), w[2].y());
  cairo_close_path(cr);
  cairo_set_source(cr, mesh.get());
  cairo_fill(cr);
}

void draw_surface(cairo_t* cr, const Panel& panel, const Picture& picture, const ViewTransform& to_pixels) {
  const SkinView& view = *panel.view;
  std::vector<std::size_t> order(view.faces.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto depth = [&](std::size_t f) {
    double z = 0;
    for (const Index node : view.faces[f]) z += panel.deformed[static_cast<std::size_t>(node)].z();
    return z;
  };
  std::vector<double> face_depth(view.faces.size());
  for (std::size_t f = 0; f < face_depth.size(); ++f) face_depth[f] = depth(f);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return face_depth[a] < face_depth[b]; });
  const std::vector<double> at_nodes = picture.smooth ? node_values(panel) : std::vector<double>{};
  // Faces are filled without antialiasing: antialiased neighbours leave faint
  // light seams where both only partly cover a pixel. The silhouette is stroked,
  // antialiased, afterwards (draw_outlines).
  cairo_save(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);

  for (const std::size_t f : order) {
    const Tri& t = view.faces[f];
    const Vec3& a = panel.deformed[static_cast<std::size_t>(t[0])];
    const Vec3& b = panel.deformed[static_cast<std::size_t>(t[1])];
    const Vec3& c = panel.deformed[static_cast<std::size_t>(t[2])];
    const std::array<Point, 3> p{to_pixels(a), to_pixels(b), to_pixels(c)};
    const double shade = shading(a, b, c);
    const double value = panel.face_values[f];
    if (!std::isfinite(value)) {
      fill_triangle(cr, p, shaded(kUnsampled, shade));
    } else if (!picture.smooth) {
      fill_triangle(cr, p, shaded(map_colour(picture.style.map, picture.scale.fraction(value)), shade));
    } else {
      std::array<double, 3> v;
      for (int k = 0; k < 3; ++k) {
        const double node = at_nodes[static_cast<std::size_t>(t[static_cast<std::size_t>(k)])];
        v[static_cast<std::size_t>(k)] = std::isfinite(node) ? node : value;
      }
      fill_smooth_triangle(cr, p, v, picture, shade);
    }
  }
  cairo_restore(cr);
}

// Outlines: where the region under the skin changes (muscle borders) and around the
// whole view (its silhouette).
void draw_outlines(cairo_t* cr, const Panel& panel, const ViewTransform& to_pixels, double line) {
  const SkinView& view = *panel.view;
  const std::vector<std::int32_t>& region = view.muscle_region.empty() ? view.sample_region : view.muscle_region;
  std::map<std::pair<Index, Index>, std::vector<std::size_t>> edges;
  for (std::size_t f = 0; f < view.faces.size(); ++f)
    for (int k = 0; k < 3; ++k) {
      Index a = view.faces[f][static_cast<std::size_t>(k)], b = view.faces[f][static_cast<std::size_t>((k + 1) % 3)];
      edges[{std::min(a, b), std::max(a, b)}].push_back(f);
    }
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  const auto segment = [&](const std::pair<Index, Index>& e) {
    const Point a = to_pixels(panel.deformed[static_cast<std::size_t>(e.first)]);
    const Point b = to_pixels(panel.deformed[static_cast<std::size_t>(e.second)]);
    cairo_move_to(cr, a.x(), a.y());
    cairo_line_to(cr, b.x(), b.y());
  };
  for (const auto& [e, faces] : edges)
    if (faces.size() == 2 && region[faces[0]] != region[faces[1]]) segment(e);
  set_colour(cr, kInk, 0.55);
  cairo_set_line_width(cr, line);
  cairo_stroke(cr);
  for (const auto& [e, faces] : edges)
    if (faces.size() == 1) segment(e);
  set_colour(cr, kInk, 0.9);
  cairo_set_line_width(cr, 1.6 * line);
  cairo_stroke(cr);
}

void draw_levels(cairo_t* cr, const Panel& panel, const ViewTransform& to_pixels, double font) {
  set_font(cr, font, true);
  for (const NamedPoint& l : panel.landmarks) {
    if (!is_vertebral_level(l.name)) continue;
    const Point p = to_pixels(l.position);
    cairo_move_to(cr, p.x() - 0.35 * font, p.y());
    cairo_line_to(cr, p.x() + 0.35 * font, p.y());
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 0.28 * font);
    cairo_stroke_preserve(cr);
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 0.12 * font);
    cairo_stroke(cr);
    draw_text(cr, l.name, p.x() - 0.55 * font, p.y() + 0.36 * font, Align::right, kInk, 0.3 * font);
  }
}

void draw_stroke(cairo_t* cr, const std::vector<Point>& path, double font) {
  const auto stroke_path = [&](double width, double r, double g, double b, double alpha) {
    cairo_move_to(cr, path[0].x(), path[0].y());
    for (std::size_t i = 1; i < path.size(); ++i) cairo_line_to(cr, path[i].x(), path[i].y());
    cairo_set_source_rgba(cr, r, g, b, alpha);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr);
  };
  // a white line with a dark casing reads on every colour of the map
  stroke_path(0.36 * font, kInk.r, kInk.g, kInk.b, 0.85);
  stroke_path(0.16 * font, 1, 1, 1, 1);
  // an arrowhead at the end shows the direction of the stroke
  std::size_t k = path.size() - 2;
  while (k > 0 && (path.back() - path[k]).norm() < 0.8 * font) --k;
  const Point tip = path.back();
  const Point d = (tip - path[k]).normalized();
  const Point side(-d.y(), d.x());
  const Point base = tip - 0.9 * font * d;
  cairo_move_to(cr, tip.x() + 0.2 * font * d.x(), tip.y() + 0.2 * font * d.y());
  cairo_line_to(cr, base.x() + 0.45 * font * side.x(), base.y() + 0.45 * font * side.y());
  cairo_line_to(cr, base.x() - 0.45 * font * side.x(), base.y() - 0.45 * font * side.y());
  cairo_close_path(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill_preserve(cr);
  set_colour(cr, kInk, 0.85);
  cairo_set_line_width(cr, 0.1 * font);
  cairo_stroke(cr);
}

void draw_tool(cairo_t* cr, const Panel& panel, const ViewTransform& to_pixels, double font) {
  for (const std::vector<Point>& stroke : panel.tool_strokes) {
    std::vector<Point> path;
    for (const Point& q : stroke) {
      const Point p = to_pixels(q.x(), q.y());
      if (path.empty() || (p - path.back()).norm() > 0.5) path.push_back(p);
    }
    if (path.size() >= 2) draw_stroke(cr, path, font);
  }
  if (panel.tool_now) {
    const Point c = to_pixels(panel.tool_now->x(), panel.tool_now->y());
    const double r = panel.tool_radius > 0 ? panel.tool_radius * to_pixels.scale : 0.6 * font;
    const double dash[] = {0.5 * font, 0.3 * font};
    for (const auto& [width, white] : {std::pair{0.3 * font, false}, std::pair{0.13 * font, true}}) {
      cairo_new_sub_path(cr);
      cairo_arc(cr, c.x(), c.y(), r, 0, 2 * M_PI);
      if (white) cairo_set_source_rgb(cr, 1, 1, 1);
      else set_colour(cr, kInk, 0.85);
      cairo_set_dash(cr, white ? dash : nullptr, white ? 2 : 0, 0);
      cairo_set_line_width(cr, width);
      cairo_stroke(cr);
    }
    cairo_set_dash(cr, nullptr, 0, 0);
    cairo_arc(cr, c.x(), c.y(), 0.2 * font, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 0.1 * font);
    cairo_stroke(cr);
  }
}

// The main muscles named on the patient's right half (x > 0) (the left mirrors it), at the
// middle of each muscle's patch of skin; patches too small for their name are left out.
void draw_muscle_names(cairo_t* cr, const Panel& panel, const ViewTransform& to_pixels, double right_edge, double font) {
  const SkinView& view = *panel.view;
  const TetMesh& mesh = *panel.mesh;
  std::map<std::int32_t, std::pair<Point, double>> patches;  // region: (area-weighted sum of centres, area), pixels
  for (std::size_t f = 0; f < view.faces.size(); ++f) {
    const std::int32_t r = view.muscle_region[f];
    if (r < 0) continue;
    const Tri& t = view.faces[f];
    const Point a = to_pixels(panel.deformed[static_cast<std::size_t>(t[0])]);
    const Point b = to_pixels(panel.deformed[static_cast<std::size_t>(t[1])]);
    const Point c = to_pixels(panel.deformed[static_cast<std::size_t>(t[2])]);
    const double area = 0.5 * std::abs((b - a).x() * (c - a).y() - (b - a).y() * (c - a).x());
    auto& [centre, total] = patches.try_emplace(r, Point::Zero(), 0.0).first->second;  // Eigen does not zero
    centre += area * (a + b + c) / 3.0;
    total += area;
  }
  set_font(cr, font);
  const double midline = to_pixels(0.0, 0.0).x();
  for (const auto& [region, patch] : patches) {
    const std::string name = muscle_display_name(mesh.region_names[static_cast<std::size_t>(region)]);
    if (name.empty() || patch.second <= 0) continue;
    Point centre = patch.first / patch.second;
    const double w = text_width(cr, name);
    if (patch.second < 2.5 * w * font) continue;  // room for about two lines of the name
    centre.x() = std::max(centre.x(), midline + 0.5 * w + 1.2 * font);  // clear of the spine's labels
    centre.x() = std::min(centre.x(), right_edge - 0.5 * w - 0.3 * font);  // inside the back
    draw_text(cr, name, centre.x(), centre.y() + 0.35 * font, Align::centre, kInk, 0.28 * font);
  }
}

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

void draw_colour_bar(cairo_t* cr, const Picture& picture, const Box& bar, double font) {
  const int slices = 256;
  for (int i = 0; i < slices; ++i) {
    const double t0 = static_cast<double>(i) / slices;
    const Rgb c = map_colour(picture.style.map, t0 + 0.5 / slices);
    // one extra pixel per slice so that no seam shows between slices
    cairo_rectangle(cr, bar.x, bar.y + bar.h * (1.0 - t0 - 1.0 / slices), bar.w, bar.h / slices + 1.0);
    set_colour(cr, c);
    cairo_fill(cr);
  }
  // the frame around the bar, not over it: the end colours stay visible. An end
  // beyond which some values lie is a triangle in the end's colour.
  const double frame = 0.08 * font, tip = 0.9 * bar.w;
  const double top = bar.y - frame / 2, bottom = bar.y + bar.h + frame / 2;
  const double left = bar.x - frame / 2, right = bar.x + bar.w + frame / 2;
  for (const auto& [beyond, y0, sign, t] : {std::tuple{picture.scale.beyond_high, top, -1.0, 1.0},
                                            std::tuple{picture.scale.beyond_low, bottom, 1.0, 0.0}}) {
    if (!beyond) continue;
    cairo_move_to(cr, left, y0);
    cairo_line_to(cr, bar.x + bar.w / 2, y0 + sign * tip);
    cairo_line_to(cr, right, y0);
    cairo_close_path(cr);
    set_colour(cr, map_colour(picture.style.map, t));
    cairo_fill(cr);
  }
  cairo_move_to(cr, left, top);
  if (picture.scale.beyond_high) cairo_line_to(cr, bar.x + bar.w / 2, top - tip);
  cairo_line_to(cr, right, top);
  cairo_line_to(cr, right, bottom);
  if (picture.scale.beyond_low) cairo_line_to(cr, bar.x + bar.w / 2, bottom + tip);
  cairo_line_to(cr, left, bottom);
  cairo_close_path(cr);
  set_colour(cr, kInk);
  cairo_set_line_width(cr, frame);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  cairo_stroke(cr);
  set_font(cr, 0.85 * font);
  for (const double tick : picture.scale.ticks) {
    const double y = bar.y + bar.h * (1.0 - picture.scale.fraction(tick));
    cairo_move_to(cr, bar.x + bar.w, y);
    cairo_line_to(cr, bar.x + bar.w + 0.35 * font, y);
    cairo_stroke(cr);
    draw_text(cr, picture.scale.label(tick), bar.x + bar.w + 0.5 * font, y + 0.3 * font, Align::left);
  }
  set_font(cr, 0.9 * font, true);
  draw_text(cr, picture.style.unit, bar.x, bar.y - 0.8 * font - (picture.scale.beyond_high ? bar.w : 0.0), Align::left);
}

}  // namespace

void write_picture_png(const Picture& picture, const std::filesystem::path& path) {
  BACKSIM_ASSERT(!picture.panels.empty(), "a picture has panels");
  const double W = picture.width, H = picture.height;
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, picture.width, picture.height));
  std::unique_ptr<cairo_t, CairoDeleter> context(cairo_create(surface.get()));
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  // sizes follow the picture: a 1000-pixel-high picture has 21-pixel text
  const double font = std::max(10.0, std::min(H / 48.0, W / 60.0));
  const double margin = 1.2 * font;

  // the colour bar's column: wide enough for its tick labels, unit and legend
  set_font(cr, 0.85 * font);
  double labels = 0;
  for (const double t : picture.scale.ticks) labels = std::max(labels, text_width(cr, picture.scale.label(t)));
  set_font(cr, 0.9 * font, true);
  const double unit = text_width(cr, picture.style.unit);
  set_font(cr, 0.8 * font);
  const double legend = picture.unsampled_label.empty() ? 0.0 : 1.6 * font + text_width(cr, picture.unsampled_label);
  const double bar_width = 1.1 * font;
  const double column = std::max({bar_width + 0.5 * font + labels, unit, legend}) + margin;

  // title and subtitle
  set_font(cr, 1.45 * font, true);
  draw_text(cr, picture.title, margin, margin + 1.2 * font, Align::left);
  set_font(cr, 0.8 * font);
  draw_text(cr, picture.subtitle, margin, margin + 2.4 * font, Align::left, Rgb{0.3, 0.3, 0.33});

  const double top = margin + 3.4 * font;        // panels' captions start here
  const double panels_top = top + 1.6 * font;    // and the drawings here
  const double panels_bottom = H - margin - 1.4 * font;  // left/right labels below
  const double panels_left = margin + 2.2 * font;         // room for level labels
  const double panels_right = W - column - margin;
  const std::size_t n = picture.panels.size();
  const double gap = 2.6 * font;
  const double panel_w = (panels_right - panels_left - gap * static_cast<double>(n - 1)) / static_cast<double>(n);
  const double panel_h = panels_bottom - panels_top;

  // one scale for every panel: the largest that fits the widest and tallest view
  Point lo = Point::Constant(std::numeric_limits<double>::infinity()), hi = -lo;
  for (const Panel& p : picture.panels)
    for (const Tri& t : p.view->faces)
      for (const Index node : t) {
        lo = lo.cwiseMin(p.deformed[static_cast<std::size_t>(node)].head<2>());
        hi = hi.cwiseMax(p.deformed[static_cast<std::size_t>(node)].head<2>());
      }
  const Point span = (hi - lo).cwiseMax(Point::Constant(1e-9));
  const double scale = std::min(panel_w / span.x(), panel_h / span.y());

  for (std::size_t i = 0; i < n; ++i) {
    const Panel& panel = picture.panels[i];
    const double x0 = panels_left + static_cast<double>(i) * (panel_w + gap);
    ViewTransform to_pixels{(lo + hi) / 2, Point(x0 + panel_w / 2, panels_top + panel_h / 2), scale};
    set_font(cr, 1.0 * font, true);
    draw_text(cr, panel.caption, x0 + panel_w / 2, top + 0.9 * font, Align::centre);

    cairo_save(cr);
    draw_surface(cr, panel, picture, to_pixels);
    draw_outlines(cr, panel, to_pixels, std::max(1.0, 0.07 * font));
    draw_tool(cr, panel, to_pixels, font);
    if (picture.label_muscles) draw_muscle_names(cr, panel, to_pixels, to_pixels(hi.x(), 0).x(), 0.66 * font);
    draw_levels(cr, panel, to_pixels, 0.62 * font);
    cairo_restore(cr);

    // which side is which: the viewer stands behind a prone patient
    set_font(cr, 0.75 * font);
    const double x_left = to_pixels(lo.x(), 0).x(), x_right = to_pixels(hi.x(), 0).x();
    const double y_label = to_pixels(0, lo.y()).y() + 1.2 * font;
    draw_text(cr, "\u25c0 patient's left", x_left, y_label, Align::left, Rgb{0.3, 0.3, 0.33});
    draw_text(cr, "patient's right \u25b6", x_right, y_label, Align::right, Rgb{0.3, 0.3, 0.33});
  }

  // the bar stands next to the drawings, not at the far edge of a wide picture
  const double drawings_right = panels_left + static_cast<double>(n - 1) * (panel_w + gap) + panel_w / 2 + scale * span.x() / 2;
  const double bar_x = std::min(W - column, drawings_right + 2.5 * font);
  const Box bar{bar_x, panels_top + 1.0 * font, bar_width, std::min(panel_h * 0.62, panel_h - 4.0 * font)};
  draw_colour_bar(cr, picture, bar, font);
  bool any_unsampled = false;
  for (const Panel& p : picture.panels)
    for (const double v : p.face_values) any_unsampled = any_unsampled || !std::isfinite(v);
  if (any_unsampled && !picture.unsampled_label.empty()) {
    const double y = bar.y + bar.h + 1.6 * font + (picture.scale.beyond_low ? bar.w : 0.0);
    cairo_rectangle(cr, bar.x, y, bar.w, 0.9 * font);
    set_colour(cr, kUnsampled);
    cairo_fill_preserve(cr);
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 0.08 * font);
    cairo_stroke(cr);
    set_font(cr, 0.8 * font);
    draw_text(cr, picture.unsampled_label, bar.x + bar.w + 0.5 * font, y + 0.7 * font, Align::left);
  }

  cairo_surface_flush(surface.get());
  const std::filesystem::path partial = path.string() + ".partial";
  if (cairo_surface_write_to_png(surface.get(), partial.c_str()) != CAIRO_STATUS_SUCCESS)
    throw OutputFailure(fmt::format("{}: cannot write the PNG file (directory missing? permissions?)", partial.string()));
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot rename to {}: {}", partial.string(), path.string(), error.message()));
}

}  // namespace backsim::render
