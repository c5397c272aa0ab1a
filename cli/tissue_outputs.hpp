// The tissue's fields and metrics in a run file (/fields, /metrics; docs/output.md)
// and in the summary `backsim run` prints.
#pragma once

#include "engine/io/run_checkpoint.hpp"
#include "engine/io/run_writer.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/tissue_metrics.hpp"

#include <span>
#include <vector>

namespace backsim::cli {

class TissueOutputs {
 public:
  explicit TissueOutputs(const Model& model);
  // The per-frame datasets to create.
  std::vector<FrameFieldSpec> frame_fields() const;
  // Takes the "before" of the relief and the summary: the state at the end of the
  // first step that reaches motion.start_time (call after every step).
  void at_step(const State& state);
  // Measures the state; the spans returned stay valid until the next call.
  std::vector<std::span<const double>> frame(const State& state);
  // Before/after per region and the run's totals, into /metrics/summary and /metrics/run.
  void write_summary(RunWriter& writer, const State& state) const;
  void print_summary(const State& state) const;
  // What a checkpoint keeps of it (the metrics at the motion's start, once measured),
  // and putting that back in a resumed run. restore() throws InvalidInput when an
  // array is missing or has another size.
  std::vector<NamedArray> checkpoint_arrays() const;
  void restore(const std::vector<NamedArray>& arrays);

 private:
  void write_zone_loads(RunWriter& writer, const RunTotals& totals) const;
  bool reached_start(const State& state) const;  // the "before" is due

  const Model& model_;
  RegionMetrics now_, first_;
  bool have_first_ = false;
  std::vector<double> tet_scratch_;
  std::vector<double> zeros_;   // [tet] flushed volume of a model without circulation
  std::vector<double> ones_;    // [tet] perfusion index of a model without circulation
  std::vector<double> relief_;  // [region] tension relief % of the current frame
};

}  // namespace backsim::cli
