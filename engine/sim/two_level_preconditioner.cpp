#include "engine/sim/two_level_preconditioner.hpp"

#include "engine/sim/preconditioner.hpp"
#include "engine/solver/node_aggregation.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>

namespace backsim {

namespace {

// Strength thresholds and coarsening passes, measured on the standard back (one
// force-controlled palm stroke, 2 threads): with 0.08 everywhere, 1 / 2 / 3 passes
// gave 1,379 / 526 / 331 aggregates, 38 / 42 / 48 CG iterations per Newton iteration
// and 14.7 / 13.2 / 13.7 s (a big coarse factor costs more than it saves); 0.04 and
// 2 passes: larger groups, 165 aggregates, 42 CG iterations, 12.2-12.6 s.
constexpr double kGroupCoupling = 0.04;
constexpr int kCoarseningPasses = 2;
constexpr double kCoarseCoupling = 0.04;

// The couplings of a Laplacian weighted like the tissue, one per node block:
// s_ab = sum over the tets holding a and b of mu V grad N_a . grad N_b. Its off-
// diagonal entries say how strongly two nodes are tied (through-thickness in a thin
// stiff layer: strongly; skin to fat: weakly), and its row sums vanish, so that
// summing it over aggregates gives the couplings between aggregates (Galerkin).
std::vector<double> tissue_laplacian(const Model& m) {
  std::vector<double> s(m.pattern.block_count(), 0.0);
  const Index tets = m.mesh.tet_count();
  for (Index t = 0; t < tets; ++t) {
    const Mat3& Dm_inv = m.elements[t].Dm_inv;
    Vec3 G[4];
    G[0] = -(Dm_inv.row(0) + Dm_inv.row(1) + Dm_inv.row(2)).transpose();
    for (int a = 1; a < 4; ++a) G[a] = Dm_inv.row(a - 1).transpose();
    const double w = m.materials[static_cast<std::size_t>(m.mesh.region[t])].matrix.mu * m.elements[t].volume;
    const Index* blocks = &m.tet_blocks[16 * static_cast<std::size_t>(t)];
    for (int a = 0; a < 4; ++a)
      for (int b = 0; b < 4; ++b) s[blocks[4 * a + b]] += w * G[a].dot(G[b]);
  }
  return s;
}

using DenseMap = Eigen::Map<Eigen::MatrixXd>;

}  // namespace

void build_two_level(const Model& m, TwoLevelPreconditioner& p) {
  const BlockSparsePattern& fine = m.pattern;
  const Index n = m.node_count();
  const std::vector<double> laplacian = tissue_laplacian(m);
  std::vector<std::uint8_t> free_node(n);
  for (Index i = 0; i < n; ++i) free_node[i] = m.node_held[i] == 0 ? 1 : 0;

  // groups
  const Aggregation groups = aggregate_strongly_coupled(fine, laplacian, free_node, kGroupCoupling);
  aggregate_members(groups, p.group_offsets, p.group_members);
  p.group_factor_offsets.assign(groups.count + 1, 0);
  for (Index g = 0; g < groups.count; ++g) {
    const Index k = 3 * (p.group_offsets[g + 1] - p.group_offsets[g]);
    p.group_factor_offsets[g + 1] = p.group_factor_offsets[g] + k * k;
  }
  p.group_factors.assign(p.group_factor_offsets[groups.count], 0.0);
  p.group_inverses.assign(p.group_factor_offsets[groups.count], 0.0);
  p.gathered.assign(3 * static_cast<std::size_t>(p.group_offsets[groups.count]), 0.0);
  p.gathered_product.assign(p.gathered.size(), 0.0);

  // aggregates: the groups' graph aggregated kCoarseningPasses times
  Aggregation nodes_to_aggregates = groups;
  BlockSparsePattern level;
  std::vector<Index> level_block;
  for (int pass = 0; pass < kCoarseningPasses; ++pass) {
    aggregate_graph(fine, nodes_to_aggregates, level, level_block);
    std::vector<double> level_laplacian(level.block_count(), 0.0);
    for (Index b = 0; b < fine.block_count(); ++b)
      if (level_block[b] != kInvalidIndex) level_laplacian[level_block[b]] += laplacian[b];
    const std::vector<std::uint8_t> all(nodes_to_aggregates.count, 1);
    const Aggregation next = aggregate_strongly_coupled(level, level_laplacian, all, kCoarseCoupling);
    for (Index& a : nodes_to_aggregates.aggregate_of)
      if (a != kInvalidIndex) a = next.aggregate_of[a];
    nodes_to_aggregates.count = next.count;
  }
  p.aggregate_of = nodes_to_aggregates.aggregate_of;
  aggregate_members(nodes_to_aggregates, p.aggregate_offsets, p.aggregate_members);
  aggregate_graph(fine, nodes_to_aggregates, p.coarse_pattern, p.coarse_block);
  p.coarse_blocks.assign(p.coarse_pattern.block_count(), Mat3::Zero());
  p.coarse_residual.assign(3 * static_cast<std::size_t>(nodes_to_aggregates.count), 0.0);
  p.coarse_factor.analyse(p.coarse_pattern, nested_dissection_order(p.coarse_pattern));
  p.coarse_valid = false;
}

void factorize_two_level(const Model& m, const BlockSparseMatrix& hessian, std::span<const double> dof_free,
                         double tool_diagonal, TwoLevelPreconditioner& p) {
  const BlockSparsePattern& fine = m.pattern;

  // each group's block of P A P + (I - P), Cholesky-factored in place
  const Index groups = p.group_count();
#pragma omp parallel for schedule(dynamic, 16)
  for (Index g = 0; g < groups; ++g) {
    const Index first = p.group_offsets[g], last = p.group_offsets[g + 1];
    const Index k = 3 * (last - first);
    DenseMap A(&p.group_factors[p.group_factor_offsets[g]], k, k);
    A.setZero();
    for (Index u = first; u < last; ++u) {
      const Index i = p.group_members[u];
      // the blocks of row i whose column is in the group (both lists ascending)
      Index v = first;
      for (Index b = fine.row_offsets[i]; b < fine.row_offsets[i + 1] && v < last; ++b) {
        const Index j = fine.columns[b];
        while (v < last && p.group_members[v] < j) ++v;
        if (v == last || p.group_members[v] != j) continue;
        A.block<3, 3>(3 * (u - first), 3 * (v - first)) = masked_block(dof_free, hessian.blocks[b], i, j);
      }
      for (int d = 0; d < 3; ++d)
        if (dof_free[3 * i + d] == 0) A(3 * (u - first) + d, 3 * (u - first) + d) = 1.0;
    }
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(A);  // in place: no allocation
    if (llt.info() != Eigen::Success) {
      // not positive definite (an exact Hessian may be indefinite): its diagonal,
      // positive entries only, stands in, as the square roots of a diagonal factor
      for (Index u = first; u < last; ++u) {
        const Mat3& D = hessian.blocks[fine.diagonal[p.group_members[u]]];
        for (int d = 0; d < 3; ++d) {
          const Index r = 3 * (u - first) + d;
          const double free = dof_free[3 * p.group_members[u] + d];
          const double a = free * D(d, d);
          A.col(r).setZero();
          A(r, r) = free > 0 && a > 0 ? std::sqrt(a) : 1.0;
        }
      }
    }
    // G^-1 = L^-T L^-1 in the inverse's storage: the same operations whatever the
    // thread. Eigen keeps its blocking workspace on the stack below 128 KB: the
    // standard back's largest group has 13 nodes (39 x 39, 12 KB), and
    // tests/allocation counts no allocation with this preconditioner
    DenseMap inverse(&p.group_inverses[p.group_factor_offsets[g]], k, k);
    inverse.setIdentity();
    A.triangularView<Eigen::Lower>().solveInPlace(inverse);
    A.triangularView<Eigen::Lower>().transpose().solveInPlace(inverse);
  }
  p.tool_inverse = dof_free[m.tool_dof()] > 0 ? 1.0 / tool_diagonal : 1.0;

  // the coarse matrix, once per step: each row from its own aggregate's nodes
  if (p.coarse_valid) return;
  const Index aggregates = p.aggregate_count();
#pragma omp parallel for schedule(static)
  for (Index a = 0; a < aggregates; ++a) {
    for (Index b = p.coarse_pattern.row_offsets[a]; b < p.coarse_pattern.row_offsets[a + 1]; ++b)
      p.coarse_blocks[b].setZero();
    for (Index u = p.aggregate_offsets[a]; u < p.aggregate_offsets[a + 1]; ++u) {
      const Index i = p.aggregate_members[u];
      for (Index b = fine.row_offsets[i]; b < fine.row_offsets[i + 1]; ++b) {
        const Index target = p.coarse_block[b];
        if (target != kInvalidIndex) p.coarse_blocks[target] += masked_block(dof_free, hessian.blocks[b], i, fine.columns[b]);
      }
    }
  }
  p.coarse_factor.factorize(p.coarse_blocks);
  p.coarse_valid = true;
}

void apply_two_level(const Model& m, std::span<const double> dof_free, TwoLevelPreconditioner& p,
                     std::span<const double> r, std::span<double> z) {
  const Index n = m.node_count();
  // held nodes: identity rows
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i)
    if (p.aggregate_of[i] == kInvalidIndex)
      for (int d = 0; d < 3; ++d) z[3 * i + d] = r[3 * i + d];

  // group Jacobi: gather, two triangular solves, scatter
  const Index groups = p.group_count();
#pragma omp parallel for schedule(static)
  for (Index g = 0; g < groups; ++g) {
    const Index first = p.group_offsets[g], last = p.group_offsets[g + 1];
    const Index k = 3 * (last - first);
    Eigen::Map<Eigen::VectorXd> x(&p.gathered[3 * first], k);
    Eigen::Map<Eigen::VectorXd> y(&p.gathered_product[3 * first], k);
    for (Index u = first; u < last; ++u)
      for (int d = 0; d < 3; ++d) x(3 * (u - first) + d) = r[3 * p.group_members[u] + d];
    const Eigen::Map<const Eigen::MatrixXd> inverse(&p.group_inverses[p.group_factor_offsets[g]], k, k);
    y.noalias() = inverse * x;
    for (Index u = first; u < last; ++u)
      for (int d = 0; d < 3; ++d) z[3 * p.group_members[u] + d] = y(3 * (u - first) + d);
  }

  // coarse correction: z += R^T A_c^-1 R r on the free dofs
  const Index aggregates = p.aggregate_count();
#pragma omp parallel for schedule(static)
  for (Index a = 0; a < aggregates; ++a) {
    Vec3 sum = Vec3::Zero();
    for (Index u = p.aggregate_offsets[a]; u < p.aggregate_offsets[a + 1]; ++u) {
      const Index i = p.aggregate_members[u];
      for (int d = 0; d < 3; ++d) sum(d) += dof_free[3 * i + d] * r[3 * i + d];
    }
    for (int d = 0; d < 3; ++d) p.coarse_residual[3 * a + d] = sum(d);
  }
  p.coarse_factor.solve(p.coarse_residual, p.coarse_residual);
#pragma omp parallel for schedule(static)
  for (Index a = 0; a < aggregates; ++a)
    for (Index u = p.aggregate_offsets[a]; u < p.aggregate_offsets[a + 1]; ++u) {
      const Index i = p.aggregate_members[u];
      for (int d = 0; d < 3; ++d) z[3 * i + d] += dof_free[3 * i + d] * p.coarse_residual[3 * a + d];
    }

  z[m.tool_dof()] = p.tool_inverse * r[m.tool_dof()];
}

}  // namespace backsim
