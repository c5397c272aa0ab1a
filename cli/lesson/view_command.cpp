#include "cli/lesson/view_command.hpp"

#include "cli/exit_codes.hpp"
#include "cli/lesson/lesson_assets.hpp"
#include "cli/lesson/lesson_page.hpp"
#include "engine/core/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace backsim::cli {

namespace {

std::string megabytes(std::size_t bytes) { return fmt::format("{:.2f} MB", static_cast<double>(bytes) / 1e6); }

// Writes `text` to `path` through `path.partial` and one rename, so that a page that
// exists is complete (the project's rule for every output). Throws OutputFailure.
void write_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path directory = path.parent_path();
  if (directory.empty()) directory = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec))
    throw OutputFailure(fmt::format("'{}': directory '{}' does not exist", path.string(), directory.string()));
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw OutputFailure(fmt::format("'{}': cannot create: {}", partial.string(), std::strerror(errno)));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw OutputFailure(fmt::format("'{}': cannot write (disk full?)", partial.string()));
  }
  // A page that is renamed into place survives a power loss with its contents.
  const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw OutputFailure(fmt::format("'{}': cannot sync to disk: {}", partial.string(), std::strerror(error)));
  }
  ::close(fd);
  std::filesystem::rename(partial, path, ec);
  if (ec) throw OutputFailure(fmt::format("'{}': cannot rename to '{}': {}", partial.string(), path.string(), ec.message()));
}

std::string field_list(const LessonRun& run) {
  std::string list;
  for (const LessonField& field : run.fields) list += (list.empty() ? "" : ", ") + field.key;
  return list.empty() ? "none" : list;
}

}  // namespace

int run_view_command(const ViewCommandOptions& options) {
  if (options.runs.empty() || options.runs.size() > 2) {
    std::fprintf(stderr, "backsim view: give one run file, or two to compare side by side\n");
    return exit_code::usage;
  }
  if (options.max_frames < 2) {
    std::fprintf(stderr, "backsim view: --max-frames must be at least 2 (the first and the last frame)\n");
    return exit_code::usage;
  }
  LessonOptions lesson;
  lesson.max_frames = options.max_frames;
  std::vector<LessonRun> runs;
  try {
    for (const std::filesystem::path& file : options.runs) {
      const RunFileReader reader(file);
      runs.push_back(build_lesson_run(reader, file.filename().string(), lesson));
    }
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "backsim view: %s\n", e.what());
    return exit_code::invalid_input;
  }

  std::string title = options.title;
  if (title.empty()) {
    title = runs[0].name;
    if (runs.size() == 2) title += " vs " + runs[1].name;
  }
  const std::filesystem::path output =
      options.output.empty() ? std::filesystem::path(options.runs[0].stem().string() + ".html") : options.output;
  const std::string page = lesson_page_html(runs, title);
  try {
    write_atomically(output, page);
  } catch (const OutputFailure& e) {
    std::fprintf(stderr, "backsim view: cannot write the page: %s\n", e.what());
    return exit_code::output_failure;
  }

  if (!options.quiet) {
    const LessonAssets& assets = lesson_assets();
    const std::size_t library = assets.three_core.size() + assets.three_module.size() + assets.orbit_controls.size();
    fmt::print("backsim view: {} ({})\n", output.string(), megabytes(page.size()));
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const LessonRun& r = runs[i];
      fmt::print("  run {}          {} ({}, {}): {} of {} frames, {} skin faces, {} vertices\n", i + 1, r.name, r.file,
                 r.status, r.frame_index.size(), r.run_frames, r.skin.tri_count(), r.skin.vertex_count());
      fmt::print("  fields         {}\n", field_list(r));
    }
    fmt::print("  three.js       {} ({} embedded)\n", assets.three_version, megabytes(library));
  }
  return exit_code::ok;
}

}  // namespace backsim::cli
