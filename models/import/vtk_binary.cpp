#include "models/import/vtk_binary.hpp"

#include "engine/core/error.hpp"
#include "models/import/base64.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace backsim::models {
namespace {

// Values are copied byte for byte from little-endian files; a big-endian host would
// need swapping, which nobody has asked for.
static_assert(std::endian::native == std::endian::little, "the VTU binary reader assumes a little-endian host");

// zlib cannot expand data by more than about 1032:1; a header claiming more is corrupt,
// and checking this first keeps a forged header from allocating gigabytes.
constexpr std::uint64_t kMaxZlibRatio = 1100;

// The source of a block's bytes: base64 text decoded on demand, or raw bytes.
class BlockSource {
 public:
  BlockSource(std::string_view text, bool base64, const std::string& where)
      : text_(text), base64_(base64), stream_(text), where_(where) {}

  // The first `size` bytes of the block (decoding more base64 as needed).
  std::string_view bytes(std::size_t size) {
    if (base64_) {
      const std::string error = stream_.read_until(decoded_, size);
      if (!error.empty()) fail(error);
      return std::string_view(decoded_).substr(0, size);
    }
    if (size > text_.size())
      fail(fmt::format("the appended data ends after {} bytes; the block needs {} (truncated file?)", text_.size(), size));
    return text_.substr(0, size);
  }
  // An upper bound on the bytes the block can hold, to check header sizes against.
  std::uint64_t capacity() const { return base64_ ? text_.size() / 4 * 3 : text_.size(); }
  // After the last byte of the block: for an inline array, nothing else may follow.
  void require_end(std::size_t size) const {
    if (!base64_) return;
    if (decoded_.size() != size || !stream_.only_whitespace_left())
      fail(fmt::format("more data than the {} bytes its header declares (wrong byte count?)", size));
  }
  [[noreturn]] void fail(const std::string& message) const { throw InvalidInput(fmt::format("{}: {}", where_, message)); }

 private:
  std::string_view text_;
  bool base64_;
  Base64Stream stream_;
  std::string decoded_;
  const std::string& where_;
};

// By the bits: comparing or converting a signalling NaN raises FE_INVALID.
template <class T>
bool is_nan_bits(T value) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr int mantissa = std::numeric_limits<T>::digits - 1;
  constexpr Bits exponent_mask = ((Bits{1} << (sizeof(T) * 8 - 1 - mantissa)) - 1) << mantissa;
  constexpr Bits mantissa_mask = (Bits{1} << mantissa) - 1;
  const auto bits = std::bit_cast<Bits>(value);
  return (bits & exponent_mask) == exponent_mask && (bits & mantissa_mask) != 0;
}

std::uint64_t header_word(std::string_view bytes, std::size_t index, bool uint64) {
  if (uint64) {
    std::uint64_t v = 0;
    std::memcpy(&v, bytes.data() + 8 * index, 8);
    return v;
  }
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data() + 4 * index, 4);
  return v;
}

void append_word(std::string& out, std::uint64_t value, bool uint64) {
  if (uint64) {
    out.append(reinterpret_cast<const char*>(&value), 8);
  } else {
    const auto v = static_cast<std::uint32_t>(value);
    out.append(reinterpret_cast<const char*>(&v), 4);
  }
}

}  // namespace

std::string decode_vtk_block(std::string_view text, const VtkBlockLayout& layout, bool whole_text, const std::string& where) {
  BlockSource source(text, layout.base64, where);
  const std::size_t word = layout.header_uint64 ? 8 : 4;
  if (!layout.zlib) {
    const std::uint64_t size = header_word(source.bytes(word), 0, layout.header_uint64);
    if (size > source.capacity())
      source.fail(fmt::format("the header declares {} bytes, more than the {} left in the file (wrong byte count or truncated?)",
                              size, source.capacity()));
    std::string data(source.bytes(word + static_cast<std::size_t>(size)).substr(word));
    if (whole_text) source.require_end(word + data.size());
    return data;
  }

  const std::uint64_t blocks = header_word(source.bytes(word), 0, layout.header_uint64);
  if (blocks > source.capacity() / word)
    source.fail(fmt::format("the compression header declares {} blocks, more than the file can hold", blocks));
  const std::size_t header_size = word * (3 + static_cast<std::size_t>(blocks));
  const std::string header(source.bytes(header_size));
  const std::uint64_t block_size = header_word(header, 1, layout.header_uint64);
  const std::uint64_t last_size = header_word(header, 2, layout.header_uint64);
  std::uint64_t compressed_total = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    compressed_total += header_word(header, 3 + b, layout.header_uint64);
    if (compressed_total > source.capacity())
      source.fail(fmt::format("the compressed blocks add up to more than the {} bytes left in the file (truncated?)", source.capacity()));
  }
  if (blocks > 0 && (block_size == 0 || last_size > block_size))
    source.fail(fmt::format("the compression header's block sizes ({}, last {}) are inconsistent", block_size, last_size));
  const std::uint64_t last = last_size == 0 ? block_size : last_size;
  const std::uint64_t limit = kMaxZlibRatio * compressed_total + 1024;
  if (blocks > 0 && (last > limit || (blocks - 1) > (limit - last) / block_size))
    source.fail(fmt::format("the compression header declares {} blocks of {} uncompressed bytes in {} compressed bytes; "
                            "the header is corrupt", blocks, block_size, compressed_total));
  const std::size_t total_size = header_size + static_cast<std::size_t>(compressed_total);
  const std::string_view all = source.bytes(total_size);
  if (whole_text) source.require_end(total_size);

  std::string data;
  data.reserve(blocks == 0 ? 0 : static_cast<std::size_t>((blocks - 1) * block_size + last));
  std::size_t at = header_size;
  for (std::size_t b = 0; b < blocks; ++b) {
    const auto compressed = static_cast<std::size_t>(header_word(header, 3 + b, layout.header_uint64));
    const auto expected = static_cast<std::size_t>(b + 1 == blocks ? last : block_size);
    const std::size_t start = data.size();
    data.resize(start + expected);
    auto produced = static_cast<uLongf>(expected);
    const int rc = uncompress(reinterpret_cast<Bytef*>(data.data() + start), &produced,
                              reinterpret_cast<const Bytef*>(all.data() + at), static_cast<uLong>(compressed));
    if (rc != Z_OK)
      source.fail(fmt::format("zlib block {} of {} does not decompress ({}{})", b + 1, blocks,
                              rc == Z_BUF_ERROR ? "larger than its declared size, or truncated: " : "", zError(rc)));
    if (produced != expected)
      source.fail(fmt::format("zlib block {} of {} holds {} bytes; the header declares {}", b + 1, blocks, produced, expected));
    at += compressed;
  }
  return data;
}

std::vector<double> vtk_values_from_bytes(std::string_view bytes, std::string_view type, const std::string& where) {
  const auto convert = [&]<class T>(T) {
    if (bytes.size() % sizeof(T) != 0)
      throw InvalidInput(fmt::format("{}: {} bytes are not a whole number of {} values", where, bytes.size(), type));
    std::vector<double> out(bytes.size() / sizeof(T));
    for (std::size_t i = 0; i < out.size(); ++i) {
      T v;
      std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
      if constexpr (std::is_floating_point_v<T>) {
        // a signalling NaN in a corrupt file would trap (tests run with FE_INVALID on)
        // at the first conversion or comparison; a quiet NaN is caught by the checks
        // on finiteness downstream
        if (is_nan_bits(v)) {
          out[i] = std::numeric_limits<double>::quiet_NaN();
          continue;
        }
      }
      out[i] = static_cast<double>(v);
    }
    return out;
  };
  if (type == "Int8") return convert(std::int8_t{});
  if (type == "UInt8") return convert(std::uint8_t{});
  if (type == "Int16") return convert(std::int16_t{});
  if (type == "UInt16") return convert(std::uint16_t{});
  if (type == "Int32") return convert(std::int32_t{});
  if (type == "UInt32") return convert(std::uint32_t{});
  if (type == "Int64") return convert(std::int64_t{});
  if (type == "UInt64") return convert(std::uint64_t{});
  if (type == "Float32") return convert(float{});
  if (type == "Float64") return convert(double{});
  throw InvalidInput(fmt::format("{}: data type \"{}\" is not supported", where, type));
}

std::string encode_vtk_block(std::string_view data, bool header_uint64, bool zlib, std::size_t block_size) {
  std::string out;
  if (!zlib) {
    append_word(out, data.size(), header_uint64);
    out.append(data);
    return out;
  }
  const std::size_t blocks = data.empty() ? 0 : (data.size() + block_size - 1) / block_size;
  std::vector<std::string> compressed(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::string_view block = data.substr(b * block_size, block_size);
    uLongf size = compressBound(static_cast<uLong>(block.size()));
    compressed[b].resize(size);
    if (compress2(reinterpret_cast<Bytef*>(compressed[b].data()), &size, reinterpret_cast<const Bytef*>(block.data()),
                  static_cast<uLong>(block.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
      throw OutputFailure("zlib compression failed");
    compressed[b].resize(size);
  }
  append_word(out, blocks, header_uint64);
  append_word(out, block_size, header_uint64);
  append_word(out, data.size() % block_size, header_uint64);  // 0: the last block is full
  for (const std::string& c : compressed) append_word(out, c.size(), header_uint64);
  for (const std::string& c : compressed) out += c;
  return out;
}

}  // namespace backsim::models
