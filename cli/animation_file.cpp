#include "cli/animation_file.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <system_error>

namespace backsim::cli {
namespace {

// Runs `command` through the shell, quietly; true when it exits 0.
bool shell(const std::string& command) { return std::system((command + " > /dev/null 2>&1").c_str()) == 0; }

// The path in single quotes for the shell.
std::string quoted(const std::filesystem::path& p) {
  std::string q = "'";
  for (const char c : p.string()) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// ImageMagick's convert says so in its version (a convert that is not ImageMagick may not).
bool has_imagemagick() { return shell("convert -version | grep -q ImageMagick"); }
bool has_ffmpeg() { return shell("ffmpeg -version"); }

}  // namespace

AnimationResult write_animation_file(const std::filesystem::path& frames_dir, const std::filesystem::path& output,
                                     double seconds_per_frame, std::string& tool) {
  const std::string extension = output.extension().string();
  std::string command;
  const std::filesystem::path partial = output.string() + ".partial" + extension;
  if (extension == ".gif") {
    tool = "ImageMagick (convert)";
    if (!has_imagemagick()) return AnimationResult::tool_missing;
    // -delay is in hundredths of a second
    command = fmt::format("convert -delay {} -loop 0 {}/frame_*.png -layers Optimize {}",
                          static_cast<int>(std::lround(100 * seconds_per_frame)), quoted(frames_dir), quoted(partial));
  } else if (extension == ".mp4") {
    tool = "ffmpeg";
    if (!has_ffmpeg()) return AnimationResult::tool_missing;
    // H.264 in yuv420p (what players take) needs even dimensions
    command = fmt::format(
        "ffmpeg -y -framerate {} -i {}/frame_%04d.png -c:v libx264 -pix_fmt yuv420p -vf pad=ceil(iw/2)*2:ceil(ih/2)*2 {}",
        1.0 / seconds_per_frame, quoted(frames_dir), quoted(partial));
  } else {
    return AnimationResult::not_a_video_name;
  }
  if (!shell(command)) throw OutputFailure(fmt::format("{}: {} failed: {}", output.string(), tool, command));
  std::error_code error;
  std::filesystem::rename(partial, output, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot rename {} to it: {}", output.string(), partial.string(), error.message()));
  return AnimationResult::written;
}

}  // namespace backsim::cli
