// Reads a run file (docs/output.md) for tools that show a run: the mesh, the
// frame times, one frame's displacement or field at a time, the tool's path and
// the named points of /anatomy. The counterpart of RunWriter; read-only, plain
// HDF5 C API.
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace backsim {

struct NamedPoint {
  std::string name;
  Vec3 position;  // m
};

class RunReader {
 public:
  // Opens `path` read-only. Throws InvalidInput, naming the file, when it is
  // missing, not HDF5, not a backsim run (root attribute format), or lacks the
  // mesh or the frames.
  explicit RunReader(const std::filesystem::path& path);
  ~RunReader();
  RunReader(const RunReader&) = delete;
  RunReader& operator=(const RunReader&) = delete;

  const std::filesystem::path& path() const;
  const TetMesh& mesh() const;                    // reference nodes, tets, regions, fibres
  const std::vector<double>& frame_times() const;  // [F] s; F = len(/frames/time)
  std::string status() const;                      // "ok", "solver_failure", "running"
  std::string scenario_text() const;               // the resolved scenario (root attribute)
  // Any string root attribute ("scenario_sha256", "error", ...); "" when absent.
  std::string attribute(const std::string& name) const;

  // The datasets directly in `group` ("/metrics/run"), in name order; none if the group
  // is absent (a run that did not finish has no /metrics/summary).
  std::vector<std::string> dataset_names(const std::string& group) const;
  // Every value of a float64 dataset (flattened), or the strings of a string list.
  // InvalidInput when it is absent.
  std::vector<double> values(const std::string& dataset) const;
  std::vector<std::string> strings(const std::string& dataset) const;

  // [N] m, node displacement of frame `frame` (< F).
  std::vector<Vec3> displacement(std::size_t frame) const;
  // Names of the per-tet fields in /fields ("tone", "pressure", ...), in name order.
  const std::vector<std::string>& field_names() const;
  // [M] field `name` at frame `frame`, and its units attribute. InvalidInput for an
  // unknown name (listing the known ones).
  std::vector<double> field(const std::string& name, std::size_t frame) const;
  std::string field_units(const std::string& name) const;

  // The tool at the end of each step: [T] time (s), reference point (m), depth
  // below the undeformed surface (m; > 0 while it presses).
  const std::vector<double>& tool_times() const;
  const std::vector<Vec3>& tool_positions() const;
  const std::vector<double>& tool_depths() const;

  // /anatomy/landmark_names with /anatomy/landmark_skin; empty when the run has no
  // /anatomy group (a block or an imported mesh).
  const std::vector<NamedPoint>& landmarks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backsim
