// `backsim batch` across MPI ranks (mpirun -n N backsim batch ...; docs/cluster.md):
// rank 0 expands the study, hands out run ids one at a time to the ranks that ask
// (dynamic load balancing: a rank that finishes a short run asks again at once), and
// aggregates at the end. The other ranks run one run at a time, each as a child
// process, as the local pool does. The run files are the results: ranks share the
// study's directory (a shared file system on a cluster).
#pragma once

#include "cli/batch/batch_command.hpp"

namespace backsim::cli {

// True when this process was started by mpirun/srun (its environment names a rank):
// only then is MPI initialised, so that a plain `backsim batch` needs no MPI runtime.
bool launched_by_mpirun();
// The batch across the ranks; every rank returns rank 0's exit code.
int run_mpi_batch(const BatchCommandOptions& options);

}  // namespace backsim::cli
