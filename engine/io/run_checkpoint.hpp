// A restartable checkpoint of a run: `<output>.checkpoint`, an HDF5 file beside the
// run's `<output>.partial`, holding the whole State (state_arrays.hpp), where the
// runner stands (RunPosition), how many rows the run file had then, and the
// observer's own arrays (e.g. the metrics at the motion's start). `backsim run
// --resume` reads it, cuts the run file back to those rows and continues; the result
// is bit-identical to a run that never stopped (tests/cli, the resume test).
//
// Written whole to `<output>.checkpoint.partial`, synced, then renamed over the old
// one: a kill at any moment leaves the previous checkpoint or the new one, never a
// torn one.
#pragma once

#include "engine/io/run_writer.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/state.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace backsim {

struct NamedArray {
  std::string name;
  std::vector<double> values;
};

struct RunCheckpoint {
  std::string scenario_sha256;   // of the resolved scenario: resuming another scenario is refused
  RunPosition position;
  RunFileRows rows;              // the run file's rows at the checkpoint
  std::vector<NamedArray> extra; // the observer's arrays
};

std::filesystem::path checkpoint_path(const std::filesystem::path& output);

// Throws OutputFailure.
void write_run_checkpoint(const std::filesystem::path& path, const State& state, const RunCheckpoint& checkpoint);

// Reads a checkpoint into `state`, which must be the initial state of the same model
// (every array must have the size it has there). Throws InvalidInput naming the file
// and what does not match (a checkpoint of another model, a damaged file).
RunCheckpoint read_run_checkpoint(const std::filesystem::path& path, State& state);

}  // namespace backsim
