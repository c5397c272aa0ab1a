#include "cli/lesson/lesson_data.hpp"

#include "cli/lesson/tissue_column.hpp"
#include "engine/core/error.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace backsim::cli {

namespace {

// A boundary face is skin when its outward normal is within 75 deg of +z: the back's
// skin tilts at most ~45 deg at its lateral edges (docs/model.md: the barrel curve),
// and the cut sides of a model stand vertical (normal z = 0).
constexpr double kMinSkinNormalZ = 0.25;

// Where on the tissue a face of the skin takes a per-tet field from.
enum class FieldSite {
  skin,        // the tet the face belongs to (the skin layer)
  muscle,      // the first tet with tone along the line inward (skin and fat have none)
  node_motion  // the surface nodes' displacement, not a per-tet field
};

struct FieldRule {
  LessonFieldInfo info;
  const char* dataset;  // per-tet field of the run file; nullptr for node_motion
  FieldSite site;
  double scale;         // file units -> display units
  double anchor;        // a value the colour range always includes (rest), or NaN
  double minimum_span;  // display units: a narrower range is widened to this
  double floor;         // no value is below it (the range is shifted up to it), or NaN
};

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Minimum spans keep round-off and tiny changes from filling the whole colour map; each
// is about the smallest difference that means something to a student.
const std::vector<FieldRule>& field_rules() {
  static const std::vector<FieldRule> rules = {
      {{"tone", "Muscle tone", "% activation",
        "Activation of the first muscle under the skin (skin and fat have no tone). Grey: no muscle under the skin."},
       "/fields/tone", FieldSite::muscle, 100.0, kNone,
       0.5,  // % activation: a session relaxes a 3 % resting tone by a few tenths of a percent
       0.0},
      {{"skin_perfusion", "Skin blood flow", "× rest",
        "Blood flow in the skin relative to rest (1 = resting). Pressure squeezes it, friction warms it."},
       "/fields/perfusion_index", FieldSite::skin, 1.0, 1.0,
       0.2,  // x rest: flow changes of less than 10 % either way are within day-to-day variation
       0.0},
      {{"muscle_perfusion", "Muscle blood flow", "× rest",
        "Blood flow in the first muscle under the skin relative to rest (1 = resting). Grey: no muscle under the skin."},
       "/fields/perfusion_index", FieldSite::muscle, 1.0, 1.0,
       0.2,  // as for the skin
       0.0},
      {{"pressure", "Pressure in the skin", "kPa",
        "Hydrostatic pressure in the skin layer: positive where the tissue is squeezed."},
       "/fields/pressure", FieldSite::skin, 1e-3, 0.0,
       1.0,  // kPa: about a finger's light touch (10 N over 100 cm^2)
       kNone},
      {{"displacement", "Displacement", "mm", "How far the skin has moved from its resting shape."}, nullptr,
       FieldSite::node_motion, 1e3, 0.0,
       1.0,  // mm: a millimetre is the smallest movement visible on the page
       0.0},
  };
  return rules;
}

const FieldRule* find_rule(const std::string& key) {
  for (const FieldRule& rule : field_rules())
    if (key == rule.info.key) return &rule;
  return nullptr;
}

// The index of the step whose time is nearest `time` (steps sorted by time).
std::size_t nearest_step(const std::vector<double>& step_times, double time) {
  const auto it = std::lower_bound(step_times.begin(), step_times.end(), time);
  if (it == step_times.begin()) return 0;
  if (it == step_times.end()) return step_times.size() - 1;
  const auto i = static_cast<std::size_t>(it - step_times.begin());
  return (step_times[i] - time < time - step_times[i - 1]) ? i : i - 1;
}

// Area-weighted mean of the finite values of the faces around each vertex (NaN where
// every face around it is NaN): the element fields are constant per tet, the page
// interpolates between vertices.
void faces_to_vertices(const SkinSurface& skin, const std::vector<double>& face_values, float* vertex_values) {
  std::vector<double> sum(skin.vertex_count(), 0.0), weight(skin.vertex_count(), 0.0);
  for (Index t = 0; t < skin.tri_count(); ++t) {
    if (std::isnan(face_values[t])) continue;
    for (const Index v : skin.tris[t]) {
      sum[v] += skin.area[t] * face_values[t];
      weight[v] += skin.area[t];
    }
  }
  for (Index v = 0; v < skin.vertex_count(); ++v)
    vertex_values[v] = weight[v] > 0 ? static_cast<float>(sum[v] / weight[v]) : std::numeric_limits<float>::quiet_NaN();
}

// Widens [lo, hi] to the finite values in [from, to).
void update_extremes(LessonField& field, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const float v = field.values[i];
    if (std::isnan(v)) continue;
    field.lo = std::min(field.lo, v);
    field.hi = std::max(field.hi, v);
  }
}

}  // namespace

const std::vector<LessonFieldInfo>& lesson_fields() {
  static const std::vector<LessonFieldInfo> infos = [] {
    std::vector<LessonFieldInfo> list;
    for (const FieldRule& rule : field_rules()) list.push_back(rule.info);
    return list;
  }();
  return infos;
}

std::vector<Index> shown_frames(Index frames, Index max_frames) {
  BACKSIM_ASSERT(max_frames >= 2, "shown_frames: at least the first and the last frame");
  std::vector<Index> shown;
  if (frames <= max_frames) {
    for (Index f = 0; f < frames; ++f) shown.push_back(f);
    return shown;
  }
  for (Index k = 0; k < max_frames; ++k) {
    const double exact = static_cast<double>(k) * static_cast<double>(frames - 1) / static_cast<double>(max_frames - 1);
    shown.push_back(static_cast<Index>(std::lround(exact)));
  }
  return shown;
}

std::string region_label(const std::string& region_name) {
  std::string base = region_name, side;
  for (const char* suffix : {"_left", "_right"}) {
    const std::string s(suffix);
    if (base.size() > s.size() && base.compare(base.size() - s.size(), s.size(), s) == 0) {
      side = s.substr(1);
      base.resize(base.size() - s.size());
    }
  }
  std::replace(base.begin(), base.end(), '_', ' ');
  if (!base.empty()) base[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(base[0])));
  return side.empty() ? base : base + " (" + side + ")";
}

LessonRun build_lesson_run(const RunFileReader& reader, const std::string& file, const LessonOptions& options) {
  LessonRun run;
  const TetMesh& mesh = reader.mesh();
  run.file = file;
  run.status = reader.root_string("status").value_or("unknown");
  run.backsim_version = reader.root_string("backsim_version").value_or("unknown");
  run.name = std::filesystem::path(file).stem().string();
  run.model = "unknown";

  // The tool's shape and the scenario's name come from the scenario text kept in the
  // file. A scenario this build cannot read (a mesh file that has moved, a newer key)
  // only costs the tool's shape: the page then marks the tool's position with a dot.
  if (const std::optional<std::string> text = reader.root_string("scenario")) {
    try {
      const Scenario scenario = parse_scenario(*text, file + " (scenario attribute)");
      if (!scenario.info.name.empty()) run.name = scenario.info.name;
      run.description = scenario.info.description;
      run.tool.shape = ToolGeometry::from_spec(scenario.spec.tool);
      using scenario_schema::GeometryType;
      run.model = scenario.model.type == GeometryType::back    ? "back"
                  : scenario.model.type == GeometryType::block ? "block"
                                                               : "mesh";
    } catch (const InvalidInput&) {
      run.tool.shape.reset();
    }
  }

  // Frames.
  const std::vector<double>& times = reader.frame_times();
  run.run_frames = static_cast<Index>(times.size());
  run.frame_index = shown_frames(run.run_frames, options.max_frames);
  for (const Index f : run.frame_index) run.frame_time.push_back(times[f]);
  const std::size_t frames = run.frame_index.size();

  // The skin and its motion.
  run.skin = extract_skin_surface(mesh, kMinSkinNormalZ);
  const SkinSurface& skin = run.skin;
  const std::size_t vertices = skin.vertex_count();
  for (const Index node : skin.mesh_node)
    for (int k = 0; k < 3; ++k) run.reference.push_back(static_cast<float>(mesh.nodes[node][k]));
  run.displacement.reserve(frames * vertices * 3);
  std::vector<double> distance_moved;  // [frames x vertices] m
  distance_moved.reserve(frames * vertices);
  for (const Index f : run.frame_index) {
    const std::vector<Vec3> u = reader.displacement(f);
    for (const Index node : skin.mesh_node) {
      for (int k = 0; k < 3; ++k) run.displacement.push_back(static_cast<float>(u[node][k]));
      distance_moved.push_back(u[node].norm());
    }
  }

  // Tets with tone at some shown frame are muscle (tone is 0 outside muscle).
  std::vector<bool> toned(mesh.tets.size(), false);
  if (reader.has_tet_field("/fields/tone")) {
    for (const Index f : run.frame_index) {
      const std::vector<double> tone = reader.tet_field("/fields/tone", f);
      for (std::size_t t = 0; t < tone.size(); ++t)
        if (tone[t] > 0) toned[t] = true;
    }
  }

  // The layers under each face, along the inward normal from its centre.
  if (mesh.region_names.size() > std::numeric_limits<std::uint16_t>::max())
    throw InvalidInput(file + ": more than 65535 regions");
  const TetFaceNeighbours neighbours = tet_face_neighbours(mesh);
  std::vector<Index> muscle_tet(skin.tri_count(), kInvalidIndex);
  run.layer_start.push_back(0);
  for (Index t = 0; t < skin.tri_count(); ++t) {
    const Tri& tri = skin.tris[t];
    const Vec3 centre = (mesh.nodes[skin.mesh_node[tri[0]]] + mesh.nodes[skin.mesh_node[tri[1]]] +
                         mesh.nodes[skin.mesh_node[tri[2]]]) / 3.0;
    const std::vector<ColumnSegment> column = tissue_column(mesh, neighbours, skin.tet_of_tri[t], centre, -skin.normal[t]);
    std::int32_t last_region = -1;
    for (const ColumnSegment& segment : column) {
      if (muscle_tet[t] == kInvalidIndex && toned[segment.tet]) muscle_tet[t] = segment.tet;
      const std::int32_t region = mesh.region[segment.tet];
      const auto thickness = static_cast<float>(segment.exit - segment.entry);
      if (region == last_region) {
        run.layer_thickness.back() += thickness;
      } else {
        run.layer_region.push_back(static_cast<std::uint16_t>(region));
        run.layer_thickness.push_back(thickness);
        last_region = region;
      }
    }
    run.layer_start.push_back(static_cast<std::uint32_t>(run.layer_region.size()));
    run.face_muscle.push_back(muscle_tet[t] == kInvalidIndex ? -1 : mesh.region[muscle_tet[t]]);
  }
  for (const std::string& name : mesh.region_names) run.region_label.push_back(region_label(name));

  // The fields, frame by frame.
  for (const FieldRule& rule : field_rules()) {
    if (rule.dataset && !reader.has_tet_field(rule.dataset)) continue;
    LessonField field{rule.info.key, {}, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
    field.values.resize(frames * vertices);
    std::vector<double> face_values(skin.tri_count());
    for (std::size_t k = 0; k < frames; ++k) {
      float* out = field.values.data() + k * vertices;
      if (rule.site == FieldSite::node_motion) {
        for (std::size_t v = 0; v < vertices; ++v)
          out[v] = static_cast<float>(rule.scale * distance_moved[k * vertices + v]);
      } else {
        const std::vector<double> tet_values = reader.tet_field(rule.dataset, run.frame_index[k]);
        for (Index t = 0; t < skin.tri_count(); ++t) {
          const Index tet = rule.site == FieldSite::skin ? skin.tet_of_tri[t] : muscle_tet[t];
          face_values[t] = tet == kInvalidIndex ? std::numeric_limits<double>::quiet_NaN() : rule.scale * tet_values[tet];
          if (tet != kInvalidIndex && !std::isfinite(tet_values[tet]))
            throw InvalidInput(file + ": " + rule.dataset + " frame " + std::to_string(run.frame_index[k]) +
                               " holds a non-finite value in tet " + std::to_string(tet));
        }
        faces_to_vertices(skin, face_values, out);
      }
      update_extremes(field, k * vertices, (k + 1) * vertices);
    }
    if (field.lo <= field.hi) run.fields.push_back(std::move(field));  // else: no value anywhere (a block has no muscle)
  }

  // The tool: where it is at each shown frame, and the path of its lowest point.
  const std::vector<double>& step_times = reader.tool_times();
  const std::vector<Vec3>& steps = reader.tool_positions();
  if (!steps.empty()) {
    for (const double time : run.frame_time) {
      const Vec3& p = steps[nearest_step(step_times, time)];
      for (int k = 0; k < 3; ++k) run.tool.position.push_back(static_cast<float>(p[k]));
    }
    // At most ~2000 points: the path is a line on the page, not a record.
    const std::size_t stride = std::max<std::size_t>(1, steps.size() / 2000);
    const double bottom = run.tool.shape ? run.tool.shape->bottom_offset() : 0.0;
    for (std::size_t s = 0; s < steps.size(); s += stride) {
      const std::size_t i = (s + stride >= steps.size()) ? steps.size() - 1 : s;
      for (int k = 0; k < 3; ++k) run.tool.path.push_back(static_cast<float>(steps[i][k] - (k == 2 ? bottom : 0.0)));
      run.tool.path_time.push_back(static_cast<float>(step_times[i]));
      if (i == steps.size() - 1) break;
    }
  }
  run.landmarks = reader.landmarks();
  return run;
}

std::optional<ColourScale> field_colour_scale(const std::string& key, const std::vector<const LessonRun*>& runs) {
  const FieldRule* rule = find_rule(key);
  BACKSIM_ASSERT(rule != nullptr, "field_colour_scale: unknown field");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const LessonRun* run : runs) {
    for (const LessonField& field : run->fields) {
      if (field.key != key) continue;
      lo = std::min(lo, double(field.lo));
      hi = std::max(hi, double(field.hi));
    }
  }
  if (!(lo <= hi)) return std::nullopt;
  if (!std::isnan(rule->anchor)) {
    lo = std::min(lo, rule->anchor);
    hi = std::max(hi, rule->anchor);
  }
  if (hi - lo < rule->minimum_span) {
    // Widen away from the anchor when the data sit on it (rest), else around the middle.
    if (!std::isnan(rule->anchor) && lo == rule->anchor) {
      hi = lo + rule->minimum_span;
    } else if (!std::isnan(rule->anchor) && hi == rule->anchor) {
      lo = hi - rule->minimum_span;
    } else {
      const double middle = 0.5 * (lo + hi);
      lo = middle - 0.5 * rule->minimum_span;
      hi = middle + 0.5 * rule->minimum_span;
    }
  }
  if (!std::isnan(rule->floor) && lo < rule->floor) {
    hi += rule->floor - lo;
    lo = rule->floor;
  }
  return round_colour_scale(lo, hi);
}

}  // namespace backsim::cli
