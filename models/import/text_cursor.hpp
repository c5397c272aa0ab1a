// Reads a mesh file held in memory as whitespace-separated tokens or raw little-endian
// binary values, tracking the line for messages. Every failure (end of file, a token
// that is not a number, a value out of range) throws InvalidInput as
// "FILE:LINE: what was expected, what was found": nothing reads past the end.
#pragma once

#include "engine/core/error.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>

namespace backsim::models {

// Reads the whole file; throws InvalidInput when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& path);

// A token shortened and stripped of control bytes, for messages about garbage input.
std::string printable(std::string_view token);

class TextCursor {
 public:
  TextCursor(std::string_view data, std::string file) : data_(data), file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  std::size_t offset() const { return pos_; }
  bool at_end() { skip_space(); return pos_ >= data_.size(); }

  // The next whitespace-delimited token; throws at the end of the file.
  std::string_view token(std::string_view what);
  // The rest of the current line (without the newline), then moves to the next line.
  std::string_view rest_of_line();
  // Skips whitespace, then requires the exact token.
  void expect(std::string_view token_text);

  std::int64_t integer(std::string_view what);
  std::uint64_t unsigned_integer(std::string_view what);
  double real(std::string_view what);  // finite or not: the caller checks finiteness where it matters
  // A quoted string ("name"), as Gmsh writes physical names.
  std::string quoted(std::string_view what);

  // A raw little-endian value of type T (binary sections).
  template <class T>
  T binary(std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (data_.size() - pos_ < sizeof(T)) fail(std::string("unexpected end of file while reading ") + std::string(what));
    T value;
    std::memcpy(&value, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  // Skips one newline (after a binary block, before the $End line).
  void skip_newline();

  [[noreturn]] void fail(const std::string& message) const;

 private:
  void skip_space();

  std::string_view data_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace backsim::models
