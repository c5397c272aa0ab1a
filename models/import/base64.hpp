// Base64 (RFC 4648, standard alphabet) as VTK XML files use it for binary data arrays.
//
// VTK may write a block's header and its data as two separately padded base64 runs
// one after the other ("AAAA==BBBB"), so padding is accepted at the end of any
// 4-character group, not only at the end of the text; whitespace is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace backsim::models {

std::string base64_encode(std::string_view bytes);

// Decodes a text group by group, on demand: a reader of an appended block only learns
// from the first decoded bytes (the byte-count header) how many more to decode.
class Base64Stream {
 public:
  explicit Base64Stream(std::string_view text) : text_(text) {}

  // Appends whole decoded groups to `out` until out.size() >= size. Returns an empty
  // string, or why it could not (a character outside the alphabet, misplaced padding,
  // the text ends inside a group or before `size` bytes).
  std::string read_until(std::string& out, std::size_t size);
  // True when only whitespace is left (an inline array must hold nothing after its data).
  bool only_whitespace_left() const;
  // Characters consumed so far (for messages).
  std::size_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace backsim::models
