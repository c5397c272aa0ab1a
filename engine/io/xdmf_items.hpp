// The pieces of an XDMF 3 file that points into an HDF5 file: DataItems that name a
// dataset (with its stored number type, precision and shape, read from the file),
// hyperslabs of one row, and the atomic write of the finished XML.
//
// XDMF (xdmf.org, "XDMF Model and Format") keeps heavy data in HDF5 and describes
// it in XML; ParaView, VisIt and meshio read it. Every DataItem written here carries
// NumberType, Precision and Dimensions equal to the dataset's, so a reader never
// has to guess (ParaView's readers assume Float/4 when they are missing).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace backsim::xdmf {

// A dataset as XDMF names it: "FILE:/path", its number type and shape.
struct DatasetItem {
  std::string file;                 // HDF5 file name relative to the XDMF file
  std::string path;                 // "/mesh/nodes"
  std::string number_type;          // "Float", "Int", "UInt", "Char" or "UChar"
  int precision = 8;                // bytes per value
  std::vector<std::uint64_t> dims;  // the dataset's shape
};

// Reads the type and shape of `path` in the open file. Throws InvalidInput when it
// is missing or not a numeric dataset (`what` names the file in the message).
DatasetItem describe_dataset(hid_t file, const std::string& file_name, const std::string& path,
                             const std::string& what);
bool dataset_exists(hid_t file, const std::string& path);

// "3 4" for {3, 4}.
std::string dimensions_text(const std::vector<std::uint64_t>& dims);

// Appends XML to `out`, each line indented by `indent` spaces.
// <DataItem Format="HDF" ...>FILE:/path</DataItem>
void append_dataset_item(std::string& out, int indent, const DatasetItem& item);
// Row `row` of a dataset whose first dimension counts rows (frames), in XDMF 3's
// own hyperslab syntax: FILE:/path|start:stride:count:dataset dims, Dimensions =
// count = (1, rest...). Not an ItemType="HyperSlab" DataItem: VTK's XDMF 3 readers
// (ParaView's Xdmf3ReaderS/T, 5.11) check an array's type before reading it, and a
// HyperSlab (or Function) item has no type until it is read, so they skip it
// ("Skipping unrecognized array type [None]"; checked with pvpython).
void append_row_item(std::string& out, int indent, const DatasetItem& item, std::uint64_t row);

// Escapes &, <, >, " for an attribute value or text.
std::string xml_escaped(const std::string& text);
// The shortest decimal that reads back as the same double.
std::string exact_decimal(double value);

// Writes `text` to `path` through `path.partial` and one rename, so that a reader
// never sees half a file. Throws OutputFailure.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace backsim::xdmf
