// The resolved scenario: every key written out in plain SI numbers, so that a run's
// output records exactly what was simulated, whatever units and defaults the user's
// file relied on.
#include "scenarios/scenario.hpp"

#include "scenarios/schema_names.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace backsim {
namespace {

namespace schema = scenario_schema;

// 17 significant digits: enough for every double to read back bit for bit.
// Shortest text that reads back to the same double (fmt uses Dragonbox).
std::string number(double value) { return fmt::format("{}", value); }

std::string vector3(const Vec3& v) {
  return fmt::format("[{}, {}, {}]", number(v[0]), number(v[1]), number(v[2]));
}

// A TOML basic string ("..."), escaping what TOML requires.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string path_points(const std::vector<std::array<double, 2>>& path) {
  std::string text = "[";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) text += ", ";
    text += fmt::format("[{}, {}]", number(path[i][0]), number(path[i][1]));
  }
  return text + "]";
}

void check_expressible(const SimulationSpec& spec) {
  if (!spec.boundary.fix_bottom) {
    throw std::invalid_argument(
        "write_scenario_toml: boundary.fix_bottom = false cannot be written (boundary.fixed "
        "allows only \"bottom\" and \"bottom_and_sides\")");
  }
  if (spec.run.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw std::invalid_argument(
        fmt::format("write_scenario_toml: run.seed = {} does not fit a TOML integer "
                    "(at most 2^63 - 1)",
                    spec.run.seed));
  }
}

}  // namespace

std::string write_scenario_toml(const SimulationSpec& spec) {
  return write_scenario_toml(spec, ScenarioInfo{});
}

std::string write_scenario_toml(const SimulationSpec& spec, const ScenarioInfo& info) {
  return write_scenario_toml(spec, info, ModelSource{});
}

namespace {

void write_back_geometry(std::string& out, const BackSource& back) {
  out += "\n# A procedural back: condition preset, resolution, subject parameters that override the preset (SI).\n";
  out += "[geometry]\n";
  out += fmt::format("type = {}\n", toml_string(schema::name_of(schema::kGeometryTypes, schema::GeometryType::back)));
  out += fmt::format("preset = {}\n", toml_string(schema::name_of(schema::kPresets, back.preset)));
  out += fmt::format("resolution = {}\n", toml_string(schema::name_of(schema::kResolutions, back.resolution)));
  if (back.cohort_seed) out += fmt::format("cohort_seed = {}\nsubject = {}\n", *back.cohort_seed, back.subject_index);
  for (const auto& [name, value] : back.overrides) out += fmt::format("{} = {}\n", name, number(value));
  if (back.position != models::BodyPosition::prone)
    out += fmt::format("posture = {}\n", toml_string(schema::name_of(schema::kPostures, back.position)));
}

void write_mesh_geometry(std::string& out, const MeshSource& mesh) {
  out += "\n# A mesh file (path resolved), its length scale (m per file unit) and its region table.\n";
  out += "[geometry]\n";
  out += fmt::format("type = {}\n", toml_string(schema::name_of(schema::kGeometryTypes, schema::GeometryType::mesh)));
  out += fmt::format("file = {}\n", toml_string(mesh.file));
  out += fmt::format("format = {}\n", toml_string(schema::name_of(schema::kMeshFormats, mesh.format)));
  out += fmt::format("length_scale = {}\n", number(mesh.options.length_scale));
  out += fmt::format("region_field = {}\n", toml_string(mesh.options.region_field));
  if (!mesh.options.fibre_field.empty()) out += fmt::format("fibre_field = {}\n", toml_string(mesh.options.fibre_field));
  for (const models::RegionRule& rule : mesh.options.regions) {
    out += "\n[[geometry.regions]]\n";
    out += fmt::format("source = {}\n", toml_string(rule.source));
    out += fmt::format("region = {}\n", toml_string(rule.region));
    out += fmt::format("role = {}\n", toml_string(rule.bone ? "bone" : "tissue"));
    if (rule.bone) continue;
    out += fmt::format("youngs_modulus = {}\n", number(rule.material.youngs_modulus));
    out += fmt::format("poisson_ratio = {}\n", number(rule.material.poisson_ratio));
    out += fmt::format("density = {}\n", number(rule.material.density));
    if (rule.fibre) out += fmt::format("fibre = {}\n", vector3(*rule.fibre));
  }
}

}  // namespace

std::string write_scenario_toml(const SimulationSpec& spec, const ScenarioInfo& info, const ModelSource& model) {
  check_expressible(spec);
  const bool block = model.type == schema::GeometryType::block;
  std::string out = "# Resolved backsim scenario: every key explicit, in SI units.\n";
  const auto line = [&out](std::string_view key, std::string_view value) {
    out += fmt::format("{} = {}\n", key, value);
  };

  if (!info.name.empty() || !info.description.empty()) {
    out += "\n# What this scenario is, for people.\n[scenario]\n";
    if (!info.name.empty()) line("name", toml_string(info.name));
    if (!info.description.empty()) line("description", toml_string(info.description));
  }

  const BlockGeometry& geometry = spec.geometry;
  if (model.type == schema::GeometryType::back) {
    write_back_geometry(out, model.back);
  } else if (model.type == schema::GeometryType::mesh) {
    write_mesh_geometry(out, model.mesh);
  } else {
    out += "\n# Tissue block: size (m), hexahedral cells per axis, grading toward the top centre.\n";
    out += "[geometry]\n";
    line("type", toml_string(schema::name_of(schema::kGeometryTypes, schema::GeometryType::block)));
    line("size", vector3(geometry.size));
    line("cells", fmt::format("[{}, {}, {}]", geometry.cells[0], geometry.cells[1], geometry.cells[2]));
    line("grading", number(geometry.grading));
  }

  if (block) {
    out += "\n# Tissue material: Young's modulus (Pa), Poisson ratio, density (kg/m^3).\n";
    out += "[material]\n";
    line("model", toml_string(schema::name_of(schema::kMaterialModels, spec.material_model)));
    line("youngs_modulus", number(spec.material.youngs_modulus));
    line("poisson_ratio", number(spec.material.poisson_ratio));
    line("density", number(spec.material.density));

    out += "\n# Faces of the block held in place.\n";
    out += "[boundary]\n";
    line("fixed", toml_string(schema::name_of(schema::kFixedFaces, spec.boundary.fix_sides
                                                                   ? schema::FixedFaces::bottom_and_sides
                                                                   : schema::FixedFaces::bottom)));
  } else {
    out += "\n# Tissue material model (the parameters come per region of the model).\n";
    out += "[material]\n";
    line("model", toml_string(schema::name_of(schema::kMaterialModels, spec.material_model)));
  }

  const ToolSpec& tool = spec.tool;
  out += "\n# Tool: shape and sizes (m), axis in the skin plane, friction coefficient, mass (kg), damping (N s/m).\n";
  out += "[tool]\n";
  line("shape", toml_string(schema::name_of(schema::kToolShapes, tool.shape)));
  line("radius", number(tool.radius));
  if (tool.shape == ToolShape::capsule) line("length", number(tool.length));
  if (tool.shape == ToolShape::box) line("half_extents", vector3(tool.half_extents));
  if (tool.shape != ToolShape::sphere) line("axis", vector3(tool.axis));
  line("friction", number(tool.friction));
  line("mass", number(tool.mass));
  line("damping", number(tool.damping));

  // a stroke's own tool, as an inline table (shape and sizes; friction, mass and damping are [tool]'s)
  const auto inline_tool = [&](const ToolSpec& t) {
    std::string s = "{ shape = " + toml_string(schema::name_of(schema::kToolShapes, t.shape)) + ", radius = " + number(t.radius);
    if (t.shape == ToolShape::capsule) s += ", length = " + number(t.length);
    if (t.shape == ToolShape::box) s += ", half_extents = " + vector3(t.half_extents);
    if (t.shape != ToolShape::sphere) s += ", axis = " + vector3(t.axis);
    return s + " }";
  };
  // every key of a stroke: a following stroke would otherwise inherit the previous one's
  const auto stroke = [&](const MotionSpec& motion) {
    line("control", toml_string(schema::name_of(schema::kToolControls, motion.control)));
    if (motion.tool > 0) line("tool", inline_tool(spec.other_tools[static_cast<std::size_t>(motion.tool - 1)]));
    line("path", path_points(motion.path));
    if (motion.control == ToolControl::kinematic) {
      line("press_depth", number(motion.press_depth));
    } else {
      line("normal_force", number(motion.normal_force));
      line("max_depth", number(motion.max_depth));
    }
    line("press_time", number(motion.press_time));
    line("hold_time", number(motion.hold_time));
    line("speed", number(motion.speed));
    line("start_time", number(motion.start_time));
    line("release_time", number(motion.release_time));
    if (motion.release_time > 0) {
      line("lift_height", number(motion.lift_height));
      line("repetitions", fmt::format("{}", motion.repetitions));
    }
    line("oscillation", toml_string(schema::name_of(schema::kPathOscillations, motion.oscillation)));
    line("oscillation_amplitude", number(motion.oscillation_amplitude));
    line("oscillation_frequency", number(motion.oscillation_frequency));
    line("oscillation_axis", vector3(Vec3(motion.oscillation_axis[0], motion.oscillation_axis[1], 0.0)));
    line("percussion_amplitude", number(motion.percussion_amplitude));
    line("percussion_frequency", number(motion.percussion_frequency));
  };
  out += "\n# Motion: control, path on the skin (m), depth (m) or force (N), times (s), speed (m/s).\n";
  out += "[motion]\n";
  stroke(spec.motion);
  for (const MotionSpec& next : spec.following) {
    out += "\n# The next stroke, after the previous one ends.\n";
    out += "[[motion.then]]\n";
    stroke(next);
  }
  for (const ZoneSpec& zone : spec.zones) {
    out += "\n# A marked skin zone whose load is reported (the paths above already go around it).\n";
    out += "[[zone]]\n";
    line("name", toml_string(zone.name));
    line("centre", path_points({zone.centre}).substr(1, path_points({zone.centre}).size() - 2));
    if (zone.shape == ZoneShape::circle) line("radius", number(zone.radius));
    else line("half_size", path_points({zone.half_size}).substr(1, path_points({zone.half_size}).size() - 2));
    line("avoid", "false");
  }

  const SolverSettings& solver = spec.solver;
  out += "\n# Solver: method, integration, time step and duration (s), gravity (m/s^2), limits, tolerances,\n"
         "# preconditioner, contact and friction, cycle jumps, damping (1/s) and safety of explicit steps,\n"
         "# Bullet's sub-step (s) and stiffness damping (s).\n";
  out += "[solver]\n";
  line("method", toml_string(schema::name_of(schema::kSolverMethods, solver.method)));
  line("integration", toml_string(schema::name_of(schema::kTimeIntegrations, solver.integration)));
  line("time_step", number(solver.time_step));
  line("duration", number(solver.duration));
  line("gravity", vector3(solver.gravity));
  line("max_newton_iterations", fmt::format("{}", solver.max_newton_iterations));
  line("newton_tolerance", number(solver.newton_tolerance));
  line("max_cg_iterations", fmt::format("{}", solver.max_cg_iterations));
  line("cg_tolerance", number(solver.cg_tolerance));
  line("preconditioner", toml_string(schema::name_of(schema::kPreconditioners, solver.preconditioner)));
  line("contact_stiffness_scale", number(solver.contact_stiffness_scale));
  line("friction_velocity", number(solver.friction_velocity));
  line("friction_passes", fmt::format("{}", solver.friction_passes));
  line("friction_lag_tolerance", number(solver.friction_lag_tolerance));
  line("cycle_jump", solver.cycle_jump ? "true" : "false");
  line("cycle_jump_tolerance", number(solver.cycle_jump_tolerance));
  line("max_jumped_cycles", fmt::format("{}", solver.max_jumped_cycles));
  line("solved_periods", fmt::format("{}", solver.solved_periods));
  line("mass_damping", number(solver.mass_damping));
  line("explicit_safety", number(solver.explicit_safety));
  line("xpbd_substeps", fmt::format("{}", solver.xpbd_substeps));
  line("xpbd_iterations", fmt::format("{}", solver.xpbd_iterations));
  if (solver.method == SolverMethod::bullet) {  // the loader takes them with this method only
    line("bullet_time_step", number(solver.bullet_time_step));
    line("bullet_damping", number(solver.bullet_damping));
  }

  out += "\n# Output: time between stored frames (s).\n";
  out += "[output]\n";
  line("interval", number(spec.output.interval));

  const PhysiologySettings& phys = spec.physiology;
  const ToneParams& law = phys.tone_law;
  out += "\n# Physiology: tone and circulation on/off; the muscle tone law (SI: 1/s, W/m^3, s, Pa).\n";
  out += "[physiology]\n";
  line("tone", phys.tone ? "true" : "false");
  line("circulation", phys.circulation ? "true" : "false");
  line("relaxation_rate", number(law.relaxation_rate));
  line("half_stimulus", number(law.half_stimulus));
  line("hill_exponent", number(law.hill_exponent));
  line("recovery_time", number(law.recovery_time));
  line("pain_pressure", number(law.pain_pressure));
  line("guarding_rate", number(law.guarding_rate));
  line("guarding_width", number(law.guarding_width));
  line("min_activation", number(law.min_activation));
  line("max_activation", number(law.max_activation));

  out += "\n# Run: worker threads (0 = all cores) and the seed of the random streams.\n";
  out += "[run]\n";
  line("threads", fmt::format("{}", spec.run.threads));
  line("seed", fmt::format("{}", spec.run.seed));
  return out;
}

}  // namespace backsim
