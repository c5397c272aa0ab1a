#include "cli/lesson/run_file_reader.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace backsim::cli {

namespace {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;
using io_detail::GroupHandle;

// The layout version this build reads (docs/output.md: format_version).
constexpr std::int32_t kFormatVersion = 1;

DatatypeHandle utf8_string_type() {
  DatatypeHandle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

bool link_exists(hid_t file, const std::string& path) {
  // H5Lexists fails (negative) when an intermediate group is missing: check each level.
  std::size_t pos = 0;
  while ((pos = path.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0;
}

std::vector<hsize_t> dims_of(const DatasetHandle& dataset) {
  DataspaceHandle space(H5Dget_space(dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return s.empty() ? "scalar" : s;
}

}  // namespace

struct RunFileReader::Impl {
  std::filesystem::path path;
  FileHandle file;
  TetMesh mesh;
  std::vector<double> frame_times;
  std::vector<double> tool_times;
  std::vector<Vec3> tool_positions;
  std::vector<NamedPoint> landmarks;

  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidInput(path.string() + ": " + what);
  }

  DatasetHandle open(const std::string& dataset_path) const {
    if (!link_exists(file.get(), dataset_path)) fail("no dataset " + dataset_path + " (is it a backsim run file?)");
    DatasetHandle dataset(H5Dopen2(file.get(), dataset_path.c_str(), H5P_DEFAULT));
    if (!dataset.valid()) fail("cannot open " + dataset_path);
    return dataset;
  }

  // Opens `dataset_path` and checks its rank and the extents that are given (-1: any).
  DatasetHandle open_shaped(const std::string& dataset_path, std::vector<long long> expected,
                            std::vector<hsize_t>& dims) const {
    DatasetHandle dataset = open(dataset_path);
    dims = dims_of(dataset);
    bool ok = dims.size() == expected.size();
    for (std::size_t i = 0; ok && i < dims.size(); ++i)
      ok = expected[i] < 0 || dims[i] == static_cast<hsize_t>(expected[i]);
    if (!ok) {
      std::string want;
      for (std::size_t i = 0; i < expected.size(); ++i)
        want += (i ? " x " : "") + (expected[i] < 0 ? std::string("any") : std::to_string(expected[i]));
      fail(dataset_path + " has shape " + shape_text(dims) + ", expected " + want);
    }
    return dataset;
  }

  template <class T>
  std::vector<T> read_all(const DatasetHandle& dataset, hid_t memory_type, std::size_t count,
                          const std::string& what) const {
    std::vector<T> values(count);
    if (count > 0 && H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      fail("cannot read " + what + " (unreadable or not numeric)");
    return values;
  }

  // Rows [first, first + count) of a dataset whose rows hold `width` values.
  template <class T>
  std::vector<T> read_rows(const DatasetHandle& dataset, hid_t memory_type, const std::vector<hsize_t>& dims,
                           hsize_t first, hsize_t count, const std::string& what) const {
    std::vector<hsize_t> start(dims.size(), 0), extent = dims;
    start[0] = first;
    extent[0] = count;
    std::size_t values = 1;
    for (const hsize_t e : extent) values *= e;
    std::vector<T> out(values);
    DataspaceHandle file_space(H5Dget_space(dataset.get()));
    DataspaceHandle memory_space(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr) < 0 ||
        H5Dread(dataset.get(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
      fail("cannot read " + what);
    return out;
  }

  std::vector<std::string> read_strings(const std::string& dataset_path) const {
    std::vector<hsize_t> dims;
    DatasetHandle dataset = open_shaped(dataset_path, {-1}, dims);
    DatatypeHandle stored(H5Dget_type(dataset.get()));
    if (H5Tget_class(stored.get()) != H5T_STRING) fail(dataset_path + " is not a string dataset");
    DatatypeHandle memory = utf8_string_type();
    std::vector<char*> raw(dims[0], nullptr);
    std::vector<std::string> strings;
    if (raw.empty()) return strings;
    if (H5Tis_variable_str(stored.get()) <= 0) fail(dataset_path + " holds fixed-length strings, expected variable-length UTF-8");
    if (H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail("cannot read " + dataset_path);
    for (char* text : raw) strings.emplace_back(text ? text : "");
    DataspaceHandle space(H5Dget_space(dataset.get()));
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, raw.data());
    return strings;
  }

  std::optional<std::string> root_string(const char* name) const {
    if (H5Aexists(file.get(), name) <= 0) return std::nullopt;
    AttributeHandle attribute(H5Aopen(file.get(), name, H5P_DEFAULT));
    DatatypeHandle stored(H5Aget_type(attribute.get()));
    if (!attribute.valid() || H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0)
      return std::nullopt;
    DatatypeHandle memory = utf8_string_type();
    char* text = nullptr;
    if (H5Aread(attribute.get(), memory.get(), &text) < 0) return std::nullopt;
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }

  void check_format() const {
    const std::optional<std::string> format = root_string("format");
    if (!format || *format != "backsim-run")
      fail("not a backsim run file (root attribute format is " + (format ? "\"" + *format + "\"" : std::string("missing")) +
           ", expected \"backsim-run\"; a model file from `backsim model` has no frames to show)");
    std::int32_t version = 0;
    if (H5Aexists(file.get(), "format_version") <= 0) fail("no root attribute format_version");
    AttributeHandle attribute(H5Aopen(file.get(), "format_version", H5P_DEFAULT));
    if (H5Aread(attribute.get(), H5T_NATIVE_INT32, &version) < 0) fail("cannot read the root attribute format_version");
    if (version != kFormatVersion)
      fail("format_version " + std::to_string(version) + ": this backsim reads version " +
           std::to_string(kFormatVersion) + " (use the backsim that wrote the file)");
  }

  void read_mesh() {
    std::vector<hsize_t> dims;
    DatasetHandle nodes = open_shaped("/mesh/nodes", {-1, 3}, dims);
    const std::size_t node_count = dims[0];
    const std::vector<double> xyz = read_all<double>(nodes, H5T_NATIVE_DOUBLE, 3 * node_count, "/mesh/nodes");
    mesh.nodes.resize(node_count);
    for (std::size_t i = 0; i < node_count; ++i) mesh.nodes[i] = Vec3(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
    for (const double v : xyz)
      if (!std::isfinite(v)) fail("/mesh/nodes holds a non-finite coordinate");

    DatasetHandle tets = open_shaped("/mesh/tets", {-1, 4}, dims);
    const std::size_t tet_count = dims[0];
    if (tet_count == 0) fail("/mesh/tets is empty");
    const std::vector<std::int32_t> ids = read_all<std::int32_t>(tets, H5T_NATIVE_INT32, 4 * tet_count, "/mesh/tets");
    mesh.tets.resize(tet_count);
    for (std::size_t t = 0; t < tet_count; ++t) {
      for (int k = 0; k < 4; ++k) {
        const std::int32_t id = ids[4 * t + static_cast<std::size_t>(k)];
        if (id < 0 || static_cast<std::size_t>(id) >= node_count)
          fail("/mesh/tets row " + std::to_string(t) + " refers to node " + std::to_string(id) + " of " +
               std::to_string(node_count));
        mesh.tets[t][static_cast<std::size_t>(k)] = static_cast<Index>(id);
      }
    }

    mesh.region_names = read_strings("/mesh/region_names");
    if (mesh.region_names.empty()) fail("/mesh/region_names is empty");
    DatasetHandle region = open_shaped("/mesh/region", {static_cast<long long>(tet_count)}, dims);
    mesh.region = read_all<std::int32_t>(region, H5T_NATIVE_INT32, tet_count, "/mesh/region");
    for (std::size_t t = 0; t < tet_count; ++t) {
      if (mesh.region[t] < 0 || static_cast<std::size_t>(mesh.region[t]) >= mesh.region_names.size())
        fail("/mesh/region row " + std::to_string(t) + " is " + std::to_string(mesh.region[t]) + ", outside the " +
             std::to_string(mesh.region_names.size()) + " names of /mesh/region_names");
    }
  }

  void read_frames() {
    std::vector<hsize_t> dims;
    DatasetHandle time = open_shaped("/frames/time", {-1}, dims);
    frame_times = read_all<double>(time, H5T_NATIVE_DOUBLE, dims[0], "/frames/time");
    if (frame_times.empty()) fail("the run has no frames (len(/frames/time) = 0)");
    for (std::size_t f = 0; f < frame_times.size(); ++f) {
      if (!std::isfinite(frame_times[f]) || (f > 0 && !(frame_times[f] > frame_times[f - 1])))
        fail("/frames/time is not finite and increasing at frame " + std::to_string(f));
    }
    DatasetHandle displacement = open_shaped("/frames/displacement", {-1, static_cast<long long>(mesh.nodes.size()), 3}, dims);
    if (dims[0] < frame_times.size())
      fail("/frames/displacement has " + std::to_string(dims[0]) + " frames, /frames/time " +
           std::to_string(frame_times.size()));
  }

  void read_tool() {
    if (!link_exists(file.get(), "/tool/time") || !link_exists(file.get(), "/tool/position")) return;
    std::vector<hsize_t> time_dims, position_dims;
    DatasetHandle time = open_shaped("/tool/time", {-1}, time_dims);
    DatasetHandle position = open_shaped("/tool/position", {-1, 3}, position_dims);
    // A killed run can hold a step row more in one dataset than in the other.
    const std::size_t steps = std::min(time_dims[0], position_dims[0]);
    if (steps == 0) return;
    tool_times = read_rows<double>(time, H5T_NATIVE_DOUBLE, time_dims, 0, steps, "/tool/time");
    const std::vector<double> xyz = read_rows<double>(position, H5T_NATIVE_DOUBLE, position_dims, 0, steps, "/tool/position");
    tool_positions.resize(steps);
    for (std::size_t s = 0; s < steps; ++s) tool_positions[s] = Vec3(xyz[3 * s], xyz[3 * s + 1], xyz[3 * s + 2]);
  }

  // /anatomy is optional and written by newer backsims: any string dataset of L names
  // with an L x 3 float dataset beside it is read as landmarks; anything else is ignored.
  void read_landmarks() {
    if (!link_exists(file.get(), "/anatomy")) return;
    GroupHandle group(H5Gopen2(file.get(), "/anatomy", H5P_DEFAULT));
    if (!group.valid()) return;
    H5G_info_t info{};
    if (H5Gget_info(group.get(), &info) < 0) return;
    std::vector<std::string> names_paths, points_paths;
    std::vector<hsize_t> names_rows, points_rows;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      std::array<char, 256> name{};
      if (H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT) <= 0)
        continue;
      const std::string child = "/anatomy/" + std::string(name.data());
      DatasetHandle dataset(H5Dopen2(file.get(), child.c_str(), H5P_DEFAULT));  // fails for a group
      if (!dataset.valid()) continue;
      DatatypeHandle type(H5Dget_type(dataset.get()));
      const std::vector<hsize_t> dims = dims_of(dataset);
      if (H5Tget_class(type.get()) == H5T_STRING && dims.size() == 1 && H5Tis_variable_str(type.get()) > 0) {
        names_paths.push_back(child);
        names_rows.push_back(dims[0]);
      } else if (H5Tget_class(type.get()) == H5T_FLOAT && dims.size() == 2 && dims[1] == 3) {
        points_paths.push_back(child);
        points_rows.push_back(dims[0]);
      }
    }
    for (std::size_t n = 0; n < names_paths.size(); ++n) {
      for (std::size_t p = 0; p < points_paths.size(); ++p) {
        if (names_rows[n] != points_rows[p] || names_rows[n] == 0) continue;
        const std::vector<std::string> names = read_strings(names_paths[n]);
        std::vector<hsize_t> dims;
        DatasetHandle points = open_shaped(points_paths[p], {-1, 3}, dims);
        const std::vector<double> xyz = read_all<double>(points, H5T_NATIVE_DOUBLE, 3 * dims[0], points_paths[p]);
        for (std::size_t i = 0; i < names.size(); ++i) {
          const Vec3 x(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
          if (x.allFinite()) landmarks.push_back({names[i], x});
        }
        return;
      }
    }
  }
};

RunFileReader::RunFileReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.path = path;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become messages, not HDF5's stack on stderr
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) d.fail("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) d.fail("not an HDF5 file (backsim view reads the .h5 files of `backsim run`)");
  d.file = FileHandle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!d.file.valid())
    d.fail("cannot open (if a run is still writing it, wait for the run to end, or set HDF5_USE_FILE_LOCKING=FALSE)");
  d.check_format();
  d.read_mesh();
  d.read_frames();
  d.read_tool();
  d.read_landmarks();
}

RunFileReader::~RunFileReader() = default;

const std::filesystem::path& RunFileReader::path() const { return impl_->path; }
const TetMesh& RunFileReader::mesh() const { return impl_->mesh; }
const std::vector<double>& RunFileReader::frame_times() const { return impl_->frame_times; }
const std::vector<double>& RunFileReader::tool_times() const { return impl_->tool_times; }
const std::vector<Vec3>& RunFileReader::tool_positions() const { return impl_->tool_positions; }
const std::vector<NamedPoint>& RunFileReader::landmarks() const { return impl_->landmarks; }
std::optional<std::string> RunFileReader::root_string(const char* name) const { return impl_->root_string(name); }

std::vector<Vec3> RunFileReader::displacement(Index frame) const {
  const Impl& d = *impl_;
  BACKSIM_ASSERT(frame < d.frame_times.size(), "displacement(): frame out of range");
  std::vector<hsize_t> dims;
  DatasetHandle dataset = d.open_shaped("/frames/displacement", {-1, static_cast<long long>(d.mesh.nodes.size()), 3}, dims);
  const std::vector<double> xyz = d.read_rows<double>(dataset, H5T_NATIVE_DOUBLE, dims, frame, 1,
                                                      "/frames/displacement frame " + std::to_string(frame));
  std::vector<Vec3> u(d.mesh.nodes.size());
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = Vec3(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
    if (!u[i].allFinite()) d.fail("/frames/displacement frame " + std::to_string(frame) + " holds a non-finite value");
  }
  return u;
}

bool RunFileReader::has_tet_field(std::string_view path) const {
  const Impl& d = *impl_;
  const std::string p(path);
  if (!link_exists(d.file.get(), p)) return false;
  DatasetHandle dataset(H5Dopen2(d.file.get(), p.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) return false;
  const std::vector<hsize_t> dims = dims_of(dataset);
  return dims.size() == 2 && dims[0] >= d.frame_times.size() && dims[1] == d.mesh.tets.size();
}

std::vector<double> RunFileReader::tet_field(std::string_view path, Index frame) const {
  const Impl& d = *impl_;
  BACKSIM_ASSERT(frame < d.frame_times.size(), "tet_field(): frame out of range");
  const std::string p(path);
  std::vector<hsize_t> dims;
  DatasetHandle dataset = d.open_shaped(p, {-1, static_cast<long long>(d.mesh.tets.size())}, dims);
  return d.read_rows<double>(dataset, H5T_NATIVE_DOUBLE, dims, frame, 1, p + " frame " + std::to_string(frame));
}

}  // namespace backsim::cli
