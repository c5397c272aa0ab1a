// The binary data blocks of VTK XML files (.vtu): one data array's bytes as VTK writes
// them inline (format="binary", base64) or in <AppendedData> (raw or base64).
//
// A block is a byte-count header followed by the data; with vtkZLibDataCompressor the
// header is [block count, uncompressed block size, uncompressed size of the last block
// (0: full), compressed size of each block] and the data is the zlib streams of the
// blocks. Header words are UInt32, or UInt64 with header_type="UInt64". Only
// little-endian files are read (byte_order="BigEndian" is rejected by the caller).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace backsim::models {

struct VtkBlockLayout {
  bool base64 = true;          // false: raw bytes (appended encoding="raw")
  bool header_uint64 = false;  // header_type="UInt64"
  bool zlib = false;           // compressor="vtkZLibDataCompressor"
};

// Decodes the block that starts at the beginning of `text` and returns its data bytes
// (uncompressed). With `whole_text`, nothing but whitespace may follow the block (an
// inline array); appended arrays are followed by the next one. Every malformed block
// (bad base64, a header that does not match the data, truncated data, a zlib error)
// throws InvalidInput as "`where`: message"; nothing is read outside `text`.
std::string decode_vtk_block(std::string_view text, const VtkBlockLayout& layout, bool whole_text, const std::string& where);

// The values of a VTK data array type (Int8 ... UInt64, Float32, Float64) held in
// little-endian `bytes`, as doubles (exact for floats and integers up to 2^53).
// Throws InvalidInput for an unknown type or a byte count that is not a whole number
// of values.
std::vector<double> vtk_values_from_bytes(std::string_view bytes, std::string_view type, const std::string& where);

// The block of `data` as decode_vtk_block reads it, before base64 (the writer's and
// the tests' encoder). zlib blocks hold `block_size` uncompressed bytes.
std::string encode_vtk_block(std::string_view data, bool header_uint64, bool zlib, std::size_t block_size = 32768);

}  // namespace backsim::models
