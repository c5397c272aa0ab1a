#include "engine/io/run_reader.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/io/xdmf_items.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>

#include <algorithm>
#include <cstdint>

namespace backsim {
namespace {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->push_back(name);
  return 0;
}

DatatypeHandle utf8_string_type() {
  DatatypeHandle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

}  // namespace

struct RunReader::Impl {
  std::filesystem::path path;
  FileHandle file;
  TetMesh mesh;
  std::vector<double> times;
  std::vector<std::string> fields;
  std::vector<double> tool_times;
  std::vector<Vec3> tool_positions;
  std::vector<double> tool_depths;
  std::vector<NamedPoint> landmarks;

  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidInput(fmt::format("{}: {}", path.string(), what));
  }

  std::vector<hsize_t> dims(const char* dataset_path) const {
    if (!xdmf::dataset_exists(file.get(), dataset_path)) fail(fmt::format("no dataset {}", dataset_path));
    DatasetHandle d(H5Dopen2(file.get(), dataset_path, H5P_DEFAULT));
    DataspaceHandle space(H5Dget_space(d.get()));
    std::vector<hsize_t> shape(static_cast<std::size_t>(std::max(0, H5Sget_simple_extent_ndims(space.get()))));
    H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
    return shape;
  }

  // Rows [first, first + rows) of a dataset as `memory_type`; whole rows of `width` values.
  void read_rows(const char* dataset_path, hid_t memory_type, hsize_t first, hsize_t rows, void* out) const {
    const std::vector<hsize_t> shape = dims(dataset_path);
    if (shape.empty() || first + rows > shape[0]) fail(fmt::format("{} has fewer rows than expected", dataset_path));
    if (rows == 0) return;
    DatasetHandle d(H5Dopen2(file.get(), dataset_path, H5P_DEFAULT));
    DataspaceHandle space(H5Dget_space(d.get()));
    std::vector<hsize_t> start(shape.size(), 0), count = shape;
    start[0] = first;
    count[0] = rows;
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    DataspaceHandle memory(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
    if (H5Dread(d.get(), memory_type, memory.get(), space.get(), H5P_DEFAULT, out) < 0)
      fail(fmt::format("cannot read {}", dataset_path));
  }

  template <class T>
  std::vector<T> read_all(const char* dataset_path, hid_t memory_type, std::size_t values_per_row) const {
    const std::vector<hsize_t> shape = dims(dataset_path);
    std::size_t count = 1;
    for (const hsize_t d : shape) count *= d;
    if (shape.empty() || count != shape[0] * values_per_row)
      fail(fmt::format("{} does not have {} value(s) per row", dataset_path, values_per_row));
    std::vector<T> values(count);
    read_rows(dataset_path, memory_type, 0, shape[0], values.data());
    return values;
  }

  std::vector<Vec3> read_vec3(const char* dataset_path) const {
    const std::vector<double> flat = read_all<double>(dataset_path, H5T_NATIVE_DOUBLE, 3);
    std::vector<Vec3> v(flat.size() / 3);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = Vec3(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]);
    return v;
  }

  std::vector<std::string> read_strings(const char* dataset_path) const {
    const std::vector<hsize_t> shape = dims(dataset_path);
    if (shape.size() != 1) fail(fmt::format("{} is not a list of strings", dataset_path));
    DatasetHandle d(H5Dopen2(file.get(), dataset_path, H5P_DEFAULT));
    DatatypeHandle type = utf8_string_type();
    std::vector<char*> raw(shape[0], nullptr);
    std::vector<std::string> out;
    if (raw.empty()) return out;
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(fmt::format("cannot read the strings of {}", dataset_path));
    for (char* text : raw) out.emplace_back(text ? text : "");
    DataspaceHandle space(H5Dget_space(d.get()));
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
    return out;
  }

  std::string string_attribute(hid_t object, const char* name) const {
    if (H5Aexists(object, name) <= 0) return {};
    AttributeHandle attribute(H5Aopen(object, name, H5P_DEFAULT));
    DatatypeHandle type = utf8_string_type();
    char* text = nullptr;
    if (H5Aread(attribute.get(), type.get(), &text) < 0) return {};
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }

  void open() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) fail("no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
    file = FileHandle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file.valid()) fail("cannot open the HDF5 file (is a run still writing it?)");
    if (string_attribute(file.get(), "format") != "backsim-run")
      fail("not a backsim run file (its root attribute format is not \"backsim-run\")");

    mesh.nodes = read_vec3("/mesh/nodes");
    const std::vector<std::int32_t> tets = read_all<std::int32_t>("/mesh/tets", H5T_NATIVE_INT32, 4);
    mesh.tets.resize(tets.size() / 4);
    for (std::size_t t = 0; t < mesh.tets.size(); ++t) {
      for (int k = 0; k < 4; ++k) {
        const std::int32_t node = tets[4 * t + static_cast<std::size_t>(k)];
        if (node < 0 || static_cast<std::size_t>(node) >= mesh.nodes.size()) fail("/mesh/tets names a node that does not exist");
        mesh.tets[t][k] = static_cast<Index>(node);
      }
    }
    mesh.region = read_all<std::int32_t>("/mesh/region", H5T_NATIVE_INT32, 1);
    mesh.region_names = read_strings("/mesh/region_names");
    if (mesh.region.size() != mesh.tets.size()) fail("/mesh/region does not have one value per tet");
    for (const std::int32_t r : mesh.region)
      if (r < 0 || static_cast<std::size_t>(r) >= mesh.region_names.size()) fail("/mesh/region names a region that does not exist");
    if (xdmf::dataset_exists(file.get(), "/mesh/fibre")) mesh.fibre = read_vec3("/mesh/fibre");

    times = read_all<double>("/frames/time", H5T_NATIVE_DOUBLE, 1);
    const std::vector<hsize_t> d = dims("/frames/displacement");
    if (d.size() != 3 || d[0] < times.size() || d[1] != mesh.nodes.size() || d[2] != 3)
      fail("/frames/displacement is not F x N x 3");

    if (H5Lexists(file.get(), "/fields", H5P_DEFAULT) > 0)
      H5Literate_by_name(file.get(), "/fields", H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &fields, H5P_DEFAULT);

    if (xdmf::dataset_exists(file.get(), "/tool/time")) {
      tool_times = read_all<double>("/tool/time", H5T_NATIVE_DOUBLE, 1);
      tool_positions = read_vec3("/tool/position");
      tool_depths = read_all<double>("/tool/depth", H5T_NATIVE_DOUBLE, 1);
      // The step records of a killed run may differ by a row: keep the common ones.
      const std::size_t steps = std::min({tool_times.size(), tool_positions.size(), tool_depths.size()});
      tool_times.resize(steps);
      tool_positions.resize(steps);
      tool_depths.resize(steps);
    }

    if (xdmf::dataset_exists(file.get(), "/anatomy/landmark_names")) {
      const std::vector<std::string> names = read_strings("/anatomy/landmark_names");
      const std::vector<Vec3> skin = read_vec3("/anatomy/landmark_skin");
      if (skin.size() != names.size()) fail("/anatomy/landmark_skin does not have one point per landmark name");
      for (std::size_t i = 0; i < names.size(); ++i) landmarks.push_back({names[i], skin[i]});
    }
  }
};

RunReader::RunReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->open();
}

RunReader::~RunReader() = default;

const std::filesystem::path& RunReader::path() const { return impl_->path; }
const TetMesh& RunReader::mesh() const { return impl_->mesh; }
const std::vector<double>& RunReader::frame_times() const { return impl_->times; }
std::string RunReader::status() const { return impl_->string_attribute(impl_->file.get(), "status"); }
std::string RunReader::scenario_text() const { return impl_->string_attribute(impl_->file.get(), "scenario"); }
const std::vector<std::string>& RunReader::field_names() const { return impl_->fields; }
const std::vector<double>& RunReader::tool_times() const { return impl_->tool_times; }
const std::vector<Vec3>& RunReader::tool_positions() const { return impl_->tool_positions; }
const std::vector<double>& RunReader::tool_depths() const { return impl_->tool_depths; }
const std::vector<NamedPoint>& RunReader::landmarks() const { return impl_->landmarks; }

std::string RunReader::attribute(const std::string& name) const {
  return impl_->string_attribute(impl_->file.get(), name.c_str());
}

std::vector<std::string> RunReader::dataset_names(const std::string& group) const {
  std::vector<std::string> names, datasets;
  if (H5Lexists(impl_->file.get(), group.c_str(), H5P_DEFAULT) <= 0) return names;
  H5Literate_by_name(impl_->file.get(), group.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names,
                     H5P_DEFAULT);
  for (const std::string& name : names)
    if (xdmf::dataset_exists(impl_->file.get(), group + "/" + name)) datasets.push_back(name);
  return datasets;
}

std::vector<double> RunReader::values(const std::string& dataset) const {
  const std::vector<hsize_t> shape = impl_->dims(dataset.c_str());
  std::size_t per_row = 1;
  for (std::size_t i = 1; i < shape.size(); ++i) per_row *= shape[i];
  return impl_->read_all<double>(dataset.c_str(), H5T_NATIVE_DOUBLE, per_row);
}

std::vector<std::string> RunReader::strings(const std::string& dataset) const {
  return impl_->read_strings(dataset.c_str());
}

std::vector<Vec3> RunReader::displacement(std::size_t frame) const {
  BACKSIM_ASSERT(frame < impl_->times.size(), "RunReader: frame out of range");
  std::vector<Vec3> u(impl_->mesh.nodes.size());
  std::vector<double> flat(3 * u.size());
  impl_->read_rows("/frames/displacement", H5T_NATIVE_DOUBLE, frame, 1, flat.data());
  for (std::size_t i = 0; i < u.size(); ++i) u[i] = Vec3(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]);
  return u;
}

std::vector<double> RunReader::field(const std::string& name, std::size_t frame) const {
  BACKSIM_ASSERT(frame < impl_->times.size(), "RunReader: frame out of range");
  if (std::find(impl_->fields.begin(), impl_->fields.end(), name) == impl_->fields.end())
    impl_->fail(fmt::format("no field \"{}\"; the run has: {}", name, fmt::join(impl_->fields, ", ")));
  const std::string path = "/fields/" + name;
  const std::vector<hsize_t> d = impl_->dims(path.c_str());
  if (d.size() != 2 || d[1] != impl_->mesh.tets.size()) impl_->fail(fmt::format("{} is not F x M", path));
  std::vector<double> values(impl_->mesh.tets.size());
  impl_->read_rows(path.c_str(), H5T_NATIVE_DOUBLE, frame, 1, values.data());
  return values;
}

std::string RunReader::field_units(const std::string& name) const {
  const std::string path = "/fields/" + name;
  if (!xdmf::dataset_exists(impl_->file.get(), path)) return {};
  DatasetHandle d(H5Dopen2(impl_->file.get(), path.c_str(), H5P_DEFAULT));
  return impl_->string_attribute(d.get(), "units");
}

}  // namespace backsim
