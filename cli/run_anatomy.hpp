// The anatomy of a run on the procedural back, for readers of the run file that
// label what they show (backsim render: vertebral levels, the scapulae): the
// subject's landmarks as /anatomy/{landmark_names, landmark_skin,
// landmark_footprint} (docs/output.md). Runs on a block or an imported mesh have no
// /anatomy group.
#pragma once

#include "engine/io/run_writer.hpp"
#include "scenarios/scenario.hpp"

namespace backsim::cli {

void write_run_anatomy(RunWriter& writer, const Scenario& scenario);

}  // namespace backsim::cli
