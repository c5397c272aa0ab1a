#include "models/import/base64.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace backsim::models {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// 0-63 for an alphabet character, -1 otherwise.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", u);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63U] : '=';
  }
  return out;
}

std::string Base64Stream::read_until(std::string& out, std::size_t size) {
  while (out.size() < size) {
    std::array<int, 4> group{};
    std::size_t padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
      if (pos_ >= text_.size())
        return k == 0 ? fmt::format("the base64 text ends after {} of {} bytes", out.size(), size)
                      : "the base64 text ends inside a 4-character group";
      const char c = text_[pos_++];
      if (c == '=') {
        // only the last one or two characters of a group may be padding
        if (k < 2) return fmt::format("misplaced base64 padding at character {}", pos_ - 1);
        ++padding;
        group[k] = 0;
        continue;
      }
      if (padding > 0) return fmt::format("base64 data after padding at character {}", pos_ - 1);
      group[k] = sextet(c);
      if (group[k] < 0) return fmt::format("invalid base64 character {} at character {}", describe(c), pos_ - 1);
    }
    const auto v = static_cast<std::uint32_t>((group[0] << 18) | (group[1] << 12) | (group[2] << 6) | group[3]);
    for (std::size_t k = 0; k < 3 - padding; ++k) out += static_cast<char>((v >> (16 - 8 * k)) & 0xffU);
  }
  return {};
}

bool Base64Stream::only_whitespace_left() const {
  for (std::size_t i = pos_; i < text_.size(); ++i)
    if (!is_space(text_[i])) return false;
  return true;
}

}  // namespace backsim::models
