#include "models/io/model_xdmf.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/io/xdmf_items.hpp"

#include <fmt/format.h>
#include <hdf5.h>

namespace backsim::models {
namespace {

void append_cell_attribute(std::string& out, const std::string& name, const char* type, const xdmf::DatasetItem& item) {
  out += fmt::format("      <Attribute Name=\"{}\" AttributeType=\"{}\" Center=\"Cell\">\n", name, type);
  xdmf::append_dataset_item(out, 8, item);
  out += "      </Attribute>\n";
}

}  // namespace

std::filesystem::path write_back_model_xdmf(const std::filesystem::path& model_h5) {
  const std::string what = model_h5.string();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  io_detail::FileHandle file(H5Fopen(model_h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid()) throw InvalidInput(fmt::format("{}: not an HDF5 file, or it cannot be opened", what));
  const std::string name = model_h5.filename().string();
  const auto item = [&](const char* path) { return xdmf::describe_dataset(file.get(), name, path, what); };

  const xdmf::DatasetItem nodes = item("/mesh/nodes"), tets = item("/mesh/tets");
  const xdmf::DatasetItem bone_tris = item("/mesh/bone_tris"), bone = item("/mesh/bone");
  if (nodes.dims.size() != 2 || nodes.dims[1] != 3 || tets.dims.size() != 2 || tets.dims[1] != 4 ||
      bone_tris.dims.size() != 2 || bone_tris.dims[1] != 3)
    throw InvalidInput(fmt::format("{}: /mesh/nodes, /mesh/tets or /mesh/bone_tris has the wrong shape", what));

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<!-- a backsim back model (models/io/model_writer.hpp) -->\n";
  out += "<Xdmf Version=\"3.0\">\n  <Domain>\n";
  out += "    <Grid Name=\"back model\" GridType=\"Collection\" CollectionType=\"Spatial\">\n";

  out += "    <Grid Name=\"tissue\" GridType=\"Uniform\">\n";
  out += fmt::format("      <Topology TopologyType=\"Tetrahedron\" NumberOfElements=\"{}\" NodesPerElement=\"4\">\n", tets.dims[0]);
  xdmf::append_dataset_item(out, 8, tets);
  out += "      </Topology>\n      <Geometry GeometryType=\"XYZ\">\n";
  xdmf::append_dataset_item(out, 8, nodes);
  out += "      </Geometry>\n";
  append_cell_attribute(out, "region", "Scalar", item("/mesh/region"));
  append_cell_attribute(out, "layer", "Scalar", item("/mesh/layer"));
  append_cell_attribute(out, "fibre", "Vector", item("/mesh/fibre"));
  append_cell_attribute(out, "resting_tone", "Scalar", item("/tone/element"));
  out += "    </Grid>\n";

  out += "    <Grid Name=\"bone surface\" GridType=\"Uniform\">\n";
  out += fmt::format("      <Topology TopologyType=\"Triangle\" NumberOfElements=\"{}\" NodesPerElement=\"3\">\n", bone_tris.dims[0]);
  xdmf::append_dataset_item(out, 8, bone_tris);
  out += "      </Topology>\n      <Geometry GeometryType=\"XYZ\">\n";
  xdmf::append_dataset_item(out, 8, nodes);
  out += "      </Geometry>\n";
  append_cell_attribute(out, "bone", "Scalar", bone);
  out += "    </Grid>\n";

  out += "    </Grid>\n  </Domain>\n</Xdmf>\n";
  std::filesystem::path sidecar = model_h5;
  sidecar.replace_extension(".xdmf");
  xdmf::write_file_atomically(sidecar, out);
  return sidecar;
}

}  // namespace backsim::models
