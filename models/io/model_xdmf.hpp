// The XDMF 3 sidecar of a back model file (`backsim model -o MODEL.h5` writes
// MODEL.xdmf next to it), so that ParaView opens the model without a plugin:
// a Spatial collection of
//   "tissue"        Tetrahedron grid of /mesh/tets over /mesh/nodes, cell data
//                   region, layer, fibre and the resting tone (/tone/element)
//   "bone surface"  Triangle grid of /mesh/bone_tris, cell data bone (kind id,
//                   names in /mesh/bone_names)
// Every DataItem names its HDF5 dataset with the dataset's own number type,
// precision and shape (engine/io/xdmf_items.hpp).
#pragma once

#include <filesystem>

namespace backsim::models {

// Reads the layout of the model file `model_h5` and writes MODEL.xdmf (the
// extension replaced) atomically; returns its path. Throws InvalidInput for a file
// that is not a back model, OutputFailure when the sidecar cannot be written.
std::filesystem::path write_back_model_xdmf(const std::filesystem::path& model_h5);

}  // namespace backsim::models
