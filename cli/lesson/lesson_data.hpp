// What the lesson page shows of one run, in the units and at the sizes the page uses:
// the skin surface, its motion and the tissue fields on it for a subset of the frames,
// the layers under each point of the skin, the tool, and the landmarks if the file
// has them. Arrays are Float32 because they go to WebGL; Float32's 7 digits are far
// finer than a pixel or a colour step.
#pragma once

#include "cli/lesson/colour_scale.hpp"
#include "cli/lesson/run_file_reader.hpp"
#include "cli/lesson/skin_surface.hpp"
#include "engine/contact/tool_shape.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backsim::cli {

// A scalar field the page can colour the skin by (the field selector).
struct LessonFieldInfo {
  const char* key;          // "tone", "skin_perfusion", ...
  const char* label;        // the field selector's text and the colour bar's title
  const char* units;        // shown on the colour bar
  const char* description;  // one line under the colour bar: what the colours mean
};
// Every field the page knows, in the selector's order.
const std::vector<LessonFieldInfo>& lesson_fields();

struct LessonField {
  std::string key;            // a LessonFieldInfo key
  std::vector<float> values;  // [frames x vertices] in the field's display units; NaN: no value there
  float lo = 0, hi = 0;       // finite extremes of values
};

struct LessonTool {
  std::optional<ToolGeometry> shape;  // from the run's scenario; none: the page shows a small marker
  std::vector<float> position;        // [frames x 3] m, reference point at each shown frame
  std::vector<float> path;            // [points x 3] m, the tool's lowest point, step by step
  std::vector<float> path_time;       // [points] s
};

struct LessonRun {
  std::string file;         // the run file's name, as given
  std::string name;         // the scenario's name, or the file's stem
  std::string description;  // the scenario's description, may be empty
  std::string status;       // "ok", "solver_failure", "running" (a killed run's .partial)
  std::string model;        // "back", "block", "mesh", or "unknown" (scenario unreadable)
  std::string backsim_version;

  std::vector<double> frame_time;  // [frames] s of the shown frames
  std::vector<Index> frame_index;  // [frames] their indices in the run file
  Index run_frames = 0;            // frames in the file

  SkinSurface skin;
  std::vector<float> reference;     // [vertices x 3] m
  std::vector<float> displacement;  // [frames x vertices x 3] m
  std::vector<LessonField> fields;  // only those with a value somewhere

  // The layers under each face, skin first, down to where the line leaves the mesh
  // (the bone, or the model's deep surface): layer_start[t] .. layer_start[t + 1].
  std::vector<std::uint32_t> layer_start;   // [faces + 1]
  std::vector<std::uint16_t> layer_region;  // [layers] region id
  std::vector<float> layer_thickness;       // [layers] m
  std::vector<std::int32_t> face_muscle;    // [faces] region of the muscle the face shows, -1 if none
  std::vector<std::string> region_label;    // [regions] "Erector spinae thoracic (left)"

  std::vector<NamedPoint> landmarks;
  LessonTool tool;
};

struct LessonOptions {
  Index max_frames = 120;  // more frames in a run are subsampled evenly, first and last kept
};

// Reads what the page needs from an open run file. Throws InvalidInput.
LessonRun build_lesson_run(const RunFileReader& reader, const std::string& file, const LessonOptions& options);

// The frames shown of `frames`: all of them, or `max_frames` spread evenly with the first
// and the last (max_frames >= 2).
std::vector<Index> shown_frames(Index frames, Index max_frames);

// "erector_spinae_thoracic_left" -> "Erector spinae thoracic (left)".
std::string region_label(const std::string& region_name);

// The colour scale of one field over every run, so that runs side by side share it.
// Returns none when no run has the field.
std::optional<ColourScale> field_colour_scale(const std::string& key, const std::vector<const LessonRun*>& runs);

}  // namespace backsim::cli
