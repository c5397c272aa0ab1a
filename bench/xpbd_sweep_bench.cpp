// backsim-xpbd-bench: time of one XPBD sweep over every tet (engine/sim/xpbd_sweep.hpp)
// on blocks of about 20k and 80k tets, on 1 and 2 threads, against the floor the
// memory bandwidth sets (a STREAM triad measured here). Prints CSV on stdout.
// Nothing is asserted: a benchmark, not a test.
//
// Bytes a sweep moves, per tet (XpbdScratch's layout): node ids 16, Dm^-1 72,
// 1 / volume 8, region 4, multipliers read 16 and written 16 = 132 B streamed, plus
// per node the positions read and written and the inverse masses read (3 x 24 B,
// about 15 B per tet on a block of 5 tets per node) if they stay in cache between
// the tets that share them: 147 B per tet.
//
// Each block is timed twice: with one inverse mass per node, read from the position
// records (the block has no rollers), and forced to the per-coordinate masses a
// model with rollers uses (XpbdScratch::node_mass_in_positions).
#include "bench/memory_bandwidth.hpp"
#include "engine/core/parallel.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"
#include "engine/sim/xpbd_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>

using namespace backsim;

namespace {

using Clock = std::chrono::steady_clock;

struct SweepTime {
  double seconds;  // per sweep
  Index tets, nodes, colours;
};

SweepTime time_sweeps(std::array<Index, 3> cells, bool node_masses) {
  SimulationSpec spec;
  spec.geometry.size = Vec3(0.12, 0.09, 0.033);
  spec.geometry.cells = cells;
  spec.solver.method = SolverMethod::xpbd;
  const Model m = build_model(block_model_inputs(spec));
  State s = initial_state(m);
  Scratch w = make_scratch(m);
  XpbdScratch& x = w.xpbd;
  const double h = 1e-3;
  set_xpbd_region_constants(w.step_matrix, h, x);
  // a sub-step's prediction under gravity: every sweep does real work
  for (Index i = 0; i < 3 * m.node_count(); ++i) s.q[i] += w.dof_free[i] * h * h * (i % 3 == 2 ? -9.81 : 0.0);
  load_xpbd_positions(s.q, x);
  x.node_mass_in_positions = x.node_mass_in_positions && node_masses;
  const int sweeps = 40;
  double best = 1e30;
  for (int r = 0; r < 4; ++r) {
    const auto t0 = Clock::now();
#pragma omp parallel
    for (int it = 0; it < sweeps; ++it) sweep_tets(x);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count() / sweeps;
    if (r > 0) best = std::min(best, seconds);  // the first repetition warms up
  }
  return {best, m.mesh.tet_count(), m.node_count(), static_cast<Index>(x.colour_offsets.size() - 1)};
}

}  // namespace

int main() {
  fmt::print("# bytes per tet per sweep (model): 147\n");
  fmt::print("tets,nodes,colours,masses,threads,sweep_ms,triad_GBps,floor_ms,ratio_to_floor,speedup\n");
  for (const std::array<Index, 3> cells : {std::array<Index, 3>{24, 18, 8}, std::array<Index, 3>{40, 30, 11}}) {
    for (const bool node_masses : {true, false}) {
      double one = 0;
      for (int threads : {1, 2}) {
        set_threads(threads);
        const double bandwidth = backsim::bench::measure_triad_bandwidth(threads).bytes_per_second;
        const SweepTime t = time_sweeps(cells, node_masses);
        if (threads == 1) one = t.seconds;
        const double floor = 147.0 * t.tets / bandwidth;
        fmt::print("{},{},{},{},{},{:.3f},{:.2f},{:.3f},{:.2f},{:.2f}\n", t.tets, t.nodes, t.colours,
                   node_masses ? "node" : "coordinate", threads, 1e3 * t.seconds, bandwidth / 1e9, 1e3 * floor,
                   t.seconds / floor, one / t.seconds);
      }
    }
  }
  set_threads(0);
  return 0;
}
