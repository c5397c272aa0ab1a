// RunWriter: the HDF5 run file (layout and crash semantics: docs/output.md).
//
// Crash safety (SIGKILL at any moment) rests on these choices, each explained
// where it is made:
//  * the superblock stays at format version 0 (libver bounds EARLIEST..V18): the
//    version 3 superblock (low bound 1.10, or SWMR) carries a "file is open for
//    write" flag that a killed writer never clears, and a plain H5Fopen then
//    refuses the file until `h5clear -s` is run;
//  * the metadata cache never evicts, so metadata reaches the disk only inside
//    H5Fflush / H5Fclose, never half-way between two frames;
//  * two H5Fflush per frame, the frame's data first and then the frame count
//    (the length of /frames/time), because a single flush is not atomic.
// Raw data written after a flush goes to space the flushed metadata does not
// reference, so it cannot disturb the flushed state. What remains is a window of
// microseconds inside a flush that splits a chunk B-tree node (docs/output.md).
#include "engine/io/run_writer.hpp"

#include "engine/core/error.hpp"
#include "engine/io/file_sync.hpp"
#include "engine/io/hdf5_handle.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace backsim {
namespace {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;
using io_detail::GroupHandle;
using io_detail::PropertyListHandle;

constexpr std::string_view kFormatName = "backsim-run";
constexpr std::int32_t kFormatVersion = 1;

// Rows per chunk of the 1-D (and T x 3) per-step and per-frame datasets: 8 KB
// chunks for float64, few enough chunks for long runs, little waste for short ones.
constexpr hsize_t kRowsPerChunk = 1024;

static_assert(sizeof(Vec3) == 3 * sizeof(double), "Vec3 arrays are written as N x 3 doubles");

// One column of the per-step record, stored as /tool/<x> or /solver/<x>.
using StepField = std::variant<double StepStats::*, int StepStats::*, Vec3 StepStats::*>;
struct StepColumn {
  const char* path;
  StepField field;
  const char* units;
  const char* description;
};

const std::array<StepColumn, 16> kStepColumns{{
    {"/tool/time", &StepStats::time, "s", "simulated time at the end of the step"},
    {"/tool/position", &StepStats::tool_position, "m", "tool reference point (e.g. sphere centre)"},
    {"/tool/force", &StepStats::tool_force, "N", "force the tissue exerts on the tool"},
    {"/tool/depth", &StepStats::tool_depth, "m",
     "tool depth along the press axis below the undeformed surface"},
    {"/tool/target_force", &StepStats::target_force, "N",
     "normal-force target under force control, else 0"},
    {"/solver/time", &StepStats::time, "s", "simulated time at the end of the step"},
    {"/solver/dt", &StepStats::dt, "s", "time step size"},
    {"/solver/newton_iterations", &StepStats::newton_iterations, "1",
     "Newton iterations of the step"},
    {"/solver/cg_iterations", &StepStats::cg_iterations, "1",
     "CG iterations summed over the step's Newton iterations"},
    {"/solver/substeps", &StepStats::substeps, "1",
     "sub-steps the solver method took inside the step (1 for Newton)"},
    {"/solver/residual", &StepStats::residual, "N", "final max-norm of the free residual force"},
    {"/solver/energy", &StepStats::energy, "J",
     "total potential of the step's minimisation problem"},
    {"/solver/min_line_search", &StepStats::min_line_search, "1",
     "smallest accepted line-search step of the step"},
    {"/solver/min_volume_ratio", &StepStats::min_volume_ratio, "1",
     "smallest det F over all tets at the end of the step"},
    {"/solver/active_contacts", &StepStats::active_contacts, "1",
     "contact quadrature points in contact"},
    {"/solver/wall_seconds", &StepStats::wall_seconds, "s", "wall-clock time of the step"},
}};

herr_t append_error_record(unsigned /*depth*/, const H5E_error2_t* record, void* text_ptr) {
  auto& text = *static_cast<std::string*>(text_ptr);
  if (!text.empty()) text += "; ";
  text += record->func_name ? record->func_name : "?";
  text += "(): ";
  text += record->desc ? record->desc : "?";
  return 0;
}

// HDF5's error stack for the call that just failed, outermost call first. Must run
// before the next HDF5 API call, which clears the stack.
std::string hdf5_error_stack() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, append_error_record, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "no detail from HDF5" : text;
}

// A dataset that grows along its first dimension, one block of rows at a time.
struct AppendableDataset {
  DatasetHandle dataset;
  hid_t memory_type = H5I_INVALID_HID;  // predefined native type: never closed
  std::vector<hsize_t> row_shape;       // shape of one row; empty for a 1-D dataset
  hsize_t rows = 0;
};

}  // namespace

struct RunWriter::Impl {
  std::filesystem::path final_path;
  std::filesystem::path partial_path;

  // Declared before the datasets so that it is destroyed after them.
  FileHandle file;
  DatatypeHandle utf8_string;  // variable-length UTF-8: h5py reads it as str

  AppendableDataset frame_time;
  AppendableDataset displacement;
  std::vector<FrameFieldSpec> field_specs;
  std::vector<AppendableDataset> fields;  // parallel to field_specs
  std::vector<AppendableDataset> step_datasets;  // parallel to kStepColumns
  std::vector<StepStats> pending_steps;          // appended since the last write
  hsize_t node_count = 0;
  bool closed = false;  // finish() or fail() has run (or is running)

  explicit Impl(std::filesystem::path path)
      : final_path(std::move(path)), partial_path(final_path.string() + ".partial") {}

  // ---- errors -------------------------------------------------------------------

  [[noreturn]] void throw_hdf5_failure(std::string_view what) const {
    throw OutputFailure("run output '" + partial_path.string() + "': cannot " +
                        std::string(what) + ": " + hdf5_error_stack());
  }
  hid_t check_id(hid_t id, std::string_view what) const {
    if (id < 0) throw_hdf5_failure(what);
    return id;
  }
  void check_status(herr_t status, std::string_view what) const {
    if (status < 0) throw_hdf5_failure(what);
  }

  // ---- creation -----------------------------------------------------------------

  void create(const TetMesh& mesh, const Provenance& provenance) {
    // HDF5 prints its error stack to stderr by default; the message goes into the
    // OutputFailure instead.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

    std::filesystem::path directory = final_path.parent_path();
    if (directory.empty()) directory = ".";
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
      throw OutputFailure("run output '" + final_path.string() + "': directory '" +
                          directory.string() + "' does not exist");  // or is not a directory
    }
    if (mesh.nodes.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) ||
        mesh.tets.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      throw OutputFailure("run output '" + final_path.string() +
                          "': mesh too large for the int32 ids of the file format");
    }
    node_count = mesh.nodes.size();

    PropertyListHandle access(check_id(H5Pcreate(H5P_FILE_ACCESS), "create file access list"));
    // Oldest file format that holds everything written here: superblock version 0.
    // Version 3 (low bound >= 1.10, or SWMR) records "open for write" in the
    // superblock; after a SIGKILL that flag stays set and H5Fopen refuses the file
    // until `h5clear -s` is run. Version 0 has no such flag.
    check_status(H5Pset_libver_bounds(access.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18),
                 "set library version bounds");
    disable_metadata_evictions(access.get());

    file = FileHandle(check_id(
        H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "create file"));

    utf8_string = DatatypeHandle(check_id(H5Tcopy(H5T_C_S1), "create string type"));
    check_status(H5Tset_size(utf8_string.get(), H5T_VARIABLE), "create string type");
    check_status(H5Tset_cset(utf8_string.get(), H5T_CSET_UTF8), "create string type");

    write_provenance(provenance);
    for (const char* group : {"/mesh", "/frames", "/tool", "/solver"}) {
      GroupHandle created(check_id(H5Gcreate2(file.get(), group, H5P_DEFAULT,
                                              object_creation_list(H5P_GROUP_CREATE).get(),
                                              H5P_DEFAULT),
                                   std::string("create group ") + group));
    }
    write_mesh(mesh);
    create_frame_datasets();
    for (const FrameFieldSpec& f : field_specs) {
      ensure_parent_groups(f.path);
      const hsize_t width = f.width;
      fields.push_back(AppendableDataset{
          create_dataset(f.path, H5T_IEEE_F64LE, {0, width}, {1, std::max<hsize_t>(width, 1)}, f.units.c_str(),
                         f.description.c_str()),
          H5T_NATIVE_DOUBLE, {width}, 0});
    }
    for (const StepColumn& column : kStepColumns) step_datasets.push_back(create_step_dataset(column));

    // A run killed before its first frame still leaves a readable file with the mesh.
    flush();
  }

  // ---- reopening a stopped run ---------------------------------------------------

  void reopen(RunFileRows rows) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::error_code error;
    if (!std::filesystem::is_regular_file(partial_path, error))
      throw OutputFailure("run output '" + partial_path.string() + "': no such file to resume");
    PropertyListHandle access(check_id(H5Pcreate(H5P_FILE_ACCESS), "create file access list"));
    // The same bounds and cache settings as create(): the crash semantics hold on.
    check_status(H5Pset_libver_bounds(access.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18),
                 "set library version bounds");
    disable_metadata_evictions(access.get());
    file = FileHandle(check_id(H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, access.get()), "open file"));
    utf8_string = DatatypeHandle(check_id(H5Tcopy(H5T_C_S1), "create string type"));
    check_status(H5Tset_size(utf8_string.get(), H5T_VARIABLE), "create string type");
    check_status(H5Tset_cset(utf8_string.get(), H5T_CSET_UTF8), "create string type");

    DatasetHandle nodes(check_id(H5Dopen2(file.get(), "/mesh/nodes", H5P_DEFAULT), "open /mesh/nodes"));
    {
      DataspaceHandle space(check_id(H5Dget_space(nodes.get()), "read the extent of /mesh/nodes"));
      hsize_t dims[2] = {0, 0};
      check_status(H5Sget_simple_extent_dims(space.get(), dims, nullptr) == 2 ? 0 : -1, "read /mesh/nodes");
      node_count = dims[0];
    }
    const auto frames = static_cast<hsize_t>(rows.frames);
    const auto steps = static_cast<hsize_t>(rows.steps);
    frame_time = open_appendable("/frames/time", H5T_NATIVE_DOUBLE, {}, frames);
    displacement = open_appendable("/frames/displacement", H5T_NATIVE_DOUBLE, {node_count, 3}, frames);
    for (const FrameFieldSpec& f : field_specs)
      fields.push_back(open_appendable(f.path, H5T_NATIVE_DOUBLE, {f.width}, frames));
    for (const StepColumn& column : kStepColumns) {
      const bool vector = std::holds_alternative<Vec3 StepStats::*>(column.field);
      const bool integer = std::holds_alternative<int StepStats::*>(column.field);
      step_datasets.push_back(open_appendable(column.path, integer ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE,
                                              vector ? std::vector<hsize_t>{3} : std::vector<hsize_t>{}, steps));
    }
    set_string_attribute(file.get(), "resumed_utc", utc_now_iso8601());
    flush();
  }

  // An extendible dataset of the file cut to `rows` rows.
  AppendableDataset open_appendable(const std::string& path, hid_t memory_type, std::vector<hsize_t> row_shape,
                                    hsize_t rows) {
    DatasetHandle dataset(check_id(H5Dopen2(file.get(), path.c_str(), H5P_DEFAULT), "open " + path));
    DataspaceHandle space(check_id(H5Dget_space(dataset.get()), "read the extent of " + path));
    std::vector<hsize_t> dims(row_shape.size() + 1);
    const int rank = H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    check_status(rank == static_cast<int>(dims.size()) ? 0 : -1, "read the shape of " + path);
    if (!std::equal(row_shape.begin(), row_shape.end(), dims.begin() + 1) || dims[0] < rows) {
      throw OutputFailure("run output '" + partial_path.string() + "': " + path + " has " + std::to_string(dims[0]) +
                          " rows of another shape or fewer than the checkpoint's " + std::to_string(rows) +
                          "; the file does not belong to this checkpoint");
    }
    dims[0] = rows;
    check_status(H5Dset_extent(dataset.get(), dims.data()), "cut " + path);
    return AppendableDataset{std::move(dataset), memory_type, std::move(row_shape), rows};
  }

  // Metadata (object headers, chunk B-trees, the superblock's end-of-file address)
  // then reaches the disk only inside H5Fflush or H5Fclose. With evictions on, the
  // cache may write some dirty entries between two flushes to make room, and a
  // kill right after could leave e.g. a dataset extent on disk whose chunk index
  // entry is not. The cost is memory: the cache holds all metadata of the file,
  // about 40 bytes per frame for the displacement chunk index.
  void disable_metadata_evictions(hid_t access) const {
    H5AC_cache_config_t config{};
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    check_status(H5Pget_mdc_config(access, &config), "read metadata cache configuration");
    config.evictions_enabled = false;  // HDF5 requires all automatic resizing off then
    config.incr_mode = H5C_incr__off;
    config.flash_incr_mode = H5C_flash_incr__off;
    config.decr_mode = H5C_decr__off;
    check_status(H5Pset_mdc_config(access, &config), "configure metadata cache");
  }

  // Object creation properties shared by every group and dataset: no access /
  // modification times, so that the same run writes the same bytes.
  PropertyListHandle object_creation_list(hid_t list_class) const {
    PropertyListHandle list(check_id(H5Pcreate(list_class), "create property list"));
    check_status(H5Pset_obj_track_times(list.get(), false), "disable time tracking");
    return list;
  }

  void write_provenance(const Provenance& provenance) {
    const hid_t root = file.get();
    set_string_attribute(root, "format", std::string(kFormatName));
    set_scalar_attribute(root, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &kFormatVersion);
    set_string_attribute(root, "backsim_version", provenance.backsim_version);
    set_string_attribute(root, "git_sha", provenance.git_sha);
    set_string_attribute(root, "compiler", provenance.compiler);
    set_string_attribute(root, "build_flags", provenance.build_flags);
    set_string_attribute(root, "scenario", provenance.scenario);
    set_string_attribute(root, "scenario_sha256", provenance.scenario_sha256);
    set_scalar_attribute(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &provenance.seed);
    const std::int32_t threads = provenance.threads;
    set_scalar_attribute(root, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &threads);
    set_string_attribute(root, "host", provenance.host);
    set_string_attribute(root, "started_utc", provenance.started_utc);
    set_string_attribute(root, "command_line", provenance.command_line);
    // Replaced by "ok" or "solver_failure" at the end; a killed run keeps "running".
    set_string_attribute(root, "status", "running");
  }

  void write_mesh(const TetMesh& mesh) {
    const hsize_t tet_count = mesh.tets.size();

    DatasetHandle nodes = create_dataset("/mesh/nodes", H5T_IEEE_F64LE, {node_count, 3}, {}, "m",
                                         "reference node positions");
    write_whole(nodes, "/mesh/nodes", H5T_NATIVE_DOUBLE, mesh.nodes.data(), node_count);

    std::vector<std::int32_t> tet_nodes;
    tet_nodes.reserve(4 * mesh.tets.size());
    for (const Tet& tet : mesh.tets) {
      for (const Index node : tet) tet_nodes.push_back(static_cast<std::int32_t>(node));
    }
    DatasetHandle tets = create_dataset("/mesh/tets", H5T_STD_I32LE, {tet_count, 4}, {}, "1",
                                        "node ids of each tetrahedron, positively oriented");
    write_whole(tets, "/mesh/tets", H5T_NATIVE_INT32, tet_nodes.data(), tet_count);

    DatasetHandle region = create_dataset("/mesh/region", H5T_STD_I32LE, {mesh.region.size()}, {},
                                          "1", "region id of each tetrahedron (see region_names)");
    write_whole(region, "/mesh/region", H5T_NATIVE_INT32, mesh.region.data(), mesh.region.size());

    std::vector<const char*> names;
    for (const std::string& name : mesh.region_names) names.push_back(name.c_str());
    DatasetHandle region_names =
        create_dataset("/mesh/region_names", utf8_string.get(), {names.size()}, {}, "1",
                       "name of region id i, UTF-8");
    write_whole(region_names, "/mesh/region_names", utf8_string.get(), names.data(), names.size());

    if (!mesh.fibre.empty()) {
      DatasetHandle fibre = create_dataset("/mesh/fibre", H5T_IEEE_F64LE, {mesh.fibre.size(), 3},
                                           {}, "1", "unit fibre direction of each tetrahedron");
      write_whole(fibre, "/mesh/fibre", H5T_NATIVE_DOUBLE, mesh.fibre.data(), mesh.fibre.size());
    }
  }

  // Creates every missing group on the way to `path` ("/a/b/name": /a, /a/b).
  void ensure_parent_groups(const std::string& path) {
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      const std::string group = path.substr(0, slash);
      const htri_t exists = H5Lexists(file.get(), group.c_str(), H5P_DEFAULT);
      check_status(exists < 0 ? -1 : 0, "look up group " + group);
      if (exists > 0) continue;
      GroupHandle created(check_id(H5Gcreate2(file.get(), group.c_str(), H5P_DEFAULT,
                                              object_creation_list(H5P_GROUP_CREATE).get(), H5P_DEFAULT),
                                   "create group " + group));
    }
  }

  void create_frame_datasets() {
    frame_time = AppendableDataset{
        create_dataset("/frames/time", H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, "s",
                       "simulated time of each frame"),
        H5T_NATIVE_DOUBLE, {}, 0};
    // One frame per chunk: a frame is written, and read back, as a whole. (A chunk
    // cannot have a zero extent, hence the max for an empty mesh.)
    const hsize_t chunk_nodes = std::max<hsize_t>(node_count, 1);
    displacement = AppendableDataset{
        create_dataset("/frames/displacement", H5T_IEEE_F64LE, {0, node_count, 3},
                       {1, chunk_nodes, 3}, "m", "node displacement from the reference position"),
        H5T_NATIVE_DOUBLE, {node_count, 3}, 0};
  }

  AppendableDataset create_step_dataset(const StepColumn& column) {
    if (std::holds_alternative<Vec3 StepStats::*>(column.field)) {
      return {create_dataset(column.path, H5T_IEEE_F64LE, {0, 3}, {kRowsPerChunk, 3}, column.units,
                             column.description),
              H5T_NATIVE_DOUBLE, {3}, 0};
    }
    if (std::holds_alternative<int StepStats::*>(column.field)) {
      return {create_dataset(column.path, H5T_STD_I32LE, {0}, {kRowsPerChunk}, column.units,
                             column.description),
              H5T_NATIVE_INT32, {}, 0};
    }
    return {create_dataset(column.path, H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, column.units,
                           column.description),
            H5T_NATIVE_DOUBLE, {}, 0};
  }

  // A dataset with `units` and `description` attributes. With `chunk` empty it is
  // contiguous and fixed in size; otherwise chunked and extendible along dim 0.
  DatasetHandle create_dataset(const std::string& path, hid_t file_type,
                               const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk,
                               const char* units, const char* description) {
    std::vector<hsize_t> max_dims = dims;
    PropertyListHandle creation = object_creation_list(H5P_DATASET_CREATE);
    if (!chunk.empty()) {
      max_dims[0] = H5S_UNLIMITED;
      check_status(H5Pset_chunk(creation.get(), static_cast<int>(chunk.size()), chunk.data()),
                   "set chunking of " + path);
    }
    DataspaceHandle space(
        check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
                 "create dataspace of " + path));
    DatasetHandle dataset(check_id(H5Dcreate2(file.get(), path.c_str(), file_type, space.get(),
                                              H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                                   "create dataset " + path));
    set_string_attribute(dataset.get(), "units", units);
    set_string_attribute(dataset.get(), "description", description);
    return dataset;
  }

  void write_whole(const DatasetHandle& dataset, const std::string& path, hid_t memory_type,
                   const void* data, std::size_t rows) const {
    if (rows == 0) return;  // nothing to write; HDF5 also rejects a null buffer
    check_status(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                 "write " + path);
  }

  // ---- attributes ---------------------------------------------------------------

  void set_scalar_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type,
                            const void* value) const {
    DataspaceHandle scalar(check_id(H5Screate(H5S_SCALAR), "create scalar dataspace"));
    AttributeHandle attribute(check_id(
        H5Acreate2(object, name, file_type, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
        std::string("create attribute ") + name));
    check_status(H5Awrite(attribute.get(), memory_type, value),
                 std::string("write attribute ") + name);
  }

  // Creates the attribute, or overwrites it if it exists (`status`).
  void set_string_attribute(hid_t object, const char* name, const std::string& value) const {
    const htri_t exists = H5Aexists(object, name);
    check_status(exists < 0 ? -1 : 0, std::string("look up attribute ") + name);
    AttributeHandle attribute;
    if (exists > 0) {
      attribute = AttributeHandle(
          check_id(H5Aopen(object, name, H5P_DEFAULT), std::string("open attribute ") + name));
    } else {
      DataspaceHandle scalar(check_id(H5Screate(H5S_SCALAR), "create scalar dataspace"));
      attribute = AttributeHandle(check_id(
          H5Acreate2(object, name, utf8_string.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
          std::string("create attribute ") + name));
    }
    const char* text = value.c_str();
    check_status(H5Awrite(attribute.get(), utf8_string.get(), &text),
                 std::string("write attribute ") + name);
  }

  // ---- appending ----------------------------------------------------------------

  void append_rows(AppendableDataset& target, const std::string& path, const void* data,
                   hsize_t count) {
    if (count == 0) return;
    std::vector<hsize_t> new_dims{target.rows + count};
    new_dims.insert(new_dims.end(), target.row_shape.begin(), target.row_shape.end());
    check_status(H5Dset_extent(target.dataset.get(), new_dims.data()), "extend " + path);
    hsize_t row_elements = 1;
    for (const hsize_t extent : target.row_shape) row_elements *= extent;
    if (row_elements == 0) {  // rows of an empty mesh: nothing to write
      target.rows += count;
      return;
    }

    // The new rows: from (rows, 0, ...) a block of (count, row_shape...).
    std::vector<hsize_t> start{target.rows};
    start.resize(new_dims.size(), 0);
    std::vector<hsize_t> block{count};
    block.insert(block.end(), target.row_shape.begin(), target.row_shape.end());
    const int rank = static_cast<int>(new_dims.size());
    DataspaceHandle file_space(
        check_id(H5Dget_space(target.dataset.get()), "get dataspace of " + path));
    check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                     block.data(), nullptr),
                 "select rows of " + path);
    DataspaceHandle memory_space(
        check_id(H5Screate_simple(rank, block.data(), nullptr), "create dataspace for " + path));
    check_status(H5Dwrite(target.dataset.get(), target.memory_type, memory_space.get(),
                          file_space.get(), H5P_DEFAULT, data),
                 "write " + path);
    target.rows += count;
  }

  template <class Field>
  void append_step_column(AppendableDataset& target, const char* path, Field StepStats::*field) {
    const hsize_t count = pending_steps.size();
    if constexpr (std::is_same_v<Field, double>) {
      std::vector<double> values;
      values.reserve(count);
      for (const StepStats& step : pending_steps) values.push_back(step.*field);
      append_rows(target, path, values.data(), count);
    } else if constexpr (std::is_same_v<Field, int>) {
      std::vector<std::int32_t> values;
      values.reserve(count);
      for (const StepStats& step : pending_steps) values.push_back(step.*field);
      append_rows(target, path, values.data(), count);
    } else {
      static_assert(std::is_same_v<Field, Vec3>);
      std::vector<double> values;
      values.reserve(3 * count);
      for (const StepStats& step : pending_steps) {
        const Vec3& v = step.*field;
        values.insert(values.end(), {v.x(), v.y(), v.z()});
      }
      append_rows(target, path, values.data(), count);
    }
  }

  void write_pending_steps() {
    if (pending_steps.empty()) return;
    for (std::size_t c = 0; c < kStepColumns.size(); ++c) {
      std::visit(
          [&](auto field) { append_step_column(step_datasets[c], kStepColumns[c].path, field); },
          kStepColumns[c].field);
    }
    pending_steps.clear();
  }

  void flush() const {
    check_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush file");
  }

  // ---- closing ------------------------------------------------------------------

  void close_and_rename(const std::string& status, const std::string* diagnostic) {
    BACKSIM_ASSERT(!closed, "RunWriter: finish() or fail() called twice");
    closed = true;  // whatever happens below, this writer is done
    write_pending_steps();
    set_string_attribute(file.get(), "finished_utc", utc_now_iso8601());
    set_string_attribute(file.get(), "status", status);
    if (diagnostic) set_string_attribute(file.get(), "error", *diagnostic);

    // Close every object, then the file: closing the file is when the last
    // metadata is written, so its status is the one that says "complete".
    frame_time.dataset.reset();
    displacement.dataset.reset();
    fields.clear();
    step_datasets.clear();
    utf8_string.reset();
    check_status(file.close(), "close file");

    // Data on disk before the name: after a power loss, a file under the final
    // name is then never an incomplete one.
    sync_file_to_disk(partial_path, "run output '" + partial_path.string() + "'");
    std::error_code error;
    std::filesystem::rename(partial_path, final_path, error);
    if (error) {
      throw OutputFailure("run output '" + partial_path.string() + "': cannot rename to '" +
                          final_path.string() + "': " + error.message());
    }
    std::filesystem::path directory = final_path.parent_path();
    sync_directory_to_disk(directory.empty() ? std::filesystem::path(".") : directory);
  }
};

RunWriter::RunWriter(std::filesystem::path path, const TetMesh& mesh, const Provenance& provenance,
                     std::vector<FrameFieldSpec> frame_fields)
    : impl_(std::make_unique<Impl>(std::move(path))) {
  impl_->field_specs = std::move(frame_fields);
  try {
    impl_->create(mesh, provenance);
  } catch (...) {
    // A half-created file holds nothing worth keeping. Only remove it if this
    // writer created it: H5Fcreate fails, for one, on a file another process has
    // open (HDF5 file locking), and that file is not ours to delete.
    const bool created_file = impl_->file.valid();
    const std::filesystem::path partial = impl_->partial_path;
    impl_.reset();  // closes what was opened
    std::error_code ignored;
    if (created_file) std::filesystem::remove(partial, ignored);
    throw;
  }
}

std::unique_ptr<RunWriter> RunWriter::reopen(std::filesystem::path path, std::vector<FrameFieldSpec> frame_fields,
                                             RunFileRows rows) {
  std::unique_ptr<RunWriter> writer(new RunWriter());
  writer->impl_ = std::make_unique<Impl>(std::move(path));
  writer->impl_->field_specs = std::move(frame_fields);
  writer->impl_->reopen(rows);  // on failure the file is left as it was (closed by the handles)
  return writer;
}

RunFileRows RunWriter::flush_steps() {
  BACKSIM_ASSERT(!impl_->closed, "RunWriter: flush_steps() after finish() or fail()");
  impl_->write_pending_steps();
  impl_->flush();
  return {static_cast<std::int64_t>(impl_->frame_time.rows), static_cast<std::int64_t>(impl_->step_datasets[0].rows)};
}

RunWriter::~RunWriter() {
  if (!impl_ || impl_->closed) return;
  // Neither finish() nor fail(): an exception is probably unwinding. Keep the step
  // records buffered since the last frame, close the file, leave it `.partial`.
  try {
    impl_->write_pending_steps();
  } catch (...) {
    // The destructor must not throw; the frames flushed so far are on disk anyway.
  }
  // Members close in reverse order: datasets, then the file.
}

void RunWriter::append_step(const StepStats& step) {
  BACKSIM_ASSERT(!impl_->closed, "RunWriter: append_step() after finish() or fail()");
  impl_->pending_steps.push_back(step);
}

void RunWriter::append_frame(double time, std::span<const Vec3> displacement) {
  BACKSIM_ASSERT(impl_->fields.empty(), "RunWriter: this run has frame fields; pass them");
  append_frame(time, displacement, {});
}

void RunWriter::append_frame(double time, std::span<const Vec3> displacement,
                             std::span<const std::span<const double>> fields) {
  Impl& impl = *impl_;
  BACKSIM_ASSERT(fields.size() == impl.fields.size(), "RunWriter: one array per frame field");
  BACKSIM_ASSERT(!impl.closed, "RunWriter: append_frame() after finish() or fail()");
  BACKSIM_ASSERT(displacement.size() == impl.node_count,
                 "RunWriter: displacement size differs from the mesh's node count");
  // Two flushes: H5Fflush is not atomic (it writes the dirty metadata in address
  // order), and a kill inside it can leave e.g. the displacement's new extent on
  // disk without its chunk index entry. So the frame's data goes first, and
  // /frames/time, whose length is the frame count, is extended only once that data
  // is on disk: after a kill, /frames/displacement holds len(/frames/time) intact
  // frames, possibly plus one trailing row to ignore.
  impl.write_pending_steps();
  impl.append_rows(impl.displacement, "/frames/displacement",
                   displacement.empty() ? nullptr : displacement.data()->data(), 1);
  for (std::size_t f = 0; f < fields.size(); ++f) {
    BACKSIM_ASSERT(fields[f].size() == impl.field_specs[f].width, "RunWriter: frame field width");
    impl.append_rows(impl.fields[f], impl.field_specs[f].path, fields[f].data(), 1);
  }
  impl.flush();
  impl.append_rows(impl.frame_time, "/frames/time", &time, 1);
  impl.flush();
}

void RunWriter::write_dataset(const std::string& path, std::span<const double> values, std::size_t columns,
                              const std::string& units, const std::string& description) {
  Impl& impl = *impl_;
  BACKSIM_ASSERT(!impl.closed, "RunWriter: write_dataset() after finish() or fail()");
  BACKSIM_ASSERT(columns == 0 || values.size() % columns == 0, "RunWriter: whole rows");
  impl.ensure_parent_groups(path);
  std::vector<hsize_t> dims{columns == 0 ? values.size() : values.size() / columns};
  if (columns > 0) dims.push_back(columns);
  DatasetHandle d = impl.create_dataset(path, H5T_IEEE_F64LE, dims, {}, units.c_str(), description.c_str());
  impl.write_whole(d, path, H5T_NATIVE_DOUBLE, values.data(), values.size());
}

void RunWriter::write_strings(const std::string& path, const std::vector<std::string>& values,
                              const std::string& description) {
  Impl& impl = *impl_;
  BACKSIM_ASSERT(!impl.closed, "RunWriter: write_strings() after finish() or fail()");
  impl.ensure_parent_groups(path);
  std::vector<const char*> text;
  for (const std::string& v : values) text.push_back(v.c_str());
  DatasetHandle d = impl.create_dataset(path, impl.utf8_string.get(), {values.size()}, {}, "", description.c_str());
  impl.write_whole(d, path, impl.utf8_string.get(), text.data(), text.size());
}

void RunWriter::finish() { impl_->close_and_rename("ok", nullptr); }

void RunWriter::fail(const std::string& diagnostic) {
  impl_->close_and_rename("solver_failure", &diagnostic);
}

const std::filesystem::path& RunWriter::final_path() const { return impl_->final_path; }

std::filesystem::path RunWriter::partial_path() const { return impl_->partial_path; }

}  // namespace backsim
