#include "engine/io/run_checkpoint.hpp"

#include "engine/core/error.hpp"
#include "engine/io/file_sync.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/sim/state_arrays.hpp"

#include <hdf5.h>

#include <array>
#include <cstring>
#include <system_error>

namespace backsim {
namespace {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;
using io_detail::GroupHandle;
using io_detail::PropertyListHandle;

constexpr std::string_view kFormat = "backsim-checkpoint";
constexpr std::int64_t kFormatVersion = 3;  // 2: the cycle path (warm starts of a resolved cycle); 3: periods replayed

// The summary's integer counters and real values, in a fixed order.
std::array<std::int64_t, 8> counters(const RunPosition& p) {
  const SimulationSummary& s = p.summary;
  return {p.next, p.last_frame_index, s.steps, s.frames, s.retried_steps, s.newton_iterations, s.cg_iterations,
          s.resolved_cycles};
}
std::array<double, 3> reals(const RunPosition& p) {
  return {p.summary.peak_depth, p.summary.peak_normal_force, p.summary.wall_seconds};
}

class Writer {
 public:
  explicit Writer(const std::filesystem::path& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = FileHandle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create"));
    for (const char* g : {"/state", "/state/tissue", "/state/circulation", "/state/totals", "/position", "/observer"})
      GroupHandle(check(H5Gcreate2(file_.get(), g, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create a group"));
  }
  void doubles(const std::string& name, const double* data, std::size_t n) {
    write(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, n);
  }
  void integers(const std::string& name, const std::int64_t* data, std::size_t n) {
    write(name, H5T_STD_I64LE, H5T_NATIVE_INT64, data, n);
  }
  void text(const char* name, std::string_view value) {
    DatatypeHandle type(check(H5Tcopy(H5T_C_S1), "make a string type"));
    H5Tset_size(type.get(), std::max<std::size_t>(value.size(), 1));
    DataspaceHandle space(check(H5Screate(H5S_SCALAR), "make a dataspace"));
    AttributeHandle a(check(H5Acreate2(file_.get(), name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                            "write an attribute"));
    const std::string padded = value.empty() ? std::string(1, '\0') : std::string(value);
    check(H5Awrite(a.get(), type.get(), padded.data()), "write an attribute");
  }
  void close() { check(file_.close(), "close"); }

 private:
  void write(const std::string& name, hid_t file_type, hid_t memory_type, const void* data, std::size_t n) {
    const hsize_t dims[1] = {n};
    DataspaceHandle space(check(H5Screate_simple(1, dims, nullptr), "make a dataspace"));
    DatasetHandle d(check(H5Dcreate2(file_.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                     H5P_DEFAULT),
                          "write " + name));
    if (n > 0) check(H5Dwrite(d.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  }
  hid_t check(hid_t id, const std::string& what) const {
    if (id < 0) throw OutputFailure("checkpoint '" + path_.string() + "': cannot " + what);
    return id;
  }
  std::filesystem::path path_;
  FileHandle file_;
};

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = FileHandle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file_.valid()) fail("cannot open it as HDF5");
    if (text("format") != kFormat) fail("it is not a backsim checkpoint");
  }
  std::size_t size(const std::string& name) const {
    DatasetHandle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    if (!d.valid()) fail(name + " is missing");
    DataspaceHandle space(H5Dget_space(d.get()));
    hsize_t n = 0;
    if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &n, nullptr) != 1)
      fail(name + " is not a list");
    return static_cast<std::size_t>(n);
  }
  template <class T>
  void read(const std::string& name, T* data, std::size_t n, hid_t memory_type) const {
    if (const std::size_t has = size(name); has != n)
      fail(name + " has " + std::to_string(has) + " values where this model has " + std::to_string(n) +
           ": the checkpoint is of another model");
    if (n == 0) return;
    DatasetHandle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    if (H5Dread(d.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail("cannot read " + name);
  }
  std::string text(const char* name) const {
    AttributeHandle a(H5Aopen(file_.get(), name, H5P_DEFAULT));
    if (!a.valid()) fail(std::string("attribute ") + name + " is missing");
    DatatypeHandle type(H5Aget_type(a.get()));
    std::string value(H5Tget_size(type.get()), '\0');
    DatatypeHandle memory(H5Tcopy(H5T_C_S1));
    H5Tset_size(memory.get(), value.size());
    if (H5Aread(a.get(), memory.get(), value.data()) < 0) fail(std::string("cannot read attribute ") + name);
    value.resize(std::strlen(value.c_str()));
    return value;
  }
  // The names of the datasets in a group.
  std::vector<std::string> names(const char* group) const {
    std::vector<std::string> out;
    H5Literate_by_name(
        file_.get(), group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
          static_cast<std::vector<std::string>*>(data)->emplace_back(name);
          return 0;
        },
        &out, H5P_DEFAULT);
    return out;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidInput("checkpoint '" + path_.string() + "': " + what);
  }

 private:
  std::filesystem::path path_;
  FileHandle file_;
};

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& output) {
  return output.string() + ".checkpoint";
}

void write_run_checkpoint(const std::filesystem::path& path, const State& state, const RunCheckpoint& c) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    Writer w(partial);
    w.text("format", kFormat);
    w.text("scenario_sha256", c.scenario_sha256);
    w.integers("/format_version", &kFormatVersion, 1);
    const std::int64_t step = state.step;
    w.integers("/state/step", &step, 1);
    visit_state_arrays(state, [&](std::string_view name, const double* data, std::size_t n) {
      w.doubles("/state/" + std::string(name), data, n);
    });
    const auto ints = counters(c.position);
    w.integers("/position/counters", ints.data(), ints.size());
    const auto values = reals(c.position);
    w.doubles("/position/reals", values.data(), values.size());
    const std::int64_t jumped = c.position.summary.jumped_cycles;
    w.integers("/position/jumped_cycles", &jumped, 1);
    const std::int64_t periods = c.position.summary.jumped_periods;
    w.integers("/position/jumped_periods", &periods, 1);
    const CyclePath& cycle_path = c.position.cycle_path;
    const std::array<double, 3> path_key{static_cast<double>(cycle_path.stroke), cycle_path.length,
                                         static_cast<double>(cycle_path.steps)};
    w.doubles("/position/cycle_path_key", path_key.data(), path_key.size());
    w.doubles("/position/cycle_path_q", cycle_path.q.data(), cycle_path.q.size());
    const std::array<std::int64_t, 2> rows{c.rows.frames, c.rows.steps};
    w.integers("/run_file_rows", rows.data(), rows.size());
    for (const NamedArray& a : c.extra) w.doubles("/observer/" + a.name, a.values.data(), a.values.size());
    w.close();
  }
  sync_file_to_disk(partial, "checkpoint '" + partial.string() + "'");
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw OutputFailure("checkpoint '" + path.string() + "': cannot rename into place: " + error.message());
  const std::filesystem::path directory = path.parent_path();
  sync_directory_to_disk(directory.empty() ? std::filesystem::path(".") : directory);
}

RunCheckpoint read_run_checkpoint(const std::filesystem::path& path, State& state) {
  Reader r(path);
  std::int64_t version = 0;
  r.read("/format_version", &version, 1, H5T_NATIVE_INT64);
  if (version != kFormatVersion)
    r.fail("format version " + std::to_string(version) + "; this backsim reads version " +
           std::to_string(kFormatVersion));
  RunCheckpoint c;
  c.scenario_sha256 = r.text("scenario_sha256");
  std::int64_t step = 0;
  r.read("/state/step", &step, 1, H5T_NATIVE_INT64);
  state.step = step;
  visit_state_arrays(state, [&](std::string_view name, double* data, std::size_t n) {
    r.read("/state/" + std::string(name), data, n, H5T_NATIVE_DOUBLE);
  });
  std::array<std::int64_t, 8> ints{};
  r.read("/position/counters", ints.data(), ints.size(), H5T_NATIVE_INT64);
  std::array<double, 3> values{};
  r.read("/position/reals", values.data(), values.size(), H5T_NATIVE_DOUBLE);
  RunPosition& p = c.position;
  SimulationSummary& s = p.summary;
  p.next = ints[0];
  p.last_frame_index = ints[1];
  s.steps = ints[2];
  s.frames = ints[3];
  s.retried_steps = ints[4];
  s.newton_iterations = ints[5];
  s.cg_iterations = ints[6];
  s.resolved_cycles = ints[7];
  r.read("/position/jumped_cycles", &s.jumped_cycles, 1, H5T_NATIVE_INT64);
  r.read("/position/jumped_periods", &s.jumped_periods, 1, H5T_NATIVE_INT64);
  std::array<double, 3> path_key{};
  r.read("/position/cycle_path_key", path_key.data(), path_key.size(), H5T_NATIVE_DOUBLE);
  CyclePath& cycle_path = p.cycle_path;
  cycle_path.stroke = static_cast<int>(path_key[0]);
  cycle_path.length = path_key[1];
  cycle_path.steps = static_cast<std::int64_t>(path_key[2]);
  if (!(path_key[2] >= 0 && path_key[2] <= 1e7)) r.fail("/position/cycle_path_key has a step count out of range");
  const std::size_t path_values =
      cycle_path.stroke == CyclePath::kNone ? 0 : static_cast<std::size_t>(cycle_path.steps) * state.q.size();
  cycle_path.q.resize(path_values);
  r.read("/position/cycle_path_q", cycle_path.q.data(), path_values, H5T_NATIVE_DOUBLE);
  s.peak_depth = values[0];
  s.peak_normal_force = values[1];
  s.wall_seconds = values[2];
  std::array<std::int64_t, 2> rows{};
  r.read("/run_file_rows", rows.data(), rows.size(), H5T_NATIVE_INT64);
  c.rows = {rows[0], rows[1]};
  for (const std::string& name : r.names("/observer")) {
    NamedArray a{name, std::vector<double>(r.size("/observer/" + name))};
    r.read("/observer/" + name, a.values.data(), a.values.size(), H5T_NATIVE_DOUBLE);
    c.extra.push_back(std::move(a));
  }
  return c;
}

}  // namespace backsim
