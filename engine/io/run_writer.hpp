// Writes a run to HDF5 as it goes, so that nothing already computed is lost.
//
// Layout (docs/output.md): /mesh/{nodes,tets,region,region_names[,fibre]},
// /frames/{time,displacement}, /tool/{time,position,force,depth,target_force},
// /solver/{time,dt,newton_iterations,cg_iterations,residual,energy,min_line_search,
// min_volume_ratio,active_contacts,wall_seconds}, root attributes for provenance.
//
// The file is written to `<path>.partial`; every frame is flushed to disk, so a
// run killed part-way (even by SIGKILL) leaves a `.partial` file that opens with a
// plain H5Fopen and holds the frames flushed so far (limits: docs/output.md).
// finish() (or fail()) adds the closing attributes and renames the file to
// `<path>` in one atomic rename.
#pragma once

#include "engine/core/types.hpp"
#include "engine/io/provenance.hpp"
#include "engine/mesh/tet_mesh.hpp"
#include "engine/sim/step_stats.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace backsim {

// Provenance, make_provenance, sha256_hex and utc_now_iso8601: engine/io/provenance.hpp.

// A per-frame array of `width` doubles, written as `path` [frame, width].
struct FrameFieldSpec {
  std::string path;         // e.g. "/fields/tone"
  std::size_t width = 0;    // values per frame (tets, regions, ...)
  std::string units;
  std::string description;
};

// How many frames and step records a run file holds (a checkpoint records them).
struct RunFileRows {
  std::int64_t frames = 0;
  std::int64_t steps = 0;
};

class RunWriter {
 public:
  // Creates `<path>.partial` (truncating an old one) and writes the mesh and the
  // provenance attributes, and creates the extra per-frame datasets (their groups
  // are created as needed). Throws OutputFailure.
  RunWriter(std::filesystem::path path, const TetMesh& mesh, const Provenance& provenance,
            std::vector<FrameFieldSpec> frame_fields = {});
  // Reopens `<path>.partial` of a run that stopped, keeping its first `rows` (rows
  // after them are dropped: the resumed run writes them again), and sets the
  // `resumed_utc` attribute. `frame_fields` must be those the file was created with.
  // Throws OutputFailure (no such file, not a run file, fewer rows than `rows`).
  static std::unique_ptr<RunWriter> reopen(std::filesystem::path path, std::vector<FrameFieldSpec> frame_fields,
                                           RunFileRows rows);
  ~RunWriter();  // closes without renaming if neither finish() nor fail() ran
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  // Buffers one step's tool and solver record (written with the next frame).
  void append_step(const StepStats& step);
  // Writes the buffered steps and one frame (node displacements, m), then flushes.
  void append_frame(double time, std::span<const Vec3> displacement);
  // The same with one array per frame field, in the order they were given.
  void append_frame(double time, std::span<const Vec3> displacement,
                    std::span<const std::span<const double>> fields);
  // A fixed dataset written once (summaries): 1-D when `columns` is 0, else
  // [values.size() / columns, columns]. Groups are created as needed.
  void write_dataset(const std::string& path, std::span<const double> values, std::size_t columns,
                     const std::string& units, const std::string& description);
  void write_strings(const std::string& path, const std::vector<std::string>& values,
                     const std::string& description);
  // Writes the buffered step records and flushes: every row so far is on disk.
  RunFileRows flush_steps();
  // Writes what is buffered, `finished_utc`, `status = "ok"`, closes and renames.
  void finish();
  // As finish(), with `status = "solver_failure"` and `error = diagnostic`: what was
  // written before the failure is kept.
  void fail(const std::string& diagnostic);

  const std::filesystem::path& final_path() const;
  std::filesystem::path partial_path() const;

 private:
  RunWriter() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backsim
