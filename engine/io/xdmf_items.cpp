#include "engine/io/xdmf_items.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace backsim::xdmf {

using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;

bool dataset_exists(hid_t file, const std::string& path) {
  // H5Lexists fails (rather than returning false) when a parent group is missing.
  std::size_t slash = 0;
  while ((slash = path.find('/', slash + 1)) != std::string::npos) {
    if (H5Lexists(file, path.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return false;
  const hid_t object = H5Oopen(file, path.c_str(), H5P_DEFAULT);
  if (object < 0) return false;
  const bool is_dataset = H5Iget_type(object) == H5I_DATASET;
  H5Oclose(object);
  return is_dataset;
}

DatasetItem describe_dataset(hid_t file, const std::string& file_name, const std::string& path,
                             const std::string& what) {
  if (!dataset_exists(file, path)) throw InvalidInput(fmt::format("{}: no dataset {}", what, path));
  DatasetHandle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) throw InvalidInput(fmt::format("{}: cannot open {}", what, path));
  DatatypeHandle type(H5Dget_type(dataset.get()));
  DataspaceHandle space(H5Dget_space(dataset.get()));
  if (!type.valid() || !space.valid()) throw InvalidInput(fmt::format("{}: cannot read the type of {}", what, path));

  DatasetItem item{file_name, path, "", static_cast<int>(H5Tget_size(type.get())), {}};
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
      item.number_type = "Float";
      break;
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
      // XDMF calls 1-byte integers Char/UChar and wider ones Int/UInt.
      if (item.precision == 1) item.number_type = is_signed ? "Char" : "UChar";
      else item.number_type = is_signed ? "Int" : "UInt";
      break;
    }
    default:
      throw InvalidInput(fmt::format("{}: {} is not a numeric dataset", what, path));
  }
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InvalidInput(fmt::format("{}: cannot read the shape of {}", what, path));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  item.dims.assign(dims.begin(), dims.end());
  return item;
}

std::string dimensions_text(const std::vector<std::uint64_t>& dims) {
  return fmt::format("{}", fmt::join(dims, " "));
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string exact_decimal(double value) { return fmt::format("{}", value); }

void append_dataset_item(std::string& out, int indent, const DatasetItem& item) {
  out += fmt::format("{:{}}<DataItem Format=\"HDF\" NumberType=\"{}\" Precision=\"{}\" Dimensions=\"{}\">{}:{}</DataItem>\n",
                     "", indent, item.number_type, item.precision, dimensions_text(item.dims),
                     xml_escaped(item.file), xml_escaped(item.path));
}

void append_row_item(std::string& out, int indent, const DatasetItem& item, std::uint64_t row) {
  BACKSIM_ASSERT(!item.dims.empty() && row < item.dims[0], "xdmf: row inside the dataset");
  const std::size_t rank = item.dims.size();
  std::vector<std::uint64_t> start(rank, 0), stride(rank, 1), count = item.dims;
  start[0] = row;
  count[0] = 1;
  out += fmt::format("{:{}}<DataItem Format=\"HDF\" NumberType=\"{}\" Precision=\"{}\" Dimensions=\"{}\">{}:{}|{}:{}:{}:{}</DataItem>\n",
                     "", indent, item.number_type, item.precision, dimensions_text(count), xml_escaped(item.file),
                     xml_escaped(item.path), dimensions_text(start), dimensions_text(stride), dimensions_text(count),
                     dimensions_text(item.dims));
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path partial = path.string() + ".partial";
  const auto fail = [&](const std::string& what) {
    throw OutputFailure(fmt::format("{}: cannot {}: {}", partial.string(), what, std::strerror(errno)));
  };
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create the file");
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  // Data on disk before the name, as for the run file (docs/output.md).
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("sync to disk");
  }
  if (::close(fd) != 0) fail("close");
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot rename to {}: {}", partial.string(), path.string(), error.message()));
}

}  // namespace backsim::xdmf
