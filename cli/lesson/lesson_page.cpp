#include "cli/lesson/lesson_page.hpp"

#include "cli/lesson/lesson_assets.hpp"
#include "models/import/base64.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace backsim::cli {

namespace {

static_assert(std::endian::native == std::endian::little,
              "the page reads arrays as little-endian typed arrays (what every browser's platform uses)");

// A minimal JSON writer: the page's data only needs objects, arrays, strings, numbers.
class Json {
 public:
  std::string text;

  void string(std::string_view s) {
    text += '"';
    for (const char c : s) {
      switch (c) {
        case '"': text += "\\\""; break;
        case '\\': text += "\\\\"; break;
        case '\n': text += "\\n"; break;
        case '\t': text += "\\t"; break;
        case '\r': text += "\\r"; break;
        // '<' and '>' escaped: the JSON sits inside a <script> element.
        case '<': text += "\\u003c"; break;
        case '>': text += "\\u003e"; break;
        case '&': text += "\\u0026"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20)
            text += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
          else
            text += c;
      }
    }
    text += '"';
  }
  void number(double v) {
    if (std::isfinite(v))
      text += fmt::format("{}", v);
    else
      text += "null";
  }
  void key(std::string_view k) {
    comma();
    string(k);
    text += ':';
    fresh_ = true;
  }
  void open(char bracket) {
    comma();
    text += bracket;
    fresh_ = true;
  }
  void close(char bracket) {
    text += bracket;
    fresh_ = false;
  }
  void value_string(std::string_view s) {
    comma();
    string(s);
  }
  void value_number(double v) {
    comma();
    number(v);
  }
  template <class T>
  void value_base64(const std::vector<T>& values) {
    comma();
    text += '"';
    text += models::base64_encode(std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
    text += '"';
  }

  void member(std::string_view k, std::string_view s) {
    key(k);
    value_string(s);
  }
  void member(std::string_view k, double v) {
    key(k);
    value_number(v);
  }
  template <class T>
  void member_base64(std::string_view k, const std::vector<T>& values) {
    key(k);
    value_base64(values);
  }
  template <class T>
  void member_numbers(std::string_view k, const std::vector<T>& values) {
    key(k);
    open('[');
    for (const T& v : values) value_number(static_cast<double>(v));
    close(']');
  }

 private:
  void comma() {
    if (!fresh_ && !text.empty()) text += ',';
    fresh_ = false;
  }
  bool fresh_ = true;
};

void write_tool(Json& j, const LessonTool& tool) {
  j.key("tool");
  j.open('{');
  if (tool.shape) {
    const ToolGeometry& g = *tool.shape;
    j.member("shape", g.shape == ToolShape::sphere ? "sphere" : g.shape == ToolShape::capsule ? "capsule" : "box");
    j.member("radius", g.radius);
    j.member("half_length", g.half_length);
    j.member_numbers("half_extents", std::vector<double>{g.half_extents.x(), g.half_extents.y(), g.half_extents.z()});
    // Column-major 3x3 (three.js Matrix3.fromArray): tool frame -> world.
    j.member_numbers("rotation", std::vector<double>(g.rotation.data(), g.rotation.data() + 9));
  } else {
    j.key("shape");
    j.value_number(std::numeric_limits<double>::quiet_NaN());  // null: the page shows a marker
  }
  j.member_base64("position", tool.position);
  j.member_base64("path", tool.path);
  j.member_base64("path_time", tool.path_time);
  j.close('}');
}

void write_run(Json& j, const LessonRun& run) {
  j.open('{');
  j.member("file", run.file);
  j.member("name", run.name);
  j.member("description", run.description);
  j.member("status", run.status);
  j.member("model", run.model);
  j.member("backsim_version", run.backsim_version);
  j.member_numbers("frame_time", run.frame_time);
  j.member_numbers("frame_index", run.frame_index);
  j.member("run_frames", run.run_frames);
  j.member("vertices", run.skin.vertex_count());
  j.member("faces", run.skin.tri_count());
  j.member_base64("reference", run.reference);
  std::vector<std::uint32_t> faces;
  faces.reserve(3 * run.skin.tris.size());
  for (const Tri& tri : run.skin.tris) faces.insert(faces.end(), tri.begin(), tri.end());
  j.member_base64("face_vertices", faces);
  j.member_base64("displacement", run.displacement);
  j.key("fields");
  j.open('{');
  for (const LessonField& field : run.fields) j.member_base64(field.key, field.values);
  j.close('}');
  j.member_base64("layer_start", run.layer_start);
  j.member_base64("layer_region", run.layer_region);
  j.member_base64("layer_thickness", run.layer_thickness);
  j.member_base64("face_muscle", run.face_muscle);
  j.key("regions");
  j.open('[');
  for (const std::string& label : run.region_label) j.value_string(label);
  j.close(']');
  j.key("landmarks");
  j.open('[');
  for (const NamedPoint& p : run.landmarks) {
    j.open('{');
    j.member("name", p.name);
    j.member_numbers("position", std::vector<double>{p.position.x(), p.position.y(), p.position.z()});
    j.close('}');
  }
  j.close(']');
  write_tool(j, run.tool);
  j.close('}');
}

struct Substitution {
  std::string_view marker;  // "@@NAME@@"
  std::string_view content;
};

// The template with each marker replaced by its content. Markers are found in the
// template only, never in the contents inserted, and each must appear exactly once.
std::string fill_template(std::string_view page, const std::vector<Substitution>& substitutions) {
  std::string out;
  std::size_t size = page.size();
  for (const Substitution& s : substitutions) {
    const std::size_t at = page.find(s.marker);
    if (at == std::string_view::npos || page.find(s.marker, at + 1) != std::string_view::npos)
      throw std::logic_error(fmt::format("lesson page template: marker {} must appear exactly once", s.marker));
    size += s.content.size();
  }
  out.reserve(size);
  std::size_t pos = 0;
  while (pos < page.size()) {
    std::size_t next = std::string_view::npos;
    const Substitution* first = nullptr;
    for (const Substitution& s : substitutions) {
      const std::size_t at = page.find(s.marker, pos);
      if (at < next) {
        next = at;
        first = &s;
      }
    }
    if (!first) {
      out.append(page.substr(pos));
      break;
    }
    out.append(page.substr(pos, next - pos));
    out.append(first->content);
    pos = next + first->marker.size();
  }
  return out;
}

// Text inside a <script> or <style> element ends at the first "</script" ("</style");
// "<!--" switches the parser into an escaped state. Neither may be in embedded files.
void check_embeddable(std::string_view name, std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* bad : {"</script", "</style", "<!--"}) {
    if (lower.find(bad) != std::string::npos)
      throw std::logic_error(fmt::format("lesson page: {} contains \"{}\" and cannot be embedded", name, bad));
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string lesson_data_json(const std::vector<LessonRun>& runs, const std::string& title) {
  Json j;
  j.open('{');
  j.member("generator", "backsim view");
  j.member("three_version", lesson_assets().three_version);
  j.member("title", title);
  std::vector<const LessonRun*> run_pointers;
  for (const LessonRun& run : runs) run_pointers.push_back(&run);
  j.key("fields");
  j.open('[');
  for (const LessonFieldInfo& info : lesson_fields()) {
    const std::optional<ColourScale> scale = field_colour_scale(info.key, run_pointers);
    if (!scale) continue;  // no run has it
    j.open('{');
    j.member("key", info.key);
    j.member("label", info.label);
    j.member("units", info.units);
    j.member("description", info.description);
    j.member("min", scale->min);
    j.member("max", scale->max);
    j.member_numbers("ticks", scale->ticks);
    j.member("decimals", scale->decimals);
    j.close('}');
  }
  j.close(']');
  j.key("runs");
  j.open('[');
  for (const LessonRun& run : runs) write_run(j, run);
  j.close(']');
  j.close('}');
  return j.text;
}

std::string lesson_page_html(const std::vector<LessonRun>& runs, const std::string& title) {
  const LessonAssets& assets = lesson_assets();
  check_embeddable("three.core.min.js", assets.three_core);
  check_embeddable("three.module.min.js", assets.three_module);
  check_embeddable("OrbitControls.js", assets.orbit_controls);
  check_embeddable("lesson.js", assets.page_js);
  check_embeddable("lesson.css", assets.page_css);
  const std::string data = lesson_data_json(runs, title);
  check_embeddable("the page data", data);

  const std::string escaped_title = html_escape(title);
  return fill_template(assets.page_html, {{"@@TITLE@@", escaped_title},
                                          {"@@CSS@@", assets.page_css},
                                          {"@@THREE_VERSION@@", assets.three_version},
                                          {"@@THREE_CORE@@", assets.three_core},
                                          {"@@THREE_MODULE@@", assets.three_module},
                                          {"@@ORBIT_CONTROLS@@", assets.orbit_controls},
                                          {"@@DATA@@", data},
                                          {"@@SCRIPT@@", assets.page_js}});
}

}  // namespace backsim::cli
