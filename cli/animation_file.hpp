// An animation file from numbered PNG frames, through the tool installed for its
// format: ImageMagick's convert for .gif (in the Makefile's packages), ffmpeg for
// .mp4 (used when installed, not installed by make deps). backsim writes the
// frames itself; encoding video is left to these well-kept tools.
#pragma once

#include <filesystem>
#include <string>

namespace backsim::cli {

enum class AnimationResult { written, tool_missing, not_a_video_name };

// Encodes `frames_dir`/frame_NNNN.png into `output` (.gif or .mp4), each frame shown
// `seconds_per_frame`, through OUTPUT.partial.EXT and a rename. `tool` is set to
// the tool's name. Throws OutputFailure when the tool fails.
AnimationResult write_animation_file(const std::filesystem::path& frames_dir, const std::filesystem::path& output,
                                     double seconds_per_frame, std::string& tool);

}  // namespace backsim::cli
