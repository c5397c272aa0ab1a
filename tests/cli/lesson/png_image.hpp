// Reads the PNG screenshots of headless Chromium for pixel checks: 8-bit greyscale,
// RGB or RGBA, not interlaced (what Chromium writes), inflated with zlib.
#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace backsim::test {

struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // [height][width][4]

  std::array<int, 4> at(int x, int y) const {
    const std::size_t i = 4 * (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x));
    return {rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]};
  }
};

namespace png_detail {
inline std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
inline int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}
}  // namespace png_detail

// Throws std::runtime_error for a file it cannot read.
inline RgbaImage read_png(const std::filesystem::path& path) {
  using png_detail::big_endian;
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static constexpr std::uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (file.size() < 8 || !std::equal(kSignature, kSignature + 8, file.begin()))
    throw std::runtime_error(path.string() + ": not a PNG file");
  RgbaImage image;
  int channels = 0;
  std::vector<std::uint8_t> compressed;
  for (std::size_t pos = 8; pos + 12 <= file.size();) {
    const std::uint32_t length = big_endian(&file[pos]);
    const std::string type(reinterpret_cast<const char*>(&file[pos + 4]), 4);
    if (pos + 12 + length > file.size()) throw std::runtime_error(path.string() + ": truncated chunk " + type);
    const std::uint8_t* data = &file[pos + 8];
    if (type == "IHDR") {
      image.width = static_cast<int>(big_endian(data));
      image.height = static_cast<int>(big_endian(data + 4));
      const int depth = data[8], colour = data[9], interlace = data[12];
      channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 0;
      if (depth != 8 || channels == 0 || interlace != 0)
        throw std::runtime_error(path.string() + ": only 8-bit, non-interlaced, non-palette PNGs are read");
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    } else if (type == "IEND") {
      break;
    }
    pos += 12 + length;
  }
  if (image.width <= 0 || image.height <= 0) throw std::runtime_error(path.string() + ": no image header");
  const std::size_t stride = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> raw((stride + 1) * static_cast<std::size_t>(image.height));
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK || raw_size != raw.size())
    throw std::runtime_error(path.string() + ": cannot inflate the image data");

  // Undo the per-row filters (PNG spec, section 9).
  std::vector<std::uint8_t> pixels(stride * static_cast<std::size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t filter = raw[static_cast<std::size_t>(y) * (stride + 1)];
    const std::uint8_t* in_row = &raw[static_cast<std::size_t>(y) * (stride + 1) + 1];
    std::uint8_t* row = &pixels[static_cast<std::size_t>(y) * stride];
    const std::uint8_t* up = y > 0 ? row - stride : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<std::size_t>(channels) ? row[i - static_cast<std::size_t>(channels)] : 0;
      const int b = up ? up[i] : 0;
      const int c = (up && i >= static_cast<std::size_t>(channels)) ? up[i - static_cast<std::size_t>(channels)] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: predictor = png_detail::paeth(a, b, c); break;
        default: throw std::runtime_error(path.string() + ": unknown row filter");
      }
      row[i] = static_cast<std::uint8_t>((in_row[i] + predictor) & 0xff);
    }
  }
  image.rgba.resize(4 * static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height));
  for (std::size_t p = 0; p < static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height); ++p) {
    const std::uint8_t* s = &pixels[p * static_cast<std::size_t>(channels)];
    std::uint8_t* d = &image.rgba[4 * p];
    if (channels <= 2) {
      d[0] = d[1] = d[2] = s[0];
      d[3] = channels == 2 ? s[1] : 255;
    } else {
      d[0] = s[0];
      d[1] = s[1];
      d[2] = s[2];
      d[3] = channels == 4 ? s[3] : 255;
    }
  }
  return image;
}

}  // namespace backsim::test
