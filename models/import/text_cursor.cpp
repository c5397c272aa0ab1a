#include "models/import/text_cursor.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <fstream>

namespace backsim::models {

std::string read_file_bytes(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status))
    throw InvalidInput(fmt::format("{}: cannot read the mesh file: no such file", path.string()));
  if (std::filesystem::is_directory(status))
    throw InvalidInput(fmt::format("{}: cannot read the mesh file: it is a directory", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput(fmt::format("{}: cannot read the mesh file: it cannot be opened", path.string()));
  std::string text;
  std::array<char, 1 << 16> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0)
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw InvalidInput(fmt::format("{}: cannot read the mesh file: read error", path.string()));
  return text;
}

std::string printable(std::string_view token) {
  std::string out;
  for (char c : token.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) ? '?' : c;
  if (token.size() > 40) out += "...";
  return out;
}

void TextCursor::fail(const std::string& message) const {
  throw InvalidInput(fmt::format("{}:{}: {}", file_, line_, message));
}

void TextCursor::skip_space() {
  while (pos_ < data_.size()) {
    const char c = data_[pos_];
    if (c == '\n') ++line_;
    else if (c != ' ' && c != '\t' && c != '\r') break;
    ++pos_;
  }
}

std::string_view TextCursor::token(std::string_view what) {
  skip_space();
  if (pos_ >= data_.size()) fail(fmt::format("unexpected end of file; expected {}", what));
  const std::size_t begin = pos_;
  while (pos_ < data_.size() && data_[pos_] != ' ' && data_[pos_] != '\t' && data_[pos_] != '\n' && data_[pos_] != '\r')
    ++pos_;
  return data_.substr(begin, pos_ - begin);
}

std::string_view TextCursor::rest_of_line() {
  const std::size_t begin = pos_;
  while (pos_ < data_.size() && data_[pos_] != '\n') ++pos_;
  std::string_view line = data_.substr(begin, pos_ - begin);
  if (pos_ < data_.size()) {
    ++pos_;
    ++line_;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void TextCursor::expect(std::string_view token_text) {
  const std::string_view t = token(fmt::format("\"{}\"", token_text));
  if (t != token_text) fail(fmt::format("expected \"{}\", found \"{}\"", token_text, printable(t)));
}

std::int64_t TextCursor::integer(std::string_view what) {
  const std::string_view t = token(what);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size())
    fail(fmt::format("expected {} (an integer), found \"{}\"", what, printable(t)));
  return value;
}

std::uint64_t TextCursor::unsigned_integer(std::string_view what) {
  const std::string_view t = token(what);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size())
    fail(fmt::format("expected {} (a non-negative integer), found \"{}\"", what, printable(t)));
  return value;
}

double TextCursor::real(std::string_view what) {
  const std::string_view t = token(what);
  double value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size())
    fail(fmt::format("expected {} (a number), found \"{}\"", what, printable(t)));
  return value;
}

std::string TextCursor::quoted(std::string_view what) {
  skip_space();
  if (pos_ >= data_.size() || data_[pos_] != '"') fail(fmt::format("expected {} in double quotes", what));
  const std::size_t begin = ++pos_;
  while (pos_ < data_.size() && data_[pos_] != '"' && data_[pos_] != '\n') ++pos_;
  if (pos_ >= data_.size() || data_[pos_] != '"') fail(fmt::format("unterminated quoted {}", what));
  return std::string(data_.substr(begin, pos_++ - begin));
}

void TextCursor::skip_newline() {
  if (pos_ < data_.size() && data_[pos_] == '\r') ++pos_;
  if (pos_ < data_.size() && data_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
}

}  // namespace backsim::models
