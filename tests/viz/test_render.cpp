// backsim render end to end: the pictures it writes (read back with Cairo's PNG
// reader and judged by their pixels), --compare, --animate, and its exit codes.
#include "../io/scratch_directory.hpp"
#include "cli/exit_codes.hpp"
#include "viz_fixtures.hpp"

#include <cairo.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>

using namespace backsim;
using namespace backsim::test;

namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint32_t> pixels;  // 0x00RRGGBB, row-major
  std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] & 0xffffffu; }
};

Image read_png(const std::filesystem::path& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  INFO(path);
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  Image image;
  image.width = cairo_image_surface_get_width(s);
  image.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      image.pixels.push_back(*reinterpret_cast<const std::uint32_t*>(data + y * stride + 4 * x));
  cairo_surface_destroy(s);
  return image;
}

// Distinct colours and the share of non-white pixels in the columns [x0, x1).
struct Statistics {
  std::size_t colours = 0;
  double inked = 0;
};

Statistics statistics(const Image& image, int x0, int x1) {
  std::set<std::uint32_t> colours;
  std::size_t inked = 0, total = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = x0; x < x1; ++x) {
      const std::uint32_t c = image.at(x, y);
      colours.insert(c);
      inked += c != 0xffffffu;
      ++total;
    }
  return {colours.size(), static_cast<double>(inked) / static_cast<double>(total)};
}

// A vertical run of at least `length` pixels in one column, neither background nor
// ink, that contains both ends of the map: the colour bar.
bool has_colour_bar(const Image& image, std::uint32_t low_end, std::uint32_t high_end, int length) {
  const auto near = [](std::uint32_t a, std::uint32_t b) {
    // 8-bit rounding of the table and Cairo's interpolation: within 6 levels per channel
    for (int shift : {0, 8, 16})
      if (std::abs(static_cast<int>((a >> shift) & 0xff) - static_cast<int>((b >> shift) & 0xff)) > 6) return false;
    return true;
  };
  for (int x = 0; x < image.width; ++x) {
    int run = 0;
    bool low = false, high = false;
    for (int y = 0; y < image.height; ++y) {
      const std::uint32_t c = image.at(x, y);
      const int r = static_cast<int>((c >> 16) & 0xff), g = static_cast<int>((c >> 8) & 0xff), b = static_cast<int>(c & 0xff);
      // neither the white background nor the dark ink of frames and text
      const bool ink = std::max({r, g, b}) < 70 && std::max({r, g, b}) - std::min({r, g, b}) < 12;
      const bool coloured = c != 0xffffffu && !ink;
      run = coloured ? run + 1 : 0;
      low = coloured && (low || near(c, low_end));
      high = coloured && (high || near(c, high_end));
      if (run >= length && low && high) return true;
      if (!coloured) low = high = false;
    }
  }
  return false;
}

constexpr std::uint32_t kViridisLow = 0x440154, kViridisHigh = 0xfde725;    // viridis(0), viridis(1)
constexpr std::uint32_t kCoolWarmLow = 0x3b4cc0, kCoolWarmHigh = 0xb40426;  // cool_warm(0), cool_warm(1)

}  // namespace

TEST_CASE("backsim render draws a field on the back: the requested size, many colours, a colour bar", "[viz][render]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("render-one");
  const ProcessResult r = run_backsim({"render", run.string(), "--field", "tone", "--time", "0.27s", "--size", "1000x800",
                                       "-o", "tone.png"},
                                      dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  // frames every 0.1 s: 0.27 s is nearest to frame 3
  CHECK(r.out.find("frame 3 of 7 (t = 0.3 s, nearest to 0.27 s)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "tone.png.partial"));
  const Image image = read_png(dir / "tone.png");
  CHECK(image.width == 1000);
  CHECK(image.height == 800);
  // the back fills much of the left two thirds in many shades (smooth colours, shading, outlines)
  const Statistics back = statistics(image, 0, 2 * image.width / 3);
  CHECK(back.colours > 500);
  CHECK(back.inked > 0.25);
  CHECK(has_colour_bar(image, kViridisLow, kViridisHigh, image.height / 3));
}

TEST_CASE("backsim render --compare before,after puts two panels on one scale", "[viz][render]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("render-compare");
  const ProcessResult r =
      run_backsim({"render", run.string(), "--field", "pressure", "--compare", "before,after", "-o", "p.png"}, dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  // the scenario's motion starts at 0.1 s, the run ends at 0.6 s
  CHECK(r.out.find("before = frame 1 (t = 0.1 s, the motion's start), after = frame 6 (t = 0.6 s)") != std::string::npos);
  const Image image = read_png(dir / "p.png");
  CHECK(image.width == 1600);  // the default for two panels
  // both halves of the drawing area hold a back
  const int drawings = image.width * 4 / 5;
  CHECK(statistics(image, 0, drawings / 2).inked > 0.25);
  CHECK(statistics(image, drawings / 2, drawings).inked > 0.25);
  // a signed field: the diverging map, its bar from blue to red
  CHECK(has_colour_bar(image, kCoolWarmLow, kCoolWarmHigh, image.height / 3));
}

TEST_CASE("backsim render --compare RUN_A,RUN_B shows the same time of two runs", "[viz][render]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("render-two-runs");
  std::filesystem::copy_file(run, dir / "other.h5");
  const ProcessResult r = run_backsim({"render", run.string(), "--compare", run.string() + ",other.h5", "--time", "0.2s",
                                       "-f", "displacement", "-o", "d.png"},
                                      dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  CHECK(r.out.find("other.h5 frame 2 (t = 0.2 s, nearest to 0.2 s)") != std::string::npos);
  const Image image = read_png(dir / "d.png");
  const int drawings = image.width * 4 / 5;
  CHECK(statistics(image, 0, drawings / 2).inked > 0.25);
  CHECK(statistics(image, drawings / 2, drawings).inked > 0.25);
  CHECK(has_colour_bar(image, kViridisLow, kViridisHigh, image.height / 3));
}

TEST_CASE("backsim render --animate writes every frame and a GIF", "[viz][render]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("render-animate");
  const ProcessResult r =
      run_backsim({"render", run.string(), "--animate", "--size", "640x480", "-o", "stroke.gif"}, dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  for (int f = 0; f < 7; ++f) {
    const Image frame = read_png(dir / "stroke_frames" / ("frame_000" + std::to_string(f) + ".png"));
    CHECK(frame.width == 640);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "stroke_frames" / "frame_0007.png"));
  // ImageMagick is in the Makefile's packages: the GIF must be there
  INFO("no GIF: is ImageMagick installed (make deps)?");
  REQUIRE(std::filesystem::exists(dir / "stroke.gif"));
  std::ifstream gif(dir / "stroke.gif", std::ios::binary);
  char magic[6] = {};
  gif.read(magic, 6);
  CHECK(std::string(magic, 6) == "GIF89a");
}

TEST_CASE("backsim render draws a block run, which has no anatomy", "[viz][render]") {
  const std::filesystem::path run = block_run();
  ScratchDirectory dir("render-block");
  const ProcessResult r = run_backsim({"render", run.string(), "-o", "block.png"}, dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == exit_code::ok);
  const Image image = read_png(dir / "block.png");
  CHECK(statistics(image, 0, 2 * image.width / 3).colours > 200);
  // the block has no muscle to look into
  const ProcessResult muscle = run_backsim({"render", run.string(), "--layer", "muscle", "-o", "m.png"}, dir.path());
  CHECK(muscle.exit_code == exit_code::invalid_input);
  CHECK(muscle.err.find("--layer muscle needs a run on the procedural back") != std::string::npos);
}

TEST_CASE("backsim render rejects bad input with its exit codes", "[viz][render]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("render-errors");
  std::ofstream(dir / "notes.h5") << "not HDF5\n";
  REQUIRE(run_backsim({"model", "--resolution", "coarse", "-o", "model.h5", "-q"}, dir.path()).exit_code == 0);
  const struct {
    std::vector<std::string> args;
    int code;
    const char* message;
  } cases[] = {
      {{"render", "missing.h5"}, exit_code::invalid_input, "missing.h5: no such file"},
      {{"render", "notes.h5"}, exit_code::invalid_input, "notes.h5: not an HDF5 file"},
      {{"render", "model.h5"}, exit_code::invalid_input, "not a backsim run file"},
      {{"render", run.string(), "--field", "colour"}, exit_code::invalid_input, "no field \"colour\"; it has: "},
      {{"render", run.string(), "--time", "2 min"}, exit_code::invalid_input, "time 2 min is outside the run"},
      {{"render", run.string(), "--time", "soon"}, exit_code::usage, "--time \"soon\""},
      {{"render", run.string(), "--time", "3 cm"}, exit_code::usage, "--time \"3 cm\""},
      {{"render", run.string(), "--size", "big"}, exit_code::usage, "--size \"big\""},
      {{"render", run.string(), "--layer", "bone"}, exit_code::usage, "allowed: surface, muscle"},
      {{"render", run.string(), "--compare", "before"}, exit_code::usage, "expected before,after or RUN_A.h5,RUN_B.h5"},
      {{"render", run.string(), "--range", "5,1"}, exit_code::usage, "LOW < HIGH"},
      {{"render", run.string(), "--depth", "1cm", "--layer", "muscle"}, exit_code::usage, "give one of them"},
      {{"render", run.string(), "-o", "no/such/dir/x.png"}, exit_code::output_failure, "cannot write the PNG file"},
      {{"render"}, exit_code::usage, "run is required"},
  };
  for (const auto& c : cases) {
    const ProcessResult r = run_backsim(c.args, dir.path());
    INFO(c.args.back() << "\n" << r.err);
    CHECK(r.exit_code == c.code);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}
