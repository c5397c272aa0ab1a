// Reads back run files in tests with the plain HDF5 C API, the way an outside
// reader would: H5Fopen(RDONLY, default access list), no backsim code involved.
#pragma once

#include "engine/io/hdf5_handle.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace backsim::test {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;

template <class T>
struct Hdf5Array {
  std::vector<hsize_t> dims;
  std::vector<T> values;  // row-major
};

inline FileHandle open_read_only(const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  FileHandle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  INFO("H5Fopen(" << path << ", H5F_ACC_RDONLY, H5P_DEFAULT)");
  REQUIRE(file.valid());
  return file;
}

inline bool link_exists(hid_t file, const char* path) { return H5Lexists(file, path, H5P_DEFAULT) > 0; }

inline std::vector<hsize_t> dataset_dims(const DatasetHandle& dataset) {
  DataspaceHandle space(H5Dget_space(dataset.get()));
  REQUIRE(space.valid());
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

// Reads a whole numeric dataset, checking that it is stored as `file_type`.
template <class T>
Hdf5Array<T> read_dataset(hid_t file, const char* path, hid_t file_type, hid_t memory_type) {
  INFO("dataset " << path);
  REQUIRE(link_exists(file, path));
  DatasetHandle dataset(H5Dopen2(file, path, H5P_DEFAULT));
  REQUIRE(dataset.valid());
  DatatypeHandle stored_type(H5Dget_type(dataset.get()));
  CHECK(H5Tequal(stored_type.get(), file_type) > 0);
  Hdf5Array<T> array;
  array.dims = dataset_dims(dataset);
  std::size_t count = 1;
  for (const hsize_t extent : array.dims) count *= extent;
  array.values.resize(count);
  if (count > 0) {
    REQUIRE(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    array.values.data()) >= 0);
  }
  return array;
}

inline Hdf5Array<double> read_float64(hid_t file, const char* path) {
  return read_dataset<double>(file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}

inline Hdf5Array<std::int32_t> read_int32(hid_t file, const char* path) {
  return read_dataset<std::int32_t>(file, path, H5T_STD_I32LE, H5T_NATIVE_INT32);
}

inline DatatypeHandle utf8_string_type() {
  DatatypeHandle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

// Checks that a stored string type is variable-length UTF-8 (what h5py reads as str).
inline void check_utf8_string_type(hid_t stored_type) {
  CHECK(H5Tget_class(stored_type) == H5T_STRING);
  CHECK(H5Tis_variable_str(stored_type) > 0);
  CHECK(H5Tget_cset(stored_type) == H5T_CSET_UTF8);
}

inline std::vector<std::string> read_strings(hid_t file, const char* path) {
  INFO("dataset " << path);
  REQUIRE(link_exists(file, path));
  DatasetHandle dataset(H5Dopen2(file, path, H5P_DEFAULT));
  REQUIRE(dataset.valid());
  DatatypeHandle stored_type(H5Dget_type(dataset.get()));
  check_utf8_string_type(stored_type.get());
  const std::vector<hsize_t> dims = dataset_dims(dataset);
  REQUIRE(dims.size() == 1);
  std::vector<char*> raw(dims[0], nullptr);
  DatatypeHandle memory_type = utf8_string_type();
  std::vector<std::string> strings;
  if (raw.empty()) return strings;
  REQUIRE(H5Dread(dataset.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0);
  for (char* text : raw) strings.emplace_back(text ? text : "");
  DataspaceHandle space(H5Dget_space(dataset.get()));
  H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, raw.data());
  return strings;
}

inline bool has_attribute(hid_t object, const char* name) { return H5Aexists(object, name) > 0; }

inline std::string read_string_attribute(hid_t object, const char* name) {
  INFO("attribute " << name);
  REQUIRE(has_attribute(object, name));
  AttributeHandle attribute(H5Aopen(object, name, H5P_DEFAULT));
  REQUIRE(attribute.valid());
  DatatypeHandle stored_type(H5Aget_type(attribute.get()));
  check_utf8_string_type(stored_type.get());
  DatatypeHandle memory_type = utf8_string_type();
  char* text = nullptr;
  REQUIRE(H5Aread(attribute.get(), memory_type.get(), &text) >= 0);
  std::string value = text ? text : "";
  H5free_memory(text);
  return value;
}

inline std::string read_string_attribute(hid_t file, const char* object_path, const char* name) {
  INFO("object " << object_path);
  io_detail::Hdf5Handle<H5Oclose> object(H5Oopen(file, object_path, H5P_DEFAULT));
  REQUIRE(object.valid());
  return read_string_attribute(object.get(), name);
}

template <class T>
T read_scalar_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type) {
  INFO("attribute " << name);
  REQUIRE(has_attribute(object, name));
  AttributeHandle attribute(H5Aopen(object, name, H5P_DEFAULT));
  REQUIRE(attribute.valid());
  DatatypeHandle stored_type(H5Aget_type(attribute.get()));
  CHECK(H5Tequal(stored_type.get(), file_type) > 0);
  T value{};
  REQUIRE(H5Aread(attribute.get(), memory_type, &value) >= 0);
  return value;
}

}  // namespace backsim::test

namespace backsim::test {

// Every dataset path of a file ("/frames/time", ...), in name order.
inline std::vector<std::string> dataset_paths(hid_t file) {
  std::vector<std::string> paths;
  H5Ovisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
        return 0;
      },
      &paths);
  return paths;
}

// The bytes of a fixed-size dataset in its native memory layout, or its strings
// joined with '\0' (variable-length strings).
inline std::string dataset_bytes(hid_t file, const std::string& path) {
  DatasetHandle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  REQUIRE(dataset.valid());
  DatatypeHandle stored(H5Dget_type(dataset.get()));
  if (H5Tis_variable_str(stored.get()) > 0) {
    std::string joined;
    for (const std::string& s : read_strings(file, path.c_str())) joined += s + '\0';
    return joined;
  }
  DatatypeHandle native(H5Tget_native_type(stored.get(), H5T_DIR_ASCEND));
  std::size_t count = 1;
  for (hsize_t extent : dataset_dims(dataset)) count *= extent;
  std::string bytes(count * H5Tget_size(native.get()), '\0');
  if (count > 0) REQUIRE(H5Dread(dataset.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) >= 0);
  return bytes;
}

// The datasets of two files that differ (or exist in one only), leaving out `skip`.
inline std::vector<std::string> differing_datasets(const std::filesystem::path& a, const std::filesystem::path& b,
                                                   const std::vector<std::string>& skip) {
  FileHandle fa = open_read_only(a);
  FileHandle fb = open_read_only(b);
  const std::vector<std::string> pa = dataset_paths(fa.get());
  const std::vector<std::string> pb = dataset_paths(fb.get());
  std::vector<std::string> differ;
  for (const std::string& p : pa) {
    if (std::find(skip.begin(), skip.end(), p) != skip.end()) continue;
    if (std::find(pb.begin(), pb.end(), p) == pb.end() || dataset_bytes(fa.get(), p) != dataset_bytes(fb.get(), p))
      differ.push_back(p);
  }
  for (const std::string& p : pb)
    if (std::find(pa.begin(), pa.end(), p) == pa.end()) differ.push_back(p + " (only in " + b.filename().string() + ")");
  return differ;
}

}  // namespace backsim::test
