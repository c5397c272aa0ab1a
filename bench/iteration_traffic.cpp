#include "bench/iteration_traffic.hpp"

namespace backsim::bench {

namespace {

constexpr double kDouble = 8, kIndex = 4;
// An element's constant record: Dm^-1 (9 doubles), volume, 4 node ids, region id.
constexpr double kElementRecord = 10 * kDouble + 5 * kIndex;
// Its 4 nodes' positions, gathered (read once per element).
constexpr double kElementPositions = 12 * kDouble;
// Its 4 nodes' gradient entries, scattered (read and written once per element).
constexpr double kElementScatter = 2 * 12 * kDouble;

}  // namespace

double bytes_per_iteration(const Model& m, SolverMethod method, double cg_per_newton) {
  const double tets = static_cast<double>(m.mesh.tet_count());
  const double nodes = static_cast<double>(m.node_count());
  const double dofs = 3 * nodes;
  const double blocks = static_cast<double>(m.pattern.block_count());
  switch (method) {
    case SolverMethod::newton: {
      // assembly: each element adds 16 3x3 blocks (read and write) and its gradient
      const double assembly = tets * (kElementRecord + kElementPositions + kElementScatter + 16 * 2 * 9 * kDouble);
      // a PCG iteration: y = A p (blocks and column ids, p read, y written), the
      // block Jacobi solve (3x3 per node, r read, z written), and the vector updates
      // and dots of x, r, p, q (12 more passes of a dof vector)
      const double spmv = blocks * (9 * kDouble + kIndex) + nodes * kIndex + 2 * dofs * kDouble;
      const double precondition = nodes * 9 * kDouble + 2 * dofs * kDouble;
      const double vectors = 12 * dofs * kDouble;
      return assembly + cg_per_newton * (spmv + precondition + vectors);
    }
    case SolverMethod::xpbd:
      // a sweep (XpbdScratch's layout): node ids, Dm^-1, 1 / volume, region, two
      // multipliers read and written per tet; positions read and written and inverse
      // masses read once per node (bench/xpbd_sweep_bench.cpp)
      return tets * (4 * kIndex + 9 * kDouble + kDouble + kIndex + 4 * kDouble) + nodes * (7 * kDouble);
    case SolverMethod::bullet:
      return 0;  // Bullet's internals are not ours to count
    case SolverMethod::explicit_central:
      // the gradient, then v and q updated from gradient, mass mask: 6 passes
      return tets * (kElementRecord + kElementPositions + kElementScatter) + 6 * dofs * kDouble;
  }
  return 0;
}

}  // namespace backsim::bench
