#include "cli/render_command.hpp"

#include "cli/animation_file.hpp"
#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"
#include "engine/io/run_reader.hpp"
#include "render/picture.hpp"
#include "render/skin_view.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

namespace backsim::cli {
namespace {

using render::Panel;
using render::Picture;
using render::SampleLayer;
using render::SkinView;

// A bad command line: reported with the usage exit code.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double parse_quantity_or_throw(const std::string& option, const std::string& text, units::Dimension dimension) {
  const units::QuantityResult q = units::parse_quantity(text, dimension);
  if (q.si_value) return *q.si_value;
  // a plain number is in SI units (s, m), as in scenario files
  char* end = nullptr;
  const double plain = std::strtod(text.c_str(), &end);
  if (!text.empty() && end && *end == '\0' && std::isfinite(plain)) return plain;
  throw UsageError(fmt::format("{} \"{}\": {}", option, text, q.error));
}

std::pair<int, int> parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &rest) != 3 || x != 'x' || w < 320 || h < 240 || w > 8000 ||
      h > 8000)
    throw UsageError(fmt::format("--size \"{}\": expected WIDTHxHEIGHT in pixels, 320x240 to 8000x8000", text));
  return {w, h};
}

std::pair<double, double> parse_range(const std::string& text) {
  double lo = 0, hi = 0;
  char comma = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%lf%c%lf%c", &lo, &comma, &hi, &rest) != 3 || comma != ',' || !(lo < hi) ||
      !std::isfinite(lo) || !std::isfinite(hi))
    throw UsageError(fmt::format("--range \"{}\": expected LOW,HIGH with LOW < HIGH, in the units shown", text));
  return {lo, hi};
}

// "0.27 s", "10 s", "7.17 min": three significant digits, minutes from two minutes on
std::string seconds_text(double t) { return t < 120 ? fmt::format("{:.3g} s", t) : fmt::format("{:.3g} min", t / 60); }

// The frame nearest to `time`; InvalidInput when the time is outside the run
// (more than half a frame interval beyond its ends).
std::size_t nearest_frame(const RunReader& run, double time) {
  const std::vector<double>& t = run.frame_times();
  if (t.empty()) throw InvalidInput(fmt::format("{}: the run has no frames", run.path().string()));
  const double slack = t.size() > 1 ? 0.5 * (t.back() - t.front()) / static_cast<double>(t.size() - 1) : 0.0;
  if (time < t.front() - slack || time > t.back() + slack)
    throw InvalidInput(fmt::format("{}: time {} is outside the run, which has frames from {} to {}",
                                   run.path().string(), seconds_text(time), seconds_text(t.front()), seconds_text(t.back())));
  std::size_t best = 0;
  for (std::size_t f = 1; f < t.size(); ++f)
    if (std::abs(t[f] - time) < std::abs(t[best] - time)) best = f;
  return best;
}

// What the run's scenario says about the tool and the motion, if it can be read.
struct RunScenario {
  double tool_radius = 0;        // m, sphere or capsule; 0 when unknown
  std::optional<double> motion_start;
};

RunScenario read_scenario(const RunReader& run) {
  RunScenario s;
  try {
    const Scenario scenario = parse_scenario(run.scenario_text(), run.path().string());
    if (scenario.spec.tool.shape != ToolShape::box) s.tool_radius = scenario.spec.tool.radius;
    s.motion_start = scenario.spec.motion.start_time;
  } catch (const InvalidInput&) {
    // a run written by another version: the picture goes without these
  }
  return s;
}

// One run and what the pictures need from it.
struct LoadedRun {
  std::unique_ptr<RunReader> reader;
  SkinView view;
  RunScenario scenario;
};

// [M] the mean length of the displacement of each tet's nodes, m
std::vector<double> tet_displacement(const TetMesh& mesh, const std::vector<Vec3>& displacement) {
  std::vector<double> out;
  out.reserve(mesh.tets.size());
  for (const Tet& tet : mesh.tets) {
    double sum = 0;
    for (const Index v : tet) sum += displacement[static_cast<std::size_t>(v)].norm();
    out.push_back(sum / 4.0);
  }
  return out;
}

std::vector<double> face_values(const LoadedRun& run, const render::FieldStyle& style, std::size_t frame,
                                const std::vector<Vec3>& displacement) {
  const std::vector<double> per_tet = style.field == "displacement" ? tet_displacement(run.reader->mesh(), displacement)
                                                                    : run.reader->field(style.field, frame);
  std::vector<double> out(run.view.faces.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t f = 0; f < out.size(); ++f)
    if (run.view.sample_tet[f] != render::kNoTet) out[f] = style.scale * per_tet[static_cast<std::size_t>(run.view.sample_tet[f])];
  return out;
}

Panel make_panel(const LoadedRun& run, const render::FieldStyle& style, std::size_t frame, std::string caption) {
  Panel p;
  p.caption = std::move(caption);
  p.mesh = &run.reader->mesh();
  p.view = &run.view;
  const std::vector<Vec3> u = run.reader->displacement(frame);
  p.deformed = run.reader->mesh().nodes;
  for (std::size_t i = 0; i < u.size(); ++i) p.deformed[i] += u[i];
  p.face_values = face_values(run, style, frame, u);
  const double t = run.reader->frame_times()[frame];
  const std::vector<double>& steps = run.reader->tool_times();
  if (!steps.empty()) {
    // the tool where it was at the frame: the last step at or before it (steps end at frame times)
    std::size_t k = 0;
    while (k + 1 < steps.size() && steps[k + 1] <= t + 1e-9) ++k;
    p.tool_now = run.reader->tool_positions()[k].head<2>();
    // the strokes so far (an animation draws them as they go): the steps pressing in
    bool pressing = false;
    for (std::size_t i = 0; i <= k; ++i) {
      const bool pressed = run.reader->tool_depths()[i] > 0;
      if (pressed && !pressing) p.tool_strokes.emplace_back();
      if (pressed) p.tool_strokes.back().push_back(run.reader->tool_positions()[i].head<2>());
      pressing = pressed;
    }
  }
  p.tool_radius = run.scenario.tool_radius;
  p.landmarks = run.reader->landmarks();
  return p;
}

LoadedRun load_run(const std::filesystem::path& path, SampleLayer layer, double depth) {
  LoadedRun run;
  run.reader = std::make_unique<RunReader>(path);
  if (layer == SampleLayer::muscle && !render::has_muscle(run.reader->mesh()))
    throw InvalidInput(fmt::format("{}: --layer muscle needs a run on the procedural back; this run's regions are {}",
                                   path.string(), fmt::join(run.reader->mesh().region_names, ", ")));
  run.view = render::make_skin_view(run.reader->mesh(), layer, depth);
  if (run.view.faces.empty())
    throw InvalidInput(fmt::format("{}: the mesh has no skin surface facing +z to look at", path.string()));
  run.scenario = read_scenario(*run.reader);
  return run;
}

struct Selection {
  std::vector<std::pair<const LoadedRun*, std::size_t>> frames;  // (run, frame) per panel
  std::vector<std::string> captions;
};

int render(const RenderCommandOptions& o) {
  // a back is taller than wide: one panel fits a 5:4 picture, two a 16:10 one
  // an animation's frames are smaller: ImageMagick holds every frame in memory
  const bool two_panels = !o.compare.empty();
  const auto [width, height] =
      parse_size(!o.size.empty() ? o.size : two_panels ? "1600x1000" : o.animate ? "1000x800" : "1250x1000");
  std::optional<double> time;
  if (!o.time.empty()) time = parse_quantity_or_throw("--time", o.time, units::Dimension::time);
  std::optional<double> depth;
  if (!o.depth.empty()) {
    depth = parse_quantity_or_throw("--depth", o.depth, units::Dimension::length);
    if (*depth <= 0) throw UsageError(fmt::format("--depth \"{}\": must be below the skin (> 0)", o.depth));
  }
  if (depth && !o.layer.empty()) throw UsageError("--depth and --layer: give one of them");
  if (!o.layer.empty() && o.layer != "surface" && o.layer != "muscle")
    throw UsageError(fmt::format("--layer \"{}\": allowed: surface, muscle", o.layer));
  std::optional<std::pair<double, double>> range;
  if (!o.range.empty()) range = parse_range(o.range);
  std::vector<std::string> compare;
  if (!o.compare.empty()) {
    const auto comma = o.compare.find(',');
    if (comma == std::string::npos || o.compare.find(',', comma + 1) != std::string::npos)
      throw UsageError(fmt::format("--compare \"{}\": expected before,after or RUN_A.h5,RUN_B.h5", o.compare));
    compare = {o.compare.substr(0, comma), o.compare.substr(comma + 1)};
  }
  const bool before_after = compare.size() == 2 && compare[0] == "before" && compare[1] == "after";
  if (o.animate && !compare.empty()) throw UsageError("--animate and --compare: give one of them");

  // The field and where it is read: the first run decides.
  RunReader first(o.run);
  std::string field = o.field;
  if (field.empty()) {
    const auto& names = first.field_names();
    field = std::find(names.begin(), names.end(), "tone") != names.end() ? "tone" : "pressure";
  }
  const auto& names = first.field_names();
  if (field != "displacement" && std::find(names.begin(), names.end(), field) == names.end())
    throw InvalidInput(fmt::format("{}: no field \"{}\"; it has: {}, displacement", o.run.string(), field,
                                   fmt::join(names, ", ")));
  const render::FieldStyle style = render::field_style(field, field == "displacement" ? "m" : first.field_units(field));
  SampleLayer layer = SampleLayer::surface;
  if (depth) layer = SampleLayer::depth;
  else if (o.layer == "muscle") layer = SampleLayer::muscle;
  else if (o.layer.empty() && style.prefers_muscle && render::has_muscle(first.mesh())) layer = SampleLayer::muscle;

  std::vector<std::filesystem::path> paths{o.run};
  if (compare.size() == 2 && !before_after) {
    // "A.h5,B.h5": the first is this run (it may be named again), the second the other
    std::error_code ignored;
    if (std::filesystem::weakly_canonical(compare[0], ignored) != std::filesystem::weakly_canonical(o.run, ignored))
      throw UsageError(fmt::format("--compare {}: the first run must be the one rendered ({})", o.compare, o.run.string()));
    paths.push_back(compare[1]);
  }
  std::vector<LoadedRun> runs;
  for (const auto& p : paths) runs.push_back(load_run(p, layer, depth.value_or(0.0)));

  Selection selection;
  const LoadedRun& main = runs.front();
  const std::vector<double>& times = main.reader->frame_times();
  if (before_after) {
    const double start = main.scenario.motion_start.value_or(0.0);
    std::size_t before = 0;
    while (before + 1 < times.size() && times[before] < start - 1e-9) ++before;
    const std::size_t after = time ? nearest_frame(*main.reader, *time) : times.size() - 1;
    if (after <= before)
      throw InvalidInput(fmt::format("{}: --time {} is not after the motion's start ({})", o.run.string(),
                                     seconds_text(times[after]), seconds_text(times[before])));
    selection.frames = {{&main, before}, {&main, after}};
    selection.captions = {fmt::format("before the strokes: t = {}", seconds_text(times[before])),
                          fmt::format("after: t = {}", seconds_text(times[after]))};
    fmt::print("backsim render: before = frame {} (t = {}, {}), after = frame {} (t = {})\n", before,
               seconds_text(times[before]),
               main.scenario.motion_start ? "the motion's start" : "the first frame: the run's scenario could not be read",
               after, seconds_text(times[after]));
  } else if (runs.size() == 2) {
    const double t = time.value_or(std::min(times.back(), runs[1].reader->frame_times().back()));
    for (const LoadedRun& run : runs) {
      const std::size_t f = nearest_frame(*run.reader, t);
      selection.frames.push_back({&run, f});
      selection.captions.push_back(
          fmt::format("{}: t = {}", run.reader->path().filename().string(), seconds_text(run.reader->frame_times()[f])));
      fmt::print("backsim render: {} frame {} (t = {}, nearest to {})\n", run.reader->path().string(), f,
                 seconds_text(run.reader->frame_times()[f]), seconds_text(t));
    }
  } else if (o.animate) {
    for (std::size_t f = 0; f < times.size(); ++f) {
      selection.frames.push_back({&main, f});
      selection.captions.push_back(fmt::format("t = {}", seconds_text(times[f])));
    }
  } else {
    const std::size_t f = time ? nearest_frame(*main.reader, *time) : times.size() - 1;
    selection.frames = {{&main, f}};
    selection.captions = {fmt::format("t = {}", seconds_text(times[f]))};
    fmt::print("backsim render: frame {} of {} (t = {}{})\n", f, times.size(), seconds_text(times[f]),
               time ? fmt::format(", nearest to {}", seconds_text(*time)) : std::string(", the last"));
  }

  // One colour scale over every panel (and every frame of an animation).
  std::vector<Panel> panels;
  std::vector<double> all_values;
  for (std::size_t i = 0; i < selection.frames.size(); ++i) {
    const auto& [run, frame] = selection.frames[i];
    panels.push_back(make_panel(*run, style, frame, selection.captions[i]));
    all_values.insert(all_values.end(), panels.back().face_values.begin(), panels.back().face_values.end());
  }

  Picture picture;
  picture.width = width;
  picture.height = height;
  picture.style = style;
  picture.scale = range ? render::fixed_scale(range->first, range->second, all_values) : render::automatic_scale(all_values, style.centre);
  picture.smooth = !o.flat;
  picture.title = style.title;
  const std::string where = layer == SampleLayer::muscle   ? "in the muscle under the skin"
                            : layer == SampleLayer::depth ? fmt::format("{:.3g} mm under the skin", 1e3 * *depth)
                                                          : "in the tissue at the skin";
  std::string files;
  for (const auto& p : paths) files += (files.empty() ? "" : " and ") + p.filename().string();
  picture.subtitle = fmt::format("{}, seen from behind ({}, backsim)", where, files);
  if (layer == SampleLayer::muscle) picture.unsampled_label = "no muscle (over the spine)";
  picture.label_muscles = !main.view.muscle_region.empty();
  if (layer == SampleLayer::depth) picture.unsampled_label = "no tissue this deep";

  std::filesystem::path output = o.output;
  if (output.empty()) {
    output = o.run;
    output.replace_filename(o.run.stem().string() + "_" + field + (o.animate ? ".gif" : ".png"));
  }
  if (!o.animate) {
    picture.panels = std::move(panels);
    render::write_picture_png(picture, output);
    fmt::print("backsim render: wrote {} ({}x{})\n", output.string(), width, height);
    return exit_code::ok;
  }

  // An animation: numbered frames, then one file if a tool for it is installed.
  std::filesystem::path frames_dir = output;
  frames_dir.replace_filename(output.stem().string() + "_frames");
  std::error_code error;
  std::filesystem::create_directories(frames_dir, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot create the frame directory: {}", frames_dir.string(), error.message()));
  for (std::size_t i = 0; i < panels.size(); ++i) {
    picture.panels = {panels[i]};
    render::write_picture_png(picture, frames_dir / fmt::format("frame_{:04d}.png", i));
  }
  fmt::print("backsim render: wrote {} frames to {}\n", panels.size(), frames_dir.string());
  // a frame for every 0.1 s of the run, shown for 0.1 s, slowed to at least 5 s for a short run
  const double run_span = times.back() - times.front();
  const double seconds_per_frame = std::clamp(std::max(run_span, 5.0) / static_cast<double>(panels.size()), 0.04, 1.0);
  std::string tool;
  switch (write_animation_file(frames_dir, output, seconds_per_frame, tool)) {
    case AnimationResult::not_a_video_name:
      return exit_code::ok;  // frames only
    case AnimationResult::tool_missing:
      fmt::print(stderr, "backsim render: {} is not installed: no {}; the frames are in {}\n", tool, output.string(),
                 frames_dir.string());
      return exit_code::ok;
    case AnimationResult::written:
      break;
  }
  fmt::print("backsim render: wrote {}\n", output.string());
  return exit_code::ok;
}

}  // namespace

int run_render_command(const RenderCommandOptions& options) {
  try {
    return render(options);
  } catch (const UsageError& e) {
    fmt::print(stderr, "backsim render: {}\n", e.what());
    return exit_code::usage;
  } catch (const InvalidInput& e) {
    fmt::print(stderr, "backsim render: {}\n", e.what());
    return exit_code::invalid_input;
  } catch (const OutputFailure& e) {
    fmt::print(stderr, "backsim render: {}\n", e.what());
    return exit_code::output_failure;
  }
}

}  // namespace backsim::cli
