// The scenario schema: which tables and keys exist, their dimensions and allowed
// ranges, and the checks that involve several keys. Reading a single value (types,
// units, positions) is TableReader's job.
#include "scenarios/scenario.hpp"
#include "scenarios/scenario_table.hpp"

#include "scenarios/issue_log.hpp"
#include "scenarios/schema_names.hpp"
#include "scenarios/table_reader.hpp"
#include "scenarios/units.hpp"
#include "scenarios/techniques.hpp"
#include "models/back/back_anatomy.hpp"
#include "models/back/fibre_path.hpp"
#include "models/hand/contact_surfaces.hpp"
#include "models/hand/skin_friction.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <span>

namespace backsim {
namespace {

namespace schema = scenario_schema;
using units::Dimension;

constexpr std::array<std::string_view, 11> kTableNames{
    "scenario", "geometry", "material", "boundary", "tool", "motion", "zone", "solver", "output", "physiology", "run"};

// The keys of one stroke ([motion] and each [[motion.then]]).
const std::vector<std::string_view> kStrokeKeys{
    "technique", "control", "tool", "path", "fibre_path", "press_depth", "normal_force", "max_depth", "press_time",
    "hold_time", "speed", "release_time", "lift_height", "repetitions", "start_time", "oscillation",
    "oscillation_amplitude", "oscillation_frequency", "oscillation_axis", "percussion_amplitude",
    "percussion_frequency"};

// A zone's avoided area: its radius (a rectangle's half diagonal) plus the tool's
// reach in the surface plane and this margin, for the skin that friction drags and
// the contact that spreads beyond the tool's outline.
constexpr double kAvoidanceMargin = 0.01;  // m

constexpr std::string_view kSpineZone = "spinous_processes";

// A mesh larger than this takes far too long to be what someone meant; the limit also
// keeps every node and element id well inside the 32-bit Index.
constexpr std::int64_t kMaxTets = 5'000'000;
constexpr std::int64_t kTetsPerCell = 6;

// geometry.subject: a cohort larger than this is no study that finishes (each subject is
// a run); the bound only keeps the index a plain, printable integer.
constexpr std::int64_t kMaxCohortSubject = 1'000'000;

// An axis whose length is within this many ulps of 1 is already normalised (it was
// written by write_scenario_toml); dividing it again would change its last bits and
// break the exact round trip.
constexpr double kUnitLengthTolerance = 4.0 * std::numeric_limits<double>::epsilon();

Interval closed_interval(double lower, double upper) { return Interval{lower, false, upper, false}; }
Interval open_interval(double lower, double upper) { return Interval{lower, true, upper, true}; }

std::string join_names(std::span<const std::string_view> names) {
  std::string list;
  for (std::string_view name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

class ScenarioLoader {
 public:
  ScenarioLoader(const toml::table& root, IssueLog& log) : root_(root), log_(log) {
    check_top_level();
  }

  // Fills spec_ and info_ from the file; problems go to the log.
  void load() {
    read_info();
    read_geometry();
    read_material();
    read_boundary();
    read_tool();
    read_motion();
    read_zones();
    read_solver_and_output();
    check_dynamic_strokes();
    check_xpbd_strokes();
    read_physiology();
    read_run();
  }

  const SimulationSpec& spec() const { return spec_; }
  const ScenarioInfo& info() const { return info_; }
  const ModelSource& model() const { return model_; }
  void set_base_directory(std::filesystem::path base) { base_directory_ = std::move(base); }

 private:
  void check_top_level() {
    for (const auto& [key, node] : root_) {
      const toml::source_position at = key.source().begin;
      const SourcePosition where{static_cast<int>(at.line), static_cast<int>(at.column)};
      const bool known =
          std::find(kTableNames.begin(), kTableNames.end(), key.str()) != kTableNames.end();
      if (!known) {
        log_.report(where, node.is_table()
                               ? fmt::format("unknown table [{}]; allowed tables: {}", key.str(),
                                             join_names(kTableNames))
                               : fmt::format("unknown top-level key {}; every key belongs to one "
                                             "of the tables: {}",
                                             key.str(), join_names(kTableNames)));
      } else if (key.str() == "zone") {
        if (!node.is_array_of_tables())
          log_.report(where, "zone must be an array of tables: write each zone as a [[zone]] table");
      } else if (!node.is_table()) {
        log_.report(where, fmt::format("{} must be a table ([{}]) of keys", key.str(), key.str()));
      }
    }
  }

  TableReader table(std::string_view name, std::vector<std::string_view> keys) {
    const toml::node* node = root_.get(name);
    const toml::table* table = node != nullptr ? node->as_table() : nullptr;
    // A missing table puts a missing required key at the start of the file.
    const SourcePosition header = table != nullptr ? position_of(*table) : SourcePosition{1, 1};
    return TableReader(table, name, header, std::move(keys), log_,
                       node != nullptr && table == nullptr);
  }

  template <class T>
  static void assign(T& field, const std::optional<T>& value) {
    if (value) field = *value;
  }

  void read_info() {
    TableReader t = table("scenario", {"name", "description"});
    assign(info_.name, t.string("name"));
    assign(info_.description, t.string("description"));
  }

  bool is_block() const { return model_.type == schema::GeometryType::block; }

  void read_geometry() {
    std::vector<std::string_view> keys{"type", "size", "cells", "grading", "preset", "resolution",
                                       "file", "format", "length_scale", "region_field", "fibre_field",
                                       "regions", "posture", "cohort_seed", "subject"};
    for (const models::SubjectParameterInfo& p : models::subject_parameters()) keys.push_back(p.name);
    TableReader t = table("geometry", keys);
    const std::optional<schema::GeometryType> type = t.choice("type", schema::kGeometryTypes);
    assign(model_.type, type);
    posture_ = t.choice("posture", schema::kPostures);
    if (posture_) model_.back.position = *posture_;
    const auto type_name = [&] { return schema::name_of(schema::kGeometryTypes, model_.type); };
    // Reports a key of another geometry type; true if the key may be used.
    const auto applies = [&](std::string_view key, schema::GeometryType owner) {
      if (!t.has(key) || model_.type == owner || (t.has("type") && !type)) return model_.type == owner;
      t.report(t.position(key), fmt::format("{} applies only to geometry.type = \"{}\", not \"{}\"; remove it",
                                            t.qualified(key), schema::name_of(schema::kGeometryTypes, owner),
                                            type_name()));
      return false;
    };
    const bool block_keys = applies("size", schema::GeometryType::block) & applies("cells", schema::GeometryType::block) &
                            applies("grading", schema::GeometryType::block);
    bool back_keys = applies("preset", schema::GeometryType::back) & applies("resolution", schema::GeometryType::back) &
                     applies("cohort_seed", schema::GeometryType::back) & applies("subject", schema::GeometryType::back);
    for (const models::SubjectParameterInfo& p : models::subject_parameters())
      back_keys = applies(p.name, schema::GeometryType::back) && back_keys;
    bool mesh_keys = true;
    for (std::string_view key : {"file", "format", "length_scale", "region_field", "fibre_field", "regions"})
      mesh_keys = applies(key, schema::GeometryType::mesh) && mesh_keys;
    if (t.has("type") && !type) {
      size_known_ = false;
      return;
    }
    switch (model_.type) {
      case schema::GeometryType::block:
        if (block_keys) read_block_geometry(t);
        break;
      case schema::GeometryType::back:
        size_known_ = false;
        if (back_keys) read_back_geometry(t);
        break;
      case schema::GeometryType::mesh:
        size_known_ = false;
        if (mesh_keys) read_mesh_geometry(t);
        break;
    }
  }

  void read_block_geometry(TableReader& t) {
    const std::optional<Vec3> size = t.quantity3("size", Dimension::length, Interval::positive());
    assign(spec_.geometry.size, size);
    size_known_ = size.has_value() || !t.has("size");
    // For a problem that involves the thickness (a depth), blame size[2] if it was written.
    thickness_position_ = t.has("size") ? t.element_position("size", 2) : SourcePosition{};

    // Each axis alone may use the whole budget; the product is checked below.
    const std::optional<std::array<std::int64_t, 3>> cells =
        t.integer3("cells", 1, kMaxTets / kTetsPerCell);
    if (cells) {
      const std::int64_t tets = kTetsPerCell * (*cells)[0] * (*cells)[1] * (*cells)[2];
      if (tets > kMaxTets) {
        t.report(t.position("cells"),
                 fmt::format("geometry.cells = [{}, {}, {}] gives {} tetrahedra (6 per cell); "
                             "allowed: at most {}",
                             (*cells)[0], (*cells)[1], (*cells)[2], tets, kMaxTets));
      } else {
        for (std::size_t axis = 0; axis < 3; ++axis) {
          spec_.geometry.cells[axis] = static_cast<Index>((*cells)[axis]);
        }
      }
    }
    assign(spec_.geometry.grading, t.quantity("grading", Dimension::dimensionless, closed_interval(1.0, 100.0)));
  }

  // A procedural back: preset, resolution, then subject parameters overriding the preset.
  void read_back_geometry(TableReader& t) {
    BackSource& back = model_.back;
    assign(back.preset, t.choice("preset", schema::kPresets));
    assign(back.resolution, t.choice("resolution", schema::kResolutions));
    bool subject_valid = read_cohort_subject(t);
    // File order, so that the resolved text lists them as written.
    std::vector<std::pair<SourcePosition, const models::SubjectParameterInfo*>> present;
    for (const models::SubjectParameterInfo& p : models::subject_parameters())
      if (t.has(p.name)) present.emplace_back(t.position(p.name), &p);
    std::stable_sort(present.begin(), present.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first.line, a.first.column) < std::pair(b.first.line, b.first.column);
    });
    for (const auto& [where, p] : present) {
      const std::optional<double> value = t.quantity(
          p->name, p->is_length ? Dimension::length : Dimension::dimensionless, closed_interval(p->min, p->max));
      if (value) back.overrides.emplace_back(std::string(p->name), *value);
      else subject_valid = false;
    }
    if (!subject_valid) return;
    try {
      models::validate_subject(back.subject());
      back_anatomy_ = std::make_unique<models::BackAnatomy>(back.subject());
    } catch (const InvalidInput& error) {
      t.report(t.position("type"), fmt::format("geometry: {}", error.what()));
    }
  }

  // geometry.cohort_seed and geometry.subject: subject `subject` of the preset's virtual
  // cohort with that seed (models::sample_subject), so that a resolved scenario of a study
  // reproduces a sampled back exactly. They come as a pair: a seed alone would silently
  // mean subject 0, an index alone has no cohort. False if they are not usable.
  bool read_cohort_subject(TableReader& t) {
    BackSource& back = model_.back;
    const bool has_seed = t.has("cohort_seed"), has_subject = t.has("subject");
    if (has_seed != has_subject) {
      const std::string_view present = has_seed ? "cohort_seed" : "subject";
      t.report(t.position(present), fmt::format("{} needs {} too: a cohort subject is named by the cohort's seed and "
                                                "the subject's index",
                                                t.qualified(present), t.qualified(has_seed ? "subject" : "cohort_seed")));
      return false;
    }
    if (!has_seed) return true;
    const std::optional<std::int64_t> seed = t.integer("cohort_seed", 0, std::numeric_limits<std::int64_t>::max());
    const std::optional<std::int64_t> index = t.integer("subject", 0, kMaxCohortSubject);
    if (!seed || !index) return false;
    back.cohort_seed = static_cast<std::uint64_t>(*seed);
    back.subject_index = static_cast<std::uint64_t>(*index);
    return true;
  }

  // A mesh file and its region table.
  void read_mesh_geometry(TableReader& t) {
    MeshSource& mesh = model_.mesh;
    if (t.require("file", "a path to a .msh, .vtk or .vtu file")) {
      if (const std::optional<std::string> file = t.string("file")) {
        std::filesystem::path path(*file);
        if (path.is_relative()) path = (base_directory_ / path).lexically_normal();
        mesh.file = path.string();
        std::error_code error;
        if (!std::filesystem::is_regular_file(path, error)) {
          t.report(t.position("file"), fmt::format("geometry.file = \"{}\": no such file ({})", *file, mesh.file));
        }
        const std::optional<models::MeshFormat> from_extension = models::mesh_format_from_path(path);
        if (from_extension) mesh.format = *from_extension;
        if (!t.has("format") && !from_extension) {
          t.report(t.position("file"), fmt::format("geometry.file = \"{}\": unknown extension \"{}\"; allowed: .msh, .vtk, "
                                                   ".vtu, or name the format with geometry.format",
                                                   *file, path.extension().string()));
        }
      }
    }
    assign(mesh.format, t.choice("format", schema::kMeshFormats));
    assign(mesh.options.length_scale, t.quantity("length_scale", Dimension::dimensionless, open_interval(0.0, 1e6)));
    assign(mesh.options.region_field, t.string("region_field"));
    assign(mesh.options.fibre_field, t.string("fibre_field"));
    if (!t.require("regions", "an array of tables [[geometry.regions]] with source and region")) return;
    const toml::node* node = root_.at_path("geometry.regions").node();
    const toml::array* array = node != nullptr ? node->as_array() : nullptr;
    if (array == nullptr || !array->is_array_of_tables() || array->empty()) {
      t.report(t.position("regions"), "geometry.regions must be an array of tables ([[geometry.regions]]), at least one");
      return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::table* entry = array->get(i)->as_table();
      TableReader r(entry, fmt::format("geometry.regions[{}]", i), position_of(*entry),
                    {"source", "region", "role", "youngs_modulus", "poisson_ratio", "density", "fibre"}, log_);
      models::RegionRule rule;
      if (r.require("source", "the physical group name or tag, or the cell field value, as a string"))
        assign(rule.source, r.string("source"));
      if (r.require("region", "a region name")) assign(rule.region, r.string("region"));
      const std::optional<schema::RegionRole> role = r.choice("role", schema::kRegionRoles);
      rule.bone = role == schema::RegionRole::bone;
      if (rule.bone) {
        for (std::string_view key : {"youngs_modulus", "poisson_ratio", "density", "fibre"})
          if (r.has(key))
            r.report(r.position(key), fmt::format("{} does not apply to role = \"bone\" (bone is rigid); remove it",
                                                  r.qualified(key)));
      } else {
        assign(rule.material.youngs_modulus, r.quantity("youngs_modulus", Dimension::pressure, Interval::positive()));
        assign(rule.material.poisson_ratio,
               r.quantity("poisson_ratio", Dimension::dimensionless, Interval{0.0, false, 0.5, true}));
        assign(rule.material.density, r.quantity("density", Dimension::density, Interval::positive()));
        if (const std::optional<Vec3> fibre = r.quantity3("fibre", Dimension::dimensionless, Interval::any())) {
          if (fibre->norm() == 0.0) r.report(r.position("fibre"), fmt::format("{} = [0, 0, 0] has no direction", r.qualified("fibre")));
          else rule.fibre = *fibre;
        }
      }
      mesh.options.regions.push_back(std::move(rule));
    }
  }

  void read_material() {
    TableReader t = table("material", {"model", "youngs_modulus", "poisson_ratio", "density"});
    assign(spec_.material_model, t.choice("model", schema::kMaterialModels));
    if (!is_block()) {
      for (std::string_view key : {"youngs_modulus", "poisson_ratio", "density"})
        if (t.has(key))
          t.report(t.position(key), fmt::format("{} applies only to geometry.type = \"block\"; a {} takes its "
                                                "materials per region{}; remove it",
                                                t.qualified(key), schema::name_of(schema::kGeometryTypes, model_.type),
                                                model_.type == schema::GeometryType::mesh ? " (geometry.regions)" : ""));
      return;
    }
    assign(spec_.material.youngs_modulus,
           t.quantity("youngs_modulus", Dimension::pressure, Interval::positive()));
    // nu = 0.5 is incompressible: the Lame parameter lambda would be infinite.
    assign(spec_.material.poisson_ratio,
           t.quantity("poisson_ratio", Dimension::dimensionless, Interval{0.0, false, 0.5, true}));
    assign(spec_.material.density, t.quantity("density", Dimension::density, Interval::positive()));
  }

  void read_boundary() {
    TableReader t = table("boundary", {"fixed"});
    if (!is_block()) {
      if (t.has("fixed"))
        t.report(t.position("fixed"), fmt::format("boundary.fixed applies only to geometry.type = \"block\"; a {} is "
                                                  "held by its bone; remove it",
                                                  schema::name_of(schema::kGeometryTypes, model_.type)));
      return;
    }
    const std::optional<schema::FixedFaces> fixed = t.choice("fixed", schema::kFixedFaces);
    if (fixed) {
      spec_.boundary.fix_bottom = true;
      spec_.boundary.fix_sides = *fixed == schema::FixedFaces::bottom_and_sides;
    }
  }

  void read_tool() {
    TableReader t = table("tool", {"surface", "skin", "shape", "radius", "length", "half_extents", "axis",
                                   "friction", "mass", "damping"});
    read_skin_friction(t);
    assign(spec_.tool.mass, t.quantity("mass", Dimension::mass, Interval::positive()));
    assign(spec_.tool.damping, t.quantity("damping", Dimension::damping, Interval::non_negative()));
    tool_position_ = t.position("shape");
    if (t.has("surface")) {
      read_tool_surface(t);
      return;
    }
    // Without a shape the first stroke's technique names the hand's surface (read_motion).
    if (!t.has("shape")) return;
    tool_defined_ = true;
    const std::optional<ToolShape> shape = t.choice("shape", schema::kToolShapes);
    assign(spec_.tool.shape, shape);
    const auto shape_name = [&] { return schema::name_of(schema::kToolShapes, *shape); };
    // Reports a key that only makes sense for some shapes; true if the key may be used.
    const auto applies = [&](std::string_view key, bool applicable, std::string_view only_for) {
      if (!t.has(key) || !shape || applicable) return true;
      t.report(t.position(key), fmt::format("{} applies only to {}, not to shape = \"{}\"; remove it",
                                            t.qualified(key), only_for, shape_name()));
      return false;
    };

    // A box's radius rounds its corners and may be 0; spheres and capsules need a body.
    const bool is_box = shape == ToolShape::box;
    assign(spec_.tool.radius, t.quantity("radius", Dimension::length,
                                         is_box || !shape ? Interval::non_negative()
                                                          : Interval::positive()));

    if (applies("length", shape == ToolShape::capsule, "shape = \"capsule\"")) {
      assign(spec_.tool.length, t.quantity("length", Dimension::length, Interval::non_negative()));
    }
    if (applies("half_extents", is_box, "shape = \"box\"")) {
      assign(spec_.tool.half_extents,
             t.quantity3("half_extents", Dimension::length, Interval::positive()));
    }
    if (applies("axis", shape != ToolShape::sphere, "shape = \"capsule\" or \"box\"")) {
      read_tool_axis(t);
    }
    // A box's edges are sharp unless a radius is given, and rounded edges must fit inside it.
    if (is_box && !t.has("radius")) spec_.tool.radius = 0.0;
    if (is_box && t.has("radius") && spec_.tool.radius > spec_.tool.half_extents.minCoeff()) {
      t.report(t.position("radius"),
               fmt::format("tool.radius = {} m rounds the box's edges and must not exceed its smallest half "
                           "extent, {} m",
                           spec_.tool.radius, spec_.tool.half_extents.minCoeff()));
    }
  }

  // tool.friction (a coefficient) or tool.skin (what is on the skin: a named preset).
  void read_skin_friction(TableReader& t) {
    if (t.has("skin") && t.has("friction")) {
      t.report(t.position("friction"), "tool.friction and tool.skin both set the friction coefficient; keep one");
      return;
    }
    assign(spec_.tool.friction, t.quantity("friction", Dimension::dimensionless, closed_interval(0.0, 2.0)));
    const std::optional<std::string> skin = t.string("skin");
    if (!skin) return;
    const FrictionPreset* preset = find_friction_preset(*skin);
    if (preset == nullptr) {
      std::string names;
      for (const FrictionPreset& p : friction_presets()) names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", p.name);
      t.report(t.position("skin"), fmt::format("tool.skin = \"{}\" is not a skin condition; allowed: {}", *skin, names));
      return;
    }
    spec_.tool.friction = preset->coefficient;
  }

  // tool.surface: one of the hand's contact surfaces (models/hand), laid along or
  // across the first stroke once its path is known (read_motion).
  void read_tool_surface(TableReader& t) {
    for (std::string_view key : {"shape", "radius", "length", "half_extents", "axis"}) {
      if (t.has(key))
        t.report(t.position(key), fmt::format("tool.{} is set by tool.surface (a hand's contact surface); remove "
                                              "one of them",
                                              key));
    }
    const std::optional<std::string> name = t.string("surface");
    if (!name) return;
    const ContactSurfaceSpec* surface = find_contact_surface(*name);
    if (surface == nullptr) {
      t.report(t.position("surface"), fmt::format("tool.surface = \"{}\" is not a contact surface; allowed: {}",
                                                  *name, surface_names()));
      return;
    }
    tool_defined_ = true;
    first_surface_ = surface;
  }

  static std::string surface_names() {
    std::string names;
    for (const ContactSurfaceSpec& s : contact_surfaces())
      names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", s.name);
    return names;
  }

  // The stroke's direction on the skin (its path's first segment; across the back, y,
  // for a stroke made at one point), for laying a surface along or across it.
  static std::array<double, 2> stroke_direction(const MotionSpec& stroke) {
    if (stroke.path.size() < 2) return {0.0, 1.0};
    return {stroke.path[1][0] - stroke.path[0][0], stroke.path[1][1] - stroke.path[0][1]};
  }

  // A hand surface as the run's tool: friction, mass and damping from [tool]. Returns
  // its index (MotionSpec::tool), reusing an identical tool.
  int surface_tool(const ContactSurfaceSpec& surface, const MotionSpec& stroke) {
    ToolSpec tool = contact_surface_tool(surface, stroke_direction(stroke));
    tool.friction = spec_.tool.friction;
    tool.mass = spec_.tool.mass;
    tool.damping = spec_.tool.damping;
    return tool_index(tool);
  }

  // Fields a shape does not use at their defaults, so that equal tools compare equal
  // and the resolved text (which leaves them out) reads back to the same spec.
  static ToolSpec canonical(ToolSpec tool) {
    const ToolSpec defaults;
    if (tool.shape != ToolShape::capsule) tool.length = defaults.length;
    if (tool.shape != ToolShape::box) tool.half_extents = defaults.half_extents;
    if (tool.shape == ToolShape::sphere) tool.axis = defaults.axis;
    tool.axis += Vec3::Zero();  // -0 -> +0: a rotated axis can carry a negative zero, the text would not
    return tool;
  }

  int tool_index(ToolSpec tool) {
    tool = canonical(tool);
    const auto same = [](const ToolSpec& a, const ToolSpec& b) {
      return a.shape == b.shape && a.radius == b.radius && a.length == b.length && a.half_extents == b.half_extents &&
             a.axis == b.axis && a.friction == b.friction && a.mass == b.mass && a.damping == b.damping;
    };
    if (same(tool, spec_.tool)) return 0;
    for (std::size_t k = 0; k < spec_.other_tools.size(); ++k)
      if (same(tool, spec_.other_tools[k])) return static_cast<int>(k) + 1;
    spec_.other_tools.push_back(tool);
    return static_cast<int>(spec_.other_tools.size());
  }

  void read_tool_axis(TableReader& t) {
    const std::optional<Vec3> axis = t.quantity3("axis", Dimension::dimensionless, Interval::any());
    if (!axis) return;
    if ((*axis)[2] != 0.0) {
      t.report(t.element_position("axis", 2),
               fmt::format("tool.axis[2] = {} must be 0: the axis lies in the skin plane (x, y)",
                           (*axis)[2]));
      return;
    }
    // hypot: no overflow for huge components (x*x could overflow).
    const double length = std::hypot((*axis)[0], (*axis)[1]);
    if (length == 0.0) {
      t.report(t.position("axis"), "tool.axis = [0, 0, 0] has no direction; allowed: a non-zero "
                                   "vector in the skin plane, e.g. [1, 0, 0]");
      return;
    }
    spec_.tool.axis = std::fabs(length - 1.0) <= kUnitLengthTolerance ? *axis : Vec3(*axis / length);
  }

  void read_motion() {
    std::vector<std::string_view> keys = kStrokeKeys;
    keys.push_back("then");
    TableReader t = table("motion", keys);
    const Technique* technique = nullptr;
    const std::optional<ToolControl> control = read_stroke_head(t, spec_.motion, true, technique);
    read_stroke(t, control, spec_.motion);
    // the first stroke's tool is tool 0: [tool], or motion.tool, or the technique's surface
    const ContactSurfaceSpec* surface = first_surface_;
    if (t.has("tool")) {
      if (tool_defined_)
        t.report(t.position("tool"), "motion.tool and the [tool] table both give the first stroke's tool; keep one");
      surface = stroke_surface(t);
    } else if (!tool_defined_ && technique != nullptr) {
      surface = find_contact_surface(technique->tool);
    }
    if (surface != nullptr) {
      ToolSpec tool = contact_surface_tool(*surface, stroke_direction(spec_.motion));
      tool.friction = spec_.tool.friction;
      tool.mass = spec_.tool.mass;
      tool.damping = spec_.tool.damping;
      spec_.tool = canonical(tool);
    } else if (!tool_defined_ && !t.has("tool")) {
      log_.report(tool_position_, fmt::format("the tool is missing: set tool.shape ({}), tool.surface ({}) or a "
                                              "motion.technique, which brings its hand surface",
                                              schema::quoted_names(schema::kToolShapes), surface_names()));
    }
    read_following();
  }

  // A stroke's technique (its defaults go into `out` first) and control: the key, or the
  // technique's, or (a following stroke) the previous stroke's.
  std::optional<ToolControl> read_stroke_head(TableReader& t, MotionSpec& out, bool first,
                                              const Technique*& technique) {
    technique = nullptr;
    if (const std::optional<std::string> name = t.string("technique")) {
      technique = find_technique(*name);
      if (technique == nullptr) {
        std::string names;
        for (const Technique& k : techniques()) names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", k.name);
        t.report(t.position("technique"), fmt::format("{} = \"{}\" is not a technique; allowed: {} (backsim "
                                                      "techniques lists them)",
                                                      t.qualified("technique"), *name, names));
      } else {
        apply_technique(*technique, out);
      }
    }
    std::optional<ToolControl> control;
    if (t.has("control")) control = t.choice("control", schema::kToolControls);
    else if (technique != nullptr) control = technique->control;
    else if (!first) control = out.control;
    else if (!t.has("technique"))
      t.report(t.position("control"), fmt::format("motion.control is missing; allowed: {}, or a motion.technique "
                                                  "that brings its own",
                                                  schema::quoted_names(schema::kToolControls)));
    assign(out.control, control);
    return control;
  }

  // A stroke's own tool written out: { shape = ..., radius = ..., ... } (friction,
  // mass and damping are [tool]'s).
  std::optional<ToolSpec> read_inline_tool(const toml::table& table, const std::string& name) {
    TableReader t(&table, name, position_of(table), {"shape", "radius", "length", "half_extents", "axis"}, log_);
    ToolSpec tool;
    tool.friction = spec_.tool.friction;
    tool.mass = spec_.tool.mass;
    tool.damping = spec_.tool.damping;
    if (!t.require("shape", schema::quoted_names(schema::kToolShapes))) return std::nullopt;
    const std::optional<ToolShape> shape = t.choice("shape", schema::kToolShapes);
    const std::optional<double> radius = t.quantity("radius", Dimension::length, Interval::non_negative());
    if (!shape || !radius) return std::nullopt;
    tool.shape = *shape;
    tool.radius = *radius;
    if (tool.shape == ToolShape::capsule) assign(tool.length, t.quantity("length", Dimension::length, Interval::non_negative()));
    if (tool.shape == ToolShape::box) assign(tool.half_extents, t.quantity3("half_extents", Dimension::length, Interval::positive()));
    if (tool.shape != ToolShape::sphere) {
      if (const std::optional<Vec3> axis = t.quantity3("axis", Dimension::dimensionless, Interval::any())) {
        const double length = std::hypot((*axis)[0], (*axis)[1]);
        if ((*axis)[2] != 0.0 || length == 0.0) {
          t.report(t.position("axis"), fmt::format("{}.axis must be a non-zero direction in the skin plane", name));
          return std::nullopt;
        }
        tool.axis = std::fabs(length - 1.0) <= kUnitLengthTolerance ? *axis : Vec3(*axis / length);
      }
    }
    if ((tool.shape != ToolShape::box && tool.radius <= 0) ||
        (tool.shape == ToolShape::box && tool.radius > tool.half_extents.minCoeff())) {
      t.report(t.position("radius"), fmt::format("{}.radius = {} m does not fit the shape", name, tool.radius));
      return std::nullopt;
    }
    return tool;
  }

  // The hand surface a stroke's `tool` key names, or nullptr (reported).
  const ContactSurfaceSpec* stroke_surface(TableReader& t) {
    const std::optional<std::string> name = t.string("tool");
    if (!name) return nullptr;
    const ContactSurfaceSpec* surface = find_contact_surface(*name);
    if (surface == nullptr)
      t.report(t.position("tool"), fmt::format("{} = \"{}\" is not a contact surface; allowed: {}",
                                               t.qualified("tool"), *name, surface_names()));
    return surface;
  }

  // The keys of one stroke, into `out` (absent keys keep its values).
  void read_stroke(TableReader& t, std::optional<ToolControl> control, MotionSpec& out) {
    read_path(t, out);
    read_oscillation(t, control, out);

    // Keys of the other control mode are errors, not silently ignored values.
    const auto applies = [&](std::string_view key, ToolControl mode, std::string_view why) {
      if (!t.has(key) || !control || *control == mode) return true;
      t.report(t.position(key),
               fmt::format("{} applies only to control = \"{}\", not \"{}\" ({}); remove it",
                           t.qualified(key), schema::name_of(schema::kToolControls, mode),
                           schema::name_of(schema::kToolControls, *control), why));
      return false;
    };
    const bool kinematic = control == ToolControl::kinematic;
    const bool force = control == ToolControl::force;
    if (applies("press_depth", ToolControl::kinematic,
                "under force control the depth is an outcome; motion.max_depth limits it")) {
      const std::optional<double> depth =
          t.quantity("press_depth", Dimension::length, Interval::positive());
      assign(out.press_depth, depth);
      if (kinematic && (depth || !t.has("press_depth"))) {
        check_below_thickness(t, "press_depth", out.press_depth);
      }
    }
    if (applies("normal_force", ToolControl::force,
                "a kinematic tool follows motion.press_depth instead")) {
      assign(out.normal_force, t.quantity("normal_force", Dimension::force, Interval::positive()));
    }
    if (applies("max_depth", ToolControl::force,
                "a kinematic tool follows motion.press_depth instead")) {
      const std::optional<double> depth =
          t.quantity("max_depth", Dimension::length, Interval::positive());
      assign(out.max_depth, depth);
      if (force && (depth || !t.has("max_depth"))) {
        check_below_thickness(t, "max_depth", out.max_depth);
      }
    }
    assign(out.press_time, t.quantity("press_time", Dimension::time, Interval::positive()));
    assign(out.hold_time, t.quantity("hold_time", Dimension::time, Interval::non_negative()));
    assign(out.speed, t.quantity("speed", Dimension::velocity, Interval::positive()));
    assign(out.start_time, t.quantity("start_time", Dimension::time, Interval::non_negative()));
    read_repetitions(t, out);
  }

  // In-plane oscillation (friction) and percussion (tapotement, vibration).
  void read_oscillation(TableReader& t, std::optional<ToolControl> control, MotionSpec& out) {
    assign(out.oscillation, t.choice("oscillation", schema::kPathOscillations));
    assign(out.oscillation_amplitude,
           t.quantity("oscillation_amplitude", Dimension::length, Interval::non_negative()));
    assign(out.oscillation_frequency,
           t.quantity("oscillation_frequency", Dimension::rate, Interval::non_negative()));
    if (const std::optional<Vec3> axis = t.quantity3("oscillation_axis", Dimension::dimensionless, Interval::any())) {
      const double length = std::hypot((*axis)[0], (*axis)[1]);
      if ((*axis)[2] != 0.0 || length == 0.0)
        t.report(t.position("oscillation_axis"),
                 fmt::format("{} must be a non-zero direction in the skin plane, [x, y, 0]", t.qualified("oscillation_axis")));
      else
        out.oscillation_axis = std::fabs(length - 1.0) <= kUnitLengthTolerance
                                   ? std::array<double, 2>{(*axis)[0], (*axis)[1]}
                                   : std::array<double, 2>{(*axis)[0] / length, (*axis)[1] / length};
    }
    if (out.oscillation != PathOscillation::none && (out.oscillation_amplitude == 0.0 || out.oscillation_frequency == 0.0))
      t.report(t.position("oscillation"), fmt::format("{} = \"{}\" needs oscillation_amplitude > 0 and "
                                                      "oscillation_frequency > 0",
                                                      t.qualified("oscillation"),
                                                      schema::name_of(schema::kPathOscillations, out.oscillation)));
    assign(out.percussion_amplitude, t.quantity("percussion_amplitude", Dimension::length, Interval::non_negative()));
    assign(out.percussion_frequency,
           t.quantity("percussion_frequency", Dimension::rate, Interval::non_negative()));
    if (out.percussion_amplitude > 0.0 && out.percussion_frequency == 0.0)
      t.report(t.position("percussion_amplitude"),
               fmt::format("{} > 0 needs {} > 0", t.qualified("percussion_amplitude"), t.qualified("percussion_frequency")));
    // a strike is driven by the hand's movement: its depth, not a force target
    if (out.percussion_amplitude > 0.0 && control == ToolControl::force)
      t.report(t.has("percussion_amplitude") ? t.position("percussion_amplitude") : t.position("control"),
               fmt::format("{} (percussion) needs control = \"kinematic\": a strike is a prescribed movement "
                           "whose force is an outcome",
                           t.qualified("percussion_amplitude")));
  }

  // [[motion.then]]: strokes made after the first, each starting from the previous
  // stroke's values. Every stroke but the last must be released (it lifts the tool
  // before the next begins).
  void read_following() {
    const toml::node* motion = root_.get("motion");
    const toml::node* then = motion != nullptr && motion->is_table() ? motion->as_table()->get("then") : nullptr;
    if (then == nullptr) return;
    const toml::array* strokes = then->as_array();
    if (strokes == nullptr || !strokes->is_array_of_tables()) {
      log_.report(position_of(*then), "motion.then must be an array of tables: write each following stroke "
                                      "as a [[motion.then]] table");
      return;
    }
    const std::vector<std::string_view>& keys = kStrokeKeys;
    SourcePosition previous_position = position_of(*motion);
    std::string previous_name = "motion (the first stroke)";
    const MotionSpec* previous = &spec_.motion;
    for (std::size_t i = 0; i < strokes->size(); ++i) {
      const toml::table& table = *(*strokes)[i].as_table();
      if (previous->release_time == 0.0) {
        log_.report(previous_position,
                    fmt::format("{} is followed by motion.then[{}], so it needs release_time > 0: the tool "
                                "lifts off before the next stroke begins",
                                previous_name, i));
      }
      MotionSpec stroke = *previous;
      const std::string name = fmt::format("motion.then[{}]", i);
      TableReader t(&table, name, position_of(table), keys, log_);
      const Technique* technique = nullptr;
      const std::optional<ToolControl> control = read_stroke_head(t, stroke, false, technique);
      read_stroke(t, control, stroke);
      // a named surface, an explicit tool or the technique's surface changes the tool;
      // else the previous one's
      const toml::node* tool = table.get("tool");
      if (tool != nullptr && tool->is_table()) {
        if (const std::optional<ToolSpec> explicit_tool = read_inline_tool(*tool->as_table(), name + ".tool"))
          stroke.tool = tool_index(*explicit_tool);
      } else {
        const ContactSurfaceSpec* surface = tool != nullptr          ? stroke_surface(t)
                                            : technique != nullptr ? find_contact_surface(technique->tool)
                                                                   : nullptr;
        if (surface != nullptr) stroke.tool = surface_tool(*surface, stroke);
      }
      if (stroke.release_time == 0.0 && !t.has("repetitions")) stroke.repetitions = 1;  // not inherited
      spec_.following.push_back(stroke);
      previous = &spec_.following.back();
      previous_position = position_of(table);
      previous_name = name;
    }
  }

  // Repeated strokes: release, lift and return (engine/contact/tool_motion.hpp).
  void read_repetitions(TableReader& t, MotionSpec& out) {
    assign(out.release_time, t.quantity("release_time", Dimension::time, Interval::non_negative()));
    assign(out.lift_height, t.quantity("lift_height", Dimension::length, Interval::positive()));
    const std::optional<std::int64_t> repetitions = t.integer("repetitions", 1, 1'000'000);
    if (repetitions) out.repetitions = static_cast<int>(*repetitions);
    if (repetitions && *repetitions > 1 && out.release_time == 0.0) {
      t.report(t.position("repetitions"),
               fmt::format("{} = {} needs {} > 0 (for example \"0.5 s\"): a stroke is repeated by lifting "
                           "the tool and carrying it back to the path's start",
                           t.qualified("repetitions"), *repetitions, t.qualified("release_time")));
    }
    if (t.has("lift_height") && out.release_time == 0.0) {
      t.report(t.position("lift_height"),
               fmt::format("{} applies only to released strokes; set {} or remove it",
                           t.qualified("lift_height"), t.qualified("release_time")));
    }
  }

  // A depth must stay inside the block: the tool may not reach the fixed bone side.
  void check_below_thickness(TableReader& t, std::string_view key, double depth) {
    if (!size_known_) return;
    const double thickness = spec_.geometry.size[2];
    if (depth < thickness) return;
    const bool written = t.has(key);
    const SourcePosition where = written || thickness_position_.line == 0 ? t.position(key)
                                                                          : thickness_position_;
    t.report(where, fmt::format("{} = {} m{} must be less than the block thickness "
                                "geometry.size[2] = {} m; allowed: 0 < depth < {} m",
                                t.qualified(key), depth, written ? "" : " (the default)",
                                thickness, thickness));
  }

  // y of a vertebral level on this back (a path point [LEVEL, x]); null without a back.
  const TableReader::LevelHeight* level_heights() {
    if (!back_anatomy_) return nullptr;
    level_height_ = [this](std::string_view name) -> std::optional<double> {
      const std::optional<int> index = models::level_index(name);
      if (!index) return std::nullopt;
      return back_anatomy_->geometry.level_y(*index);
    };
    return &level_height_;
  }

  void read_path(TableReader& t, MotionSpec& out) {
    if (t.has("fibre_path")) {
      if (t.has("path"))
        t.report(t.position("fibre_path"), fmt::format("{} and {} both give the stroke's path; keep one",
                                                        t.qualified("path"), t.qualified("fibre_path")));
      else
        read_fibre_path(t, out);
      return;
    }
    const auto path = t.surface_points("path", level_heights());
    if (!path) return;
    bool path_valid = true;
    const double half_x = spec_.geometry.size[0] / 2.0;
    const double half_y = spec_.geometry.size[1] / 2.0;
    for (std::size_t i = 0; i < path->size(); ++i) {
      const auto [x, y] = (*path)[i];
      if (back_anatomy_ && !back_anatomy_->geometry.contains(x, y)) {
        t.report(t.element_position("path", i),
                 fmt::format("{}[{}] = [{}, {}] m is outside the back (|x| up to about {:.3f} m at this "
                             "height; y from {:.3f} m at S1 to about {:.3f} m at the neck; L5 at y = 0)",
                             t.qualified("path"), i, x, y, back_anatomy_->geometry.half_width(y), back_anatomy_->geometry.y_bottom(),
                             back_anatomy_->geometry.y_top(x)));
        path_valid = false;
      }
      if (size_known_ && (std::fabs(x) > half_x || std::fabs(y) > half_y)) {
        t.report(t.element_position("path", i),
                 fmt::format("{}[{}] = [{}, {}] m is outside the top face of the block; "
                             "allowed: |x| <= {} m and |y| <= {} m (half of geometry.size)",
                             t.qualified("path"), i, x, y, half_x, half_y));
        path_valid = false;
      }
      // A zero-length segment has no direction to glide along.
      if (i > 0 && (*path)[i] == (*path)[i - 1]) {
        t.report(t.element_position("path", i),
                 fmt::format("{}[{}] repeats the previous point [{}, {}] m; consecutive "
                             "points must differ",
                             t.qualified("path"), i, x, y));
        path_valid = false;
      }
    }
    if (path_valid) out.path = *path;
  }

  // fibre_path = { muscle, side, run, heading, start, length }: the path traced along
  // or across the named muscle's fibres on this back (models/back/fibre_path.hpp).
  void read_fibre_path(TableReader& t, MotionSpec& out) {
    const toml::node* node = t.node("fibre_path");
    const std::string name = t.qualified("fibre_path");
    if (node == nullptr || !node->is_table()) {
      t.report(t.position("fibre_path"),
               fmt::format("{} must be an inline table, e.g. {{ muscle = \"erector_spinae_lumbar\", side = "
                           "\"left\", start = [\"L4\", \"-3 cm\"], length = \"12 cm\" }}", name));
      return;
    }
    const toml::table& table = *node->as_table();
    TableReader f(&table, name, position_of(table), {"muscle", "side", "run", "heading", "start", "length"}, log_);
    if (!back_anatomy_) {
      f.report(t.position("fibre_path"),
               fmt::format("{} needs a back with muscles (geometry.type = \"back\"); on a block or mesh use path",
                           name));
      return;
    }
    models::FibrePathRequest request;
    bool valid = f.require("muscle", schema::quoted_names(schema::kMuscles)) &
                 f.require("side", schema::quoted_names(schema::kSides)) &
                 f.require("start", "a point [LEVEL, x] or [x, y] over the muscle") &
                 f.require("length", "a length > 0, e.g. \"12 cm\"");
    const auto muscle = f.choice("muscle", schema::kMuscles);
    const auto side = f.choice("side", schema::kSides);
    const auto run = f.choice("run", schema::kFibreDirections);
    const auto heading = f.choice("heading", schema::kHeadings);
    const auto start = f.surface_point("start", level_heights());
    // Longer than the back itself cannot be meant.
    const auto length = f.quantity("length", Dimension::length, open_interval(0.0, 1.0));
    valid = valid && muscle && side && start && length && (run || !f.has("run")) && (heading || !f.has("heading"));
    if (!valid) return;
    request.muscle = *muscle;
    request.side = *side;
    request.direction = run.value_or(models::FibreDirection::along);
    // Defaults: along the fibres toward the head (effleurage and stripping run toward
    // the heart), across them outward from the spine.
    request.heading = heading.value_or(request.direction == models::FibreDirection::along ? models::Heading::cranial
                                                                                         : models::Heading::lateral);
    request.start = models::Vec2((*start)[0], (*start)[1]);
    request.length = *length;
    models::FibrePathResult traced = models::trace_fibre_path(*back_anatomy_, request);
    if (!traced.path) {
      f.report(f.position("start"), fmt::format("{}: {}", name, traced.error));
      return;
    }
    out.path.clear();
    for (const models::Vec2& p : traced.path->points) out.path.push_back({p.x(), p.y()});
  }

  // [[zone]]: skin areas whose load is reported; strokes go around those to avoid.
  void read_zones() {
    const toml::node* node = root_.get("zone");
    if (node == nullptr || !node->is_array_of_tables()) return;
    const toml::array& zones = *node->as_array();
    for (std::size_t i = 0; i < zones.size(); ++i) {
      const toml::table& table = *zones[i].as_table();
      TableReader t(&table, fmt::format("zone[{}]", i), position_of(table),
                    {"name", "centre", "radius", "half_size", "avoid"}, log_);
      ZoneSpec zone;
      zone.name = fmt::format("zone_{}", i);
      assign(zone.name, t.string("name"));
      if (t.require("centre", "a point [x, y] or [LEVEL, x]")) assign(zone.centre, t.surface_point("centre", level_heights()));
      if (t.has("radius") == t.has("half_size")) {
        t.report(position_of(table), fmt::format("zone[{}] needs one of radius (a circle) or half_size = [x, y] (a "
                                                 "rectangle)", i));
        continue;
      }
      if (t.has("radius")) {
        zone.shape = ZoneShape::circle;
        assign(zone.radius, t.quantity("radius", Dimension::length, Interval::positive()));
      } else {
        zone.shape = ZoneShape::rectangle;
        if (const auto h = t.surface_point("half_size", nullptr)) {
          if ((*h)[0] <= 0 || (*h)[1] <= 0)
            t.report(t.position("half_size"), fmt::format("zone[{}].half_size must be positive", i));
          zone.half_size = *h;
        }
      }
      for (const ZoneSpec& other : spec_.zones)
        if (other.name == zone.name)
          t.report(t.has("name") ? t.position("name") : position_of(table),
                   fmt::format("zone[{}].name = \"{}\" is used twice; zone names must differ", i, zone.name));
      bool avoid = true;
      assign(avoid, t.boolean("avoid"));
      spec_.zones.push_back(zone);
      if (avoid) avoid_zone(t, zone);
    }
    add_spine_zone();
  }

  // On a back, the skin over the spinous processes is always watched: pressure there
  // is contraindicated (bone right under thin skin). A strip 1.5 cm either side of
  // the midline from 2 cm below L5 to 2 cm above T1; strokes are not rerouted round
  // it (crossing the spine lightly is allowed), its load is reported.
  void add_spine_zone() {
    if (!back_anatomy_) return;
    for (const ZoneSpec& z : spec_.zones)
      if (z.name == kSpineZone) return;  // written out by an earlier resolve
    const double bottom = back_anatomy_->geometry.level_y(*models::level_index("L5")) - 0.02;
    const double top = back_anatomy_->geometry.level_y(*models::level_index("T1")) + 0.02;
    ZoneSpec spine;
    spine.name = std::string(kSpineZone);
    spine.shape = ZoneShape::rectangle;
    spine.centre = {0.0, 0.5 * (bottom + top)};
    spine.half_size = {0.015, 0.5 * (top - bottom)};
    spec_.zones.push_back(spine);
  }

  // The tool's reach in the surface plane from its reference point.
  static double tool_reach(const ToolSpec& tool) {
    switch (tool.shape) {
      case ToolShape::sphere: return tool.radius;
      case ToolShape::capsule: return 0.5 * tool.length + tool.radius;
      case ToolShape::box: return std::hypot(tool.half_extents.x(), tool.half_extents.y());
    }
    return tool.radius;
  }

  const ToolSpec& stroke_tool(const MotionSpec& stroke) const {
    return stroke.tool == 0 ? spec_.tool : spec_.other_tools[static_cast<std::size_t>(stroke.tool - 1)];
  }

  // Reroutes every stroke around the zone: a path segment that comes closer than the
  // avoided radius is replaced by an arc around it on the nearer side; a stroke made
  // at one point inside it is an error (there is no way around a point).
  void avoid_zone(TableReader& t, const ZoneSpec& zone) {
    const Eigen::Vector2d c(zone.centre[0], zone.centre[1]);
    const double zone_radius = zone.shape == ZoneShape::circle ? zone.radius : std::hypot(zone.half_size[0], zone.half_size[1]);
    const auto reroute = [&](MotionSpec& stroke, std::string_view which) {
      const double reach = tool_reach(stroke_tool(stroke)) + 2.0 * stroke.oscillation_amplitude;
      const double r = zone_radius + reach + kAvoidanceMargin;
      std::vector<std::array<double, 2>> out;
      const auto point = [](const std::array<double, 2>& p) { return Eigen::Vector2d(p[0], p[1]); };
      if (stroke.path.size() == 1) {
        if ((point(stroke.path[0]) - c).norm() < r)
          t.report(t.position("centre"), fmt::format("{} is made at one point {:.3f} m from zone \"{}\", inside the "
                                                     "{:.3f} m it must keep (zone, tool and margin); move it or set "
                                                     "avoid = false",
                                                     which, (point(stroke.path[0]) - c).norm(), zone.name, r));
        return;
      }
      out.push_back(stroke.path[0]);
      for (std::size_t i = 1; i < stroke.path.size(); ++i) {
        const Eigen::Vector2d a = point(stroke.path[i - 1]), b = point(stroke.path[i]);
        const Eigen::Vector2d d = b - a;
        const double len2 = d.squaredNorm();
        // the chord of the circle of radius r the segment cuts, if any
        const double s0 = std::clamp((c - a).dot(d) / len2, 0.0, 1.0);
        const Eigen::Vector2d nearest = a + s0 * d;
        if ((nearest - c).norm() >= r) {
          out.push_back(stroke.path[i]);
          continue;
        }
        if ((a - c).norm() < r || (b - c).norm() < r) {
          t.report(t.position("centre"), fmt::format("{} starts or ends inside the {:.3f} m zone \"{}\" must keep "
                                                     "(zone, tool and margin); move its ends or set avoid = false",
                                                     which, r, zone.name));
          return;
        }
        const double mid = (c - a).dot(d) / len2;
        const double half = std::sqrt(r * r - (nearest - c).squaredNorm()) / std::sqrt(len2);
        const Eigen::Vector2d enter = a + (mid - half) * d, leave = a + (mid + half) * d;
        // go round on the side of the segment away from the centre (the shorter arc)
        Eigen::Vector2d side = nearest - c;
        if (side.norm() < 1e-12) side = Eigen::Vector2d(-d.y(), d.x());
        const double a0 = std::atan2(enter.y() - c.y(), enter.x() - c.x());
        const double a1 = std::atan2(leave.y() - c.y(), leave.x() - c.x());
        double sweep = a1 - a0;
        while (sweep > M_PI) sweep -= 2 * M_PI;
        while (sweep < -M_PI) sweep += 2 * M_PI;
        const double mid_angle = std::atan2(side.y(), side.x());
        // the arc must pass through the side away from the centre: flip if it does not
        double probe = a0 + 0.5 * sweep;
        if (std::cos(probe - mid_angle) < 0) sweep += sweep > 0 ? -2 * M_PI : 2 * M_PI;
        const int pieces = std::max(4, static_cast<int>(std::ceil(std::abs(sweep) / (M_PI / 12))));
        out.push_back({enter.x(), enter.y()});
        for (int k = 1; k < pieces; ++k) {
          const double ang = a0 + sweep * k / pieces;
          out.push_back({c.x() + r * std::cos(ang), c.y() + r * std::sin(ang)});
        }
        out.push_back({leave.x(), leave.y()});
        out.push_back(stroke.path[i]);
      }
      stroke.path = out;
    };
    reroute(spec_.motion, "motion (the first stroke)");
    for (std::size_t k = 0; k < spec_.following.size(); ++k) reroute(spec_.following[k], fmt::format("motion.then[{}]", k));
  }

  // solver.method = "xpbd" moves the tool kinematically only (engine/sim/xpbd_step.cpp):
  // a force-controlled stroke would need the tool depth as a compliant unknown.
  void check_xpbd_strokes() {
    if (spec_.solver.method != SolverMethod::xpbd) return;
    const auto check = [&](const MotionSpec& stroke, std::string_view which) {
      if (stroke.control != ToolControl::force) return;
      log_.report(position_of_table("solver"),
                  fmt::format("solver.method = \"xpbd\" supports kinematic strokes only, and {} is force-controlled; "
                              "use solver.method = \"newton\" or \"explicit\", or motion.control = \"kinematic\"",
                              which));
    };
    check(spec_.motion, "motion (the first stroke)");
    for (std::size_t k = 0; k < spec_.following.size(); ++k) check(spec_.following[k], fmt::format("motion.then[{}]", k));
  }

  // Tapotement and vibration need inertia and a step that resolves them.
  void check_dynamic_strokes() {
    const auto check = [&](const MotionSpec& stroke, std::string_view which) {
      const double f = std::max(stroke.percussion_frequency, 0.0);
      if (stroke.percussion_amplitude == 0.0 || f == 0.0) return;
      // Newton has inertia with backward Euler; the other methods always integrate it
      const bool inertia = spec_.solver.method != SolverMethod::newton ||
                           spec_.solver.integration == TimeIntegration::backward_euler;
      if (!inertia)
        log_.report(position_of_table("solver"),
                    fmt::format("{} strikes (percussion) need inertia: set solver.integration = \"backward_euler\" "
                                "or solver.method = \"explicit\"",
                                which));
      const double max_step = 1.0 / (kStepsPerCycle * f);
      if (spec_.solver.time_step > max_step * (1.0 + 1e-12))
        log_.report(position_of_table("solver"),
                    fmt::format("{} strikes at {} Hz: solver.time_step = {} s is too long; allowed: at most {} s "
                                "({} steps per strike)",
                                which, f, spec_.solver.time_step, max_step, kStepsPerCycle));
    };
    check(spec_.motion, "motion (the first stroke)");
    for (std::size_t k = 0; k < spec_.following.size(); ++k) check(spec_.following[k], fmt::format("motion.then[{}]", k));
  }

  SourcePosition position_of_table(std::string_view name) const {
    const toml::node* node = root_.get(name);
    return node != nullptr ? position_of(*node) : SourcePosition{1, 1};
  }

  void read_solver_and_output() {
    TableReader s = table("solver", {"method", "integration", "time_step", "duration", "gravity",
                                     "max_newton_iterations", "newton_tolerance",
                                     "max_cg_iterations", "cg_tolerance", "preconditioner",
                                     "contact_stiffness_scale", "friction_velocity", "friction_passes", "friction_lag_tolerance", "cycle_jump",
                                     "cycle_jump_tolerance", "max_jumped_cycles", "solved_periods", "mass_damping",
                                     "explicit_safety", "xpbd_substeps", "xpbd_iterations",
                                     "bullet_time_step", "bullet_damping"});
    assign(spec_.solver.method, s.choice("method", schema::kSolverMethods));
    read_bullet_settings(s);
    assign(spec_.solver.mass_damping, s.quantity("mass_damping", Dimension::rate, Interval::non_negative()));
    assign(spec_.solver.explicit_safety,
           s.quantity("explicit_safety", Dimension::dimensionless, open_interval(0.0, 1.0)));
    assign(spec_.solver.xpbd_substeps, narrow(s.integer("xpbd_substeps", 1, 10'000)));
    assign(spec_.solver.xpbd_iterations, narrow(s.integer("xpbd_iterations", 1, 10'000)));
    assign(spec_.solver.integration, s.choice("integration", schema::kTimeIntegrations));
    const std::optional<double> time_step =
        s.quantity("time_step", Dimension::time, Interval::positive());
    assign(spec_.solver.time_step, time_step);
    const bool time_step_known = time_step.has_value() || !s.has("time_step");
    const std::optional<double> duration =
        s.quantity("duration", Dimension::time, Interval::non_negative());
    assign(spec_.solver.duration, duration);
    const bool duration_known = duration.has_value() || !s.has("duration");
    if (time_step_known && duration_known && spec_.solver.duration > 0.0 &&
        spec_.solver.time_step > spec_.solver.duration) {
      s.report(s.has("time_step") ? s.position("time_step") : s.position("duration"),
               fmt::format("solver.time_step = {} s is longer than solver.duration = {} s; "
                           "allowed: time_step <= duration (or duration = 0: until the motion ends)",
                           spec_.solver.time_step, spec_.solver.duration));
    }
    assign(spec_.solver.gravity, s.quantity3("gravity", Dimension::acceleration, Interval::any()));
    if (posture_) {
      // A resolved scenario writes both; they must then agree exactly.
      const Vec3 g = models::position_gravity(*posture_);
      if (s.has("gravity") && spec_.solver.gravity != g)
        s.report(s.position("gravity"),
                 fmt::format("solver.gravity and geometry.posture = \"{}\" (gravity [{}, {}, {}] m/s^2) both set "
                             "gravity; keep one",
                             models::body_position_name(*posture_), g.x(), g.y(), g.z()));
      spec_.solver.gravity = g;
    }
    assign(spec_.solver.max_newton_iterations,
           narrow(s.integer("max_newton_iterations", 1, 1000)));
    assign(spec_.solver.newton_tolerance,
           s.quantity("newton_tolerance", Dimension::dimensionless, open_interval(0.0, 1.0)));
    assign(spec_.solver.max_cg_iterations, narrow(s.integer("max_cg_iterations", 1, 100'000)));
    assign(spec_.solver.cg_tolerance,
           s.quantity("cg_tolerance", Dimension::dimensionless, open_interval(0.0, 1.0)));
    assign(spec_.solver.preconditioner, s.choice("preconditioner", schema::kPreconditioners));
    assign(spec_.solver.contact_stiffness_scale,
           s.quantity("contact_stiffness_scale", Dimension::dimensionless, closed_interval(1.0, 1e6)));
    assign(spec_.solver.friction_velocity,
           s.quantity("friction_velocity", Dimension::velocity, Interval::positive()));
    if (const auto passes = s.integer("friction_passes", 1, 1000)) spec_.solver.friction_passes = static_cast<int>(*passes);
    assign(spec_.solver.friction_lag_tolerance,
           s.quantity("friction_lag_tolerance", Dimension::dimensionless, Interval::positive()));
    assign(spec_.solver.cycle_jump, s.boolean("cycle_jump"));
    assign(spec_.solver.cycle_jump_tolerance,
           s.quantity("cycle_jump_tolerance", Dimension::dimensionless, closed_interval(0.0, 1.0)));
    if (const auto jumps = s.integer("max_jumped_cycles", 0, 1'000'000)) {
      spec_.solver.max_jumped_cycles = static_cast<int>(*jumps);
    }
    if (const auto periods = s.integer("solved_periods", 0, 1'000'000)) {
      spec_.solver.solved_periods = static_cast<int>(*periods);
    }
    // A jump replays a stroke cycle: without repeated strokes there is nothing to jump.
    if (spec_.solver.cycle_jump && s.has("cycle_jump") && spec_.motion.release_time == 0.0) {
      s.report(s.position("cycle_jump"),
               "solver.cycle_jump = true needs repeated strokes: set motion.release_time > 0 "
               "(and motion.repetitions)");
    }

    TableReader o = table("output", {"interval"});
    const std::optional<double> interval = o.quantity("interval", Dimension::time, Interval::positive());
    assign(spec_.output.interval, interval);
    // Frames are taken at step ends: an interval below the step could not be honoured.
    if (time_step_known && (interval || !o.has("interval")) &&
        spec_.output.interval < spec_.solver.time_step) {
      const bool written = o.has("interval");
      o.report(written || !s.has("time_step") ? o.position("interval") : s.position("time_step"),
               fmt::format("output.interval = {} s{} is shorter than solver.time_step = {} s; "
                           "allowed: interval >= time_step",
                           spec_.output.interval, written ? "" : " (the default)",
                           spec_.solver.time_step));
    }
  }

  // solver.method = "bullet" (engine/bullet/): Bullet's sub-step and damping, and
  // what its deformable world cannot represent, reported at solver.method.
  void read_bullet_settings(TableReader& s) {
    const bool bullet = spec_.solver.method == SolverMethod::bullet;
    for (std::string_view key : {"bullet_time_step", "bullet_damping"})
      if (s.has(key) && !bullet)
        s.report(s.position(key), fmt::format("{} applies only to solver.method = \"bullet\"; remove it",
                                              s.qualified(key)));
    if (!bullet) return;
    // Above 1/240 s Bullet's implicit step blew up in the drag on a 20k-tet block;
    // below 1e-5 s a second of massage would take days.
    assign(spec_.solver.bullet_time_step,
           s.quantity("bullet_time_step", Dimension::time, closed_interval(1e-5, 1.0 / 240.0)));
    assign(spec_.solver.bullet_damping, s.quantity("bullet_damping", Dimension::time, closed_interval(0.0, 1.0)));
    const auto reject = [&](const std::string& what, const std::string& allowed) {
      s.report(s.position("method"),
               fmt::format("solver.method = \"bullet\" cannot represent {}; allowed: {}", what, allowed));
    };
    if (!is_block())
      reject(fmt::format("geometry.type = \"{}\" (Bullet's Neo-Hookean force takes one isotropic material per "
                         "soft body: no regions, fibres or viscoelasticity)",
                         schema::name_of(schema::kGeometryTypes, model_.type)),
             "geometry.type = \"block\"");
    bool force = spec_.motion.control == ToolControl::force;
    for (const MotionSpec& stroke : spec_.following) force = force || stroke.control == ToolControl::force;
    if (force) reject("a force-controlled tool (Bullet's tool is kinematic)", "motion.control = \"kinematic\"");
    if (!spec_.other_tools.empty())
      reject(fmt::format("strokes that change tools ({} tools; the world carries one)", spec_.other_tools.size() + 1),
             "every stroke with the first stroke's tool");
  }

  void read_physiology() {
    TableReader t = table("physiology", {"tone", "circulation", "relaxation_rate", "half_stimulus",
                                         "hill_exponent", "recovery_time", "pain_pressure", "guarding_rate",
                                         "guarding_width", "min_activation", "max_activation"});
    PhysiologySettings& p = spec_.physiology;
    assign(p.tone, t.boolean("tone"));
    assign(p.circulation, t.boolean("circulation"));
    ToneParams& law = p.tone_law;
    assign(law.relaxation_rate, t.quantity("relaxation_rate", Dimension::rate, Interval::non_negative()));
    assign(law.half_stimulus, t.quantity("half_stimulus", Dimension::power_density, Interval::positive()));
    assign(law.hill_exponent, t.quantity("hill_exponent", Dimension::dimensionless, closed_interval(0.25, 8.0)));
    assign(law.recovery_time, t.quantity("recovery_time", Dimension::time, Interval::positive()));
    assign(law.pain_pressure, t.quantity("pain_pressure", Dimension::pressure, Interval::positive()));
    assign(law.guarding_rate, t.quantity("guarding_rate", Dimension::rate, Interval::non_negative()));
    assign(law.guarding_width, t.quantity("guarding_width", Dimension::pressure, Interval::positive()));
    const std::optional<double> a_min = t.quantity("min_activation", Dimension::dimensionless, closed_interval(0, 1));
    const std::optional<double> a_max = t.quantity("max_activation", Dimension::dimensionless, closed_interval(0, 1));
    assign(law.min_activation, a_min);
    assign(law.max_activation, a_max);
    if (law.min_activation > law.max_activation)
      t.report(t.has("min_activation") ? t.position("min_activation") : t.position("max_activation"),
               fmt::format("physiology.min_activation = {} is above max_activation = {}; allowed: min <= max",
                           law.min_activation, law.max_activation));
  }

  void read_run() {
    TableReader t = table("run", {"threads", "seed"});
    assign(spec_.run.threads, narrow(t.integer("threads", 0, std::numeric_limits<int>::max())));
    const std::optional<std::int64_t> seed =
        t.integer("seed", 0, std::numeric_limits<std::int64_t>::max());
    if (seed) spec_.run.seed = static_cast<std::uint64_t>(*seed);
  }

  // The reader has already checked the range, so the value fits in an int.
  static std::optional<int> narrow(std::optional<std::int64_t> value) {
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
  }

  const toml::table& root_;
  IssueLog& log_;
  SimulationSpec spec_;
  ScenarioInfo info_;
  ModelSource model_;
  std::filesystem::path base_directory_;  // mesh files are relative to the scenario file
  std::unique_ptr<models::BackAnatomy> back_anatomy_;  // a valid back: path checks, fibre paths
  TableReader::LevelHeight level_height_;  // vertebral level -> y on back_anatomy_
  std::optional<models::BodyPosition> posture_;
  bool tool_defined_ = false;              // [tool] has a shape or a surface
  const ContactSurfaceSpec* first_surface_ = nullptr;  // tool.surface, laid along the first stroke
  SourcePosition tool_position_;           // of tool.shape, or the [tool] header
  bool size_known_ = true;                // geometry.size is valid or defaulted (block only)
  SourcePosition thickness_position_;     // of geometry.size[2], if written
};

}  // namespace

std::string ScenarioIssue::to_string() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

namespace {
std::string join_issues(const std::vector<ScenarioIssue>& issues) {
  std::string text;
  for (const ScenarioIssue& issue : issues) {
    if (!text.empty()) text += '\n';
    text += issue.to_string();
  }
  return text.empty() ? std::string("invalid scenario") : text;
}
}  // namespace

InvalidScenario::InvalidScenario(std::vector<ScenarioIssue> issues)
    : InvalidInput(join_issues(issues)), issues_(std::move(issues)) {}

Scenario parse_scenario(std::string_view text, std::string_view source_name) {
  IssueLog log{std::string(source_name)};
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    // The rest of the file cannot be trusted after a syntax error: stop here.
    const toml::source_position at = error.source().begin;
    log.report(SourcePosition{static_cast<int>(at.line), static_cast<int>(at.column)},
               fmt::format("TOML syntax error: {}", error.description()));
    throw InvalidScenario(log.sorted_issues());
  }

  // Files named by the scenario are relative to its directory ("<builtin:...>" and
  // other non-paths: the working directory).
  std::filesystem::path base_directory;
  if (!source_name.empty() && source_name.front() != '<') base_directory = std::filesystem::path(source_name).parent_path();
  return load_scenario_table(root, source_name, base_directory);
}

Scenario load_scenario_table(const toml::table& root, std::string_view source_name,
                             const std::filesystem::path& base_directory) {
  IssueLog log{std::string(source_name)};
  ScenarioLoader loader(root, log);
  loader.set_base_directory(base_directory);
  loader.load();
  if (!log.empty()) throw InvalidScenario(log.sorted_issues());

  return Scenario{loader.spec(), loader.info(), loader.model(), std::string(source_name),
                  write_scenario_toml(loader.spec(), loader.info(), loader.model())};
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  const auto unreadable = [&](std::string message) {
    return InvalidScenario({ScenarioIssue{name, 0, 0, std::move(message)}});
  };
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw unreadable(fmt::format("cannot read the scenario file: {}",
                                 error ? error.message() : "no such file"));
  }
  if (std::filesystem::is_directory(status)) {
    throw unreadable("cannot read the scenario file: it is a directory, expected a TOML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw unreadable("cannot read the scenario file: it cannot be opened (permissions?)");
  // Read in chunks rather than through istreambuf_iterator (GCC 12 warns of a null
  // dereference inside it at -O2 with -Wnull-dereference).
  std::string text;
  std::array<char, 1 << 16> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw unreadable("cannot read the scenario file: read error");
  return parse_scenario(text, name);
}

}  // namespace backsim
