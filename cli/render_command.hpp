// `backsim render RUN.h5`: a picture of a field on the back seen from behind
// (render/picture.hpp), side by side with --compare, or an animation.
#pragma once

#include <filesystem>
#include <string>

namespace backsim::cli {

struct RenderCommandOptions {
  std::filesystem::path run;
  std::string field;             // empty: tone if the run has it, else pressure
  std::string time;              // "30s", "2 min"; empty: the last frame
  std::filesystem::path output;  // empty: RUN_FIELD.png (RUN_FIELD.gif with --animate), next to RUN.h5
  std::string compare;           // "before,after" (after: --time, default the last frame) or "A.h5,B.h5" (this run and another)
  bool animate = false;          // every frame: OUT_frames/frame_NNNN.png, then OUT.gif / OUT.mp4 if a tool is installed
  std::string layer;             // surface, muscle; empty: muscle for tone on a back, else surface
  std::string depth;             // "1 cm": colour by the tissue this far under the skin
  std::string size;              // "WIDTHxHEIGHT"; empty: 1250x1000, 1600x1000 with --compare, 1000x800 with --animate
  std::string range;             // "LOW,HIGH" in the units shown; empty: fitted to the values
  bool flat = false;             // one colour per skin face instead of interpolated values
};

// Returns an exit code (cli/exit_codes.hpp): usage for malformed options, invalid
// input for a file that is not a run, an unknown field or a time outside the run,
// output failure when the picture cannot be written.
int run_render_command(const RenderCommandOptions& options);

}  // namespace backsim::cli
