#include "engine/io/run_xdmf.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/io/xdmf_items.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <vector>

namespace backsim {
namespace {

using io_detail::DatasetHandle;
using io_detail::FileHandle;
using xdmf::DatasetItem;

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->push_back(name);
  return 0;
}

// Names of the members of `group`, in name order.
std::vector<std::string> member_names(hid_t file, const char* group) {
  std::vector<std::string> names;
  if (H5Lexists(file, group, H5P_DEFAULT) <= 0) return names;
  H5Literate_by_name(file, group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names, H5P_DEFAULT);
  return names;
}

std::vector<double> read_times(hid_t file, const DatasetItem& time, const std::string& what) {
  if (time.number_type != "Float" || time.precision != 8 || time.dims.size() != 1)
    throw InvalidInput(fmt::format("{}: /frames/time is not a 1-D float64 dataset", what));
  std::vector<double> values(time.dims[0]);
  DatasetHandle dataset(H5Dopen2(file, "/frames/time", H5P_DEFAULT));
  if (!values.empty() &&
      (!dataset.valid() || H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
    throw InvalidInput(fmt::format("{}: cannot read /frames/time", what));
  return values;
}

void append_attribute(std::string& out, const std::string& name, const char* type, const char* centre,
                      const std::string& item_xml) {
  out += fmt::format("      <Attribute Name=\"{}\" AttributeType=\"{}\" Center=\"{}\">\n", xdmf::xml_escaped(name), type, centre);
  out += item_xml;
  out += "      </Attribute>\n";
}

}  // namespace

std::filesystem::path run_xdmf_path(const std::filesystem::path& run_h5) {
  std::filesystem::path p = run_h5;
  return p.replace_extension(".xdmf");
}

std::filesystem::path write_run_xdmf(const std::filesystem::path& run_h5) {
  const std::string what = run_h5.string();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  FileHandle file(H5Fopen(run_h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid()) throw InvalidInput(fmt::format("{}: not an HDF5 file, or it cannot be opened", what));
  const std::string name = run_h5.filename().string();
  const hid_t f = file.get();

  const DatasetItem nodes = xdmf::describe_dataset(f, name, "/mesh/nodes", what);
  const DatasetItem tets = xdmf::describe_dataset(f, name, "/mesh/tets", what);
  const DatasetItem time = xdmf::describe_dataset(f, name, "/frames/time", what);
  const DatasetItem displacement = xdmf::describe_dataset(f, name, "/frames/displacement", what);
  if (nodes.dims.size() != 2 || nodes.dims[1] != 3 || tets.dims.size() != 2 || tets.dims[1] != 4)
    throw InvalidInput(fmt::format("{}: /mesh/nodes is not N x 3 or /mesh/tets not M x 4", what));
  const std::uint64_t node_count = nodes.dims[0], tet_count = tets.dims[0];
  const std::vector<double> times = read_times(f, time, what);
  // A killed run's displacement may hold one row more than /frames/time (docs/output.md).
  if (displacement.dims.size() != 3 || displacement.dims[0] < times.size() || displacement.dims[1] != node_count)
    throw InvalidInput(fmt::format("{}: /frames/displacement does not hold F x N x 3 values", what));

  // Static cell data, then one cell scalar per /fields member with a row per frame.
  std::vector<std::pair<DatasetItem, const char*>> static_cells;  // (item, Scalar or Vector)
  if (xdmf::dataset_exists(f, "/mesh/region")) static_cells.emplace_back(xdmf::describe_dataset(f, name, "/mesh/region", what), "Scalar");
  if (xdmf::dataset_exists(f, "/mesh/fibre")) static_cells.emplace_back(xdmf::describe_dataset(f, name, "/mesh/fibre", what), "Vector");
  std::vector<std::pair<std::string, DatasetItem>> fields;
  for (const std::string& member : member_names(f, "/fields")) {
    const std::string path = "/fields/" + member;
    if (!xdmf::dataset_exists(f, path)) continue;
    DatasetItem item = xdmf::describe_dataset(f, name, path, what);
    if (item.dims.size() != 2 || item.dims[0] < times.size() || item.dims[1] != tet_count) continue;
    fields.emplace_back(member, std::move(item));
  }

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  // (no file name in the comment: a name with "--" would end it)
  out += "<!-- a backsim run: one grid per frame (docs/output.md) -->\n";
  out += "<Xdmf Version=\"3.0\">\n  <Domain>\n";
  out += "    <Grid Name=\"backsim run\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t frame = 0; frame < times.size(); ++frame) {
    out += fmt::format("    <Grid Name=\"frame {}\" GridType=\"Uniform\">\n", frame);
    out += fmt::format("      <Time Value=\"{}\"/>\n", xdmf::exact_decimal(times[frame]));
    out += fmt::format("      <Topology TopologyType=\"Tetrahedron\" NumberOfElements=\"{}\" NodesPerElement=\"4\">\n", tet_count);
    xdmf::append_dataset_item(out, 8, tets);
    out += "      </Topology>\n";
    // The reference geometry: the deformed one would be a Function item ($0 + $1),
    // which the XDMF 3 readers skip like a HyperSlab (xdmf_items.hpp). ParaView's
    // Warp By Vector with `displacement` shows the deformed mesh.
    out += "      <Geometry GeometryType=\"XYZ\">\n";
    xdmf::append_dataset_item(out, 8, nodes);
    out += "      </Geometry>\n";
    std::string item;
    xdmf::append_row_item(item, 8, displacement, frame);
    append_attribute(out, "displacement", "Vector", "Node", item);
    for (const auto& [cells, type] : static_cells) {
      item.clear();
      xdmf::append_dataset_item(item, 8, cells);
      append_attribute(out, cells.path.substr(cells.path.rfind('/') + 1), type, "Cell", item);
    }
    for (const auto& [field, cells] : fields) {
      item.clear();
      xdmf::append_row_item(item, 8, cells, frame);
      append_attribute(out, field, "Scalar", "Cell", item);
    }
    out += "    </Grid>\n";
  }
  out += "    </Grid>\n  </Domain>\n</Xdmf>\n";

  const std::filesystem::path sidecar = run_xdmf_path(run_h5);
  xdmf::write_file_atomically(sidecar, out);
  return sidecar;
}

}  // namespace backsim
