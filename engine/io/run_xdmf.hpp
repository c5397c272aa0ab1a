// The XDMF 3 sidecar of a run file: RUN.xdmf next to RUN.h5, so that ParaView (and
// VisIt, meshio) open a run as a time series without a plugin (docs/output.md).
//
// A Temporal collection with one Uniform grid per frame (F = len(/frames/time)):
//   Topology   Tetrahedron, RUN.h5:/mesh/tets
//   Geometry   the reference nodes, /mesh/nodes (Warp By Vector with displacement
//              shows the deformed mesh: run_xdmf.cpp says why)
//   Attributes displacement (node vector, row f), region and fibre (cell, static),
//              every /fields/<name> (cell scalar, row f)
// Heavy data stays in the HDF5 file; the sidecar only points into it, by a relative
// file name, so the two files move together. Rows of the per-frame datasets are
// selected with XDMF 3's hyperslab syntax, which ParaView's XDMF 3 readers
// (Xdmf3ReaderS, its default for .xdmf, and Xdmf3ReaderT) read; its legacy XDMF 2
// reader does not (docs/output.md).
#pragma once

#include <filesystem>

namespace backsim {

// RUN.h5 -> RUN.xdmf (the extension replaced).
std::filesystem::path run_xdmf_path(const std::filesystem::path& run_h5);

// Reads the layout of `run_h5` (a finished run file, or the .partial file of a
// killed one) and writes its sidecar atomically (XDMF.partial, then rename). Returns
// the sidecar's path. Throws InvalidInput when `run_h5` is not a backsim run file,
// OutputFailure when the sidecar cannot be written.
std::filesystem::path write_run_xdmf(const std::filesystem::path& run_h5);

}  // namespace backsim
