// Reads a run file (docs/output.md) for the lesson page: the mesh, the frames, the
// tissue fields, the tool's steps, provenance strings and, when the file has them,
// anatomical landmarks. Only what the page shows is read, frame by frame, so a long
// session on a fine mesh is not loaded whole.
//
// A killed run's `.partial` file is read as well: its frame count is len(/frames/time)
// and the rows past it are ignored (docs/output.md, "What a killed run leaves").
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backsim::cli {

// A named point on the body (the optional /anatomy group of a back run).
struct NamedPoint {
  std::string name;
  Vec3 position;  // m, reference frame
};

class RunFileReader {
 public:
  // Opens `path` read-only and checks the layout. Throws InvalidInput naming the file
  // and what is wrong (not HDF5, not a backsim run, a newer format, inconsistent shapes,
  // no frames).
  explicit RunFileReader(const std::filesystem::path& path);
  ~RunFileReader();
  RunFileReader(const RunFileReader&) = delete;
  RunFileReader& operator=(const RunFileReader&) = delete;

  const std::filesystem::path& path() const;
  // nodes, tets, region, region_names (no fibres: the page does not show them).
  const TetMesh& mesh() const;
  // [F] s: the simulated time of each complete frame.
  const std::vector<double>& frame_times() const;

  // [N] m: node displacements of frame `frame` (< F).
  std::vector<Vec3> displacement(Index frame) const;
  // Whether the per-tet field `path` ("/fields/tone", ...) exists with F x M rows.
  bool has_tet_field(std::string_view path) const;
  // [M] values of the per-tet field `path` at frame `frame`.
  std::vector<double> tet_field(std::string_view path, Index frame) const;

  // [T] s and [T] m: the tool's reference point at the end of every step (empty when
  // the run made no step).
  const std::vector<double>& tool_times() const;
  const std::vector<Vec3>& tool_positions() const;

  // A string attribute of the root ("scenario", "status", "backsim_version", ...).
  std::optional<std::string> root_string(const char* name) const;
  // Landmarks from /anatomy, when the file has them; empty otherwise.
  const std::vector<NamedPoint>& landmarks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backsim::cli
