// A picture of one or more panels of the back seen from behind, side by side on
// one colour scale, drawn with Cairo (antialiased shapes, real fonts, PNG):
//
//   title and subtitle                                          colour bar with
//   [caption]        [caption]                                  ticks and unit
//   panel            panel
//   (the deformed skin coloured by the field, muscle outlines, the spine with its
//    vertebral levels, the tool's path and where the tool is)
//
// Orthographic, looking down -z onto the back: x to the right (patient's right),
// y up (towards the head). Faces are painted far to near (painter's order by depth).
#pragma once

#include "engine/core/types.hpp"
#include "engine/io/run_reader.hpp"
#include "render/colour_scale.hpp"
#include "render/field_style.hpp"
#include "render/skin_view.hpp"

#include <Eigen/Core>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backsim::render {

struct Panel {
  std::string caption;                    // "t = 30.0 s"
  const TetMesh* mesh = nullptr;          // reference mesh
  const SkinView* view = nullptr;
  std::vector<Vec3> deformed;             // [N] node positions at this frame, m
  std::vector<double> face_values;        // [view faces] shown value, NaN where unsampled
  // xy of the tool's reference point while it pressed, one polyline per stroke, m
  // (its moves in the air are left out: the arrows show the strokes' direction)
  std::vector<std::vector<Eigen::Vector2d>> tool_strokes;
  std::optional<Eigen::Vector2d> tool_now;  // xy at this frame, m
  double tool_radius = 0;                 // m; 0: unknown (drawn as a marker)
  std::vector<NamedPoint> landmarks;      // /anatomy (vertebral levels are drawn)
};

struct Picture {
  int width = 1600, height = 1000;  // pixels
  std::string title;                // "Muscle tone"
  std::string subtitle;             // what is shown where, and the file
  FieldStyle style;
  ColourScale scale;
  std::string unsampled_label;      // legend of the grey faces; empty: none shown
  bool smooth = true;               // values averaged to the nodes and interpolated; else one colour per face
  bool label_muscles = false;       // name the main muscles (on a back, coloured by the muscle layer)
  std::vector<Panel> panels;
};

// Writes the picture as PNG to `path` (through `path.partial` and a rename).
// Throws OutputFailure.
void write_picture_png(const Picture& picture, const std::filesystem::path& path);

}  // namespace backsim::render
