// One tet's stable Neo-Hookean constraints, projected together (XPBD, Macklin,
// Mueller, Chentanez 2016; constraints of Macklin and Mueller 2021, "A Constraint-based
// Formulation of Stable Neo-Hookean Materials").
//
// The matrix energy (stable_neo_hookean.hpp) of a tet of volume V is
//   V psi = V mu/2 I_C + V lambda/2 (J - alpha)^2 - V (3 mu/2 + mu^2/(2 lambda)),
// and XPBD's compliant constraint C with compliance a stores the energy C^2 / (2 a).
// So the two constraints
//   C_D = sqrt(I_C),   a_D = 1 / (mu V)       (deviatoric: stores V mu/2 I_C)
//   C_H = J - alpha,   a_H = 1 / (lambda V)   (hydrostatic: stores V lambda/2 (J - alpha)^2)
// reproduce the energy up to the constant, which moves no node: their fixed point is
// the minimiser of the same potential Newton minimises. At rest (F = I) both
// gradients point along the volume mode and their forces cancel
// (-sqrt(3) mu V / sqrt(3) + mu V = 0): projected one after the other, each would
// first undo the other and the rest state would creep; projected together (the 2x2
// system below) the rest state is a fixed point of every sweep.
//
// With multipliers l = (l_D, l_H) accumulated over the sub-step's sweeps and
// a~ = a / h^2, one projection solves the linearised system
//   (G W G^T + diag(a~)) dl = -C - diag(a~) l,   x += W G^T dl,   l += dl,
// G the 2 x 12 constraint gradient, W the inverse masses (0 on held coordinates).
//
// Four tets at a time: a sweep is arithmetic-bound (some 400 flops per tet against
// 147 B moved), so the projection is written once on vectors of 4 doubles, one tet
// per lane (GCC vector extensions: AVX2 instructions where the caller is compiled for
// AVX2, SSE2 pairs otherwise, the same IEEE operations in the same order either way).
// The 4 tets of a batch are of one colour, so they share no node.
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/xpbd_scratch.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace backsim {

using Lanes = double __attribute__((vector_size(32)));  // one double per tet of a batch
using LaneMask = long long __attribute__((vector_size(32)));
using LanePair = double __attribute__((vector_size(16)));

// The first `Fields` (3 or 4) doubles of 4 records of 4 doubles (records + 4 id),
// one vector each: each record loaded whole, then the 4 x 4 block transposed (vunpck
// and vperm2f128 with AVX, unpck pairs with SSE2).
template <int Fields>
[[gnu::always_inline]] inline void gather_records(const double* records, std::uint32_t i0, std::uint32_t i1,
                                                  std::uint32_t i2, std::uint32_t i3, Lanes out[Fields]) {
  Lanes r0, r1, r2, r3;
  std::memcpy(&r0, records + 4 * static_cast<std::size_t>(i0), sizeof(Lanes));
  std::memcpy(&r1, records + 4 * static_cast<std::size_t>(i1), sizeof(Lanes));
  std::memcpy(&r2, records + 4 * static_cast<std::size_t>(i2), sizeof(Lanes));
  std::memcpy(&r3, records + 4 * static_cast<std::size_t>(i3), sizeof(Lanes));
  const Lanes t0 = __builtin_shuffle(r0, r1, LaneMask{0, 4, 2, 6});  // x0 x1 z0 z1
  const Lanes t1 = __builtin_shuffle(r0, r1, LaneMask{1, 5, 3, 7});  // y0 y1 w0 w1
  const Lanes t2 = __builtin_shuffle(r2, r3, LaneMask{0, 4, 2, 6});  // x2 x3 z2 z3
  const Lanes t3 = __builtin_shuffle(r2, r3, LaneMask{1, 5, 3, 7});  // y2 y3 w2 w3
  out[0] = __builtin_shuffle(t0, t2, LaneMask{0, 1, 4, 5});
  out[1] = __builtin_shuffle(t1, t3, LaneMask{0, 1, 4, 5});
  out[2] = __builtin_shuffle(t0, t2, LaneMask{2, 3, 6, 7});
  if constexpr (Fields == 4) out[3] = __builtin_shuffle(t1, t3, LaneMask{2, 3, 6, 7});
}

// The inverse of gather_records<4>: lane l's 4 fields written to record i_l, for the
// first `lanes` lanes.
[[gnu::always_inline]] inline void scatter_records(const Lanes in[4], const std::uint32_t* ids, Index lanes,
                                                   double* records) {
  const Lanes t0 = __builtin_shuffle(in[0], in[1], LaneMask{0, 4, 2, 6});  // x0 y0 x2 y2
  const Lanes t1 = __builtin_shuffle(in[0], in[1], LaneMask{1, 5, 3, 7});  // x1 y1 x3 y3
  const Lanes t2 = __builtin_shuffle(in[2], in[3], LaneMask{0, 4, 2, 6});  // z0 w0 z2 w2
  const Lanes t3 = __builtin_shuffle(in[2], in[3], LaneMask{1, 5, 3, 7});  // z1 w1 z3 w3
  const Lanes r[4] = {__builtin_shuffle(t0, t2, LaneMask{0, 1, 4, 5}), __builtin_shuffle(t1, t3, LaneMask{0, 1, 4, 5}),
                      __builtin_shuffle(t0, t2, LaneMask{2, 3, 6, 7}), __builtin_shuffle(t1, t3, LaneMask{2, 3, 6, 7})};
  for (Index l = 0; l < lanes; ++l) std::memcpy(records + 4 * static_cast<std::size_t>(ids[4 * l]), &r[l], sizeof(Lanes));
}

// Square roots of the 4 lanes with SSE2's packed square root (baseline x86-64, so
// both kernels have it; IEEE-rounded like std::sqrt, without its errno branch).
// (Results through a reference: a function returning a 32-byte vector has an ABI
// that depends on AVX, which GCC warns about even when it is inlined.)
[[gnu::always_inline]] inline void lane_sqrt(const Lanes& v, Lanes& out) {
  const LanePair lo = __builtin_ia32_sqrtpd(LanePair{v[0], v[1]});
  const LanePair hi = __builtin_ia32_sqrtpd(LanePair{v[2], v[3]});
  out = Lanes{lo[0], lo[1], hi[0], hi[1]};
}

// Projects the tets in slots [slot, slot + 4) of x once (slot a multiple of 4): moves
// x.node_position and updates the multipliers. Only the first `tets` lanes are real;
// the others (padding, a copy of the first) are computed and dropped.
// NodeMass: every node's coordinates share one inverse mass, read from the 4th field
// of its position record (XpbdScratch::node_mass_in_positions); otherwise each
// coordinate's comes from x.node_inverse_mass. With equal masses both compute the
// same operations on the same numbers, so they give the same bits (tested).
// Inlined into callers compiled for different instruction sets (xpbd_sweep.cpp).
template <bool NodeMass>
[[gnu::always_inline]] inline void project_tet_batch(XpbdScratch& x, Index slot, Index tets) {
  double* positions = x.node_position.data();
  const double* masses = x.node_inverse_mass.data();
  const std::uint32_t* ids = x.tet_nodes[slot].data();  // ids[4 l + a]: node a of lane l (slots are contiguous)
  Lanes p[4][4];  // [node][x, y, z, and the node's inverse mass (NodeMass) or 0]
  Lanes w[4][3];  // [node][coordinate] inverse masses (not NodeMass)
  for (int a = 0; a < 4; ++a) {
    if constexpr (NodeMass) {
      gather_records<4>(positions, ids[a], ids[4 + a], ids[8 + a], ids[12 + a], p[a]);
    } else {
      gather_records<3>(positions, ids[a], ids[4 + a], ids[8 + a], ids[12 + a], p[a]);
      p[a][3] = Lanes{0, 0, 0, 0};
      gather_records<3>(masses, ids[a], ids[4 + a], ids[8 + a], ids[12 + a], w[a]);
    }
  }
  const auto weight = [&](int a, int i) -> const Lanes& {
    if constexpr (NodeMass) {
      return p[a][3];
    } else {
      return w[a][i];
    }
  };
  const std::uint32_t* r = &x.region[slot];
  Lanes constants[3];  // 1 / (mu h^2), 1 / (lambda h^2), alpha
  gather_records<3>(x.region_constants.data(), r[0], r[1], r[2], r[3], constants);
  const Lanes dev_compliance = constants[0];
  const Lanes vol_compliance = constants[1];
  const Lanes alpha = constants[2];
  Lanes D[3][3];  // D[k][j] = Dm^-1(k, j)
  for (int e = 0; e < 9; ++e) std::memcpy(&D[e % 3][e / 3], &x.Dm_inv[(slot / 4 * 9 + e) * 4], sizeof(Lanes));
  Lanes inverse_volume, lambda_d, lambda_h;
  std::memcpy(&inverse_volume, &x.inverse_volume[slot], sizeof(Lanes));
  std::memcpy(&lambda_d, &x.lambda_deviatoric[slot], sizeof(Lanes));
  std::memcpy(&lambda_h, &x.lambda_volume[slot], sizeof(Lanes));

  // F = Ds Dm^-1, Ds's columns the edges x_k - x_0 (F[j][i]: column j, row i)
  Lanes e[3][3], F[3][3];
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 3; ++i) e[k][i] = p[k + 1][i] - p[0][i];
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) F[j][i] = e[0][i] * D[0][j] + e[1][i] * D[1][j] + e[2][i] * D[2][j];

  // dC/dF: F / |F| for C_D, cof F for C_H (columns f1 x f2, f2 x f0, f0 x f1)
  Lanes norm2 = F[0][0] * F[0][0];
  for (int n = 1; n < 9; ++n) norm2 += F[n / 3][n % 3] * F[n / 3][n % 3];
  Lanes c_d;
  lane_sqrt(norm2, c_d);
  Lanes cof[3][3];
  for (int j = 0; j < 3; ++j) {
    const Lanes* u = F[(j + 1) % 3];
    const Lanes* v = F[(j + 2) % 3];
    cof[j][0] = u[1] * v[2] - u[2] * v[1];
    cof[j][1] = u[2] * v[0] - u[0] * v[2];
    cof[j][2] = u[0] * v[1] - u[1] * v[0];
  }
  const Lanes c_h = F[0][0] * cof[0][0] + F[0][1] * cof[0][1] + F[0][2] * cof[0][2] - alpha;
  // node gradients: dC/dx_a = (dC/dF) Dm^-T e_a for a = 1..3 (g[a - 1][i]), and x_0
  // takes minus their sum. The deviatoric one is kept as f = F Dm^-T e_a, the gradient
  // times |F| = C_D: the 1 / C_D (a square root, then a division: two long latencies
  // in a row) is applied to the sums below instead of to the 12 entries, so the sums
  // need not wait for it
  Lanes gd[4][3], gh[4][3];
  for (int a = 1; a < 4; ++a)
    for (int i = 0; i < 3; ++i) {
      gd[a][i] = F[0][i] * D[a - 1][0] + F[1][i] * D[a - 1][1] + F[2][i] * D[a - 1][2];
      gh[a][i] = cof[0][i] * D[a - 1][0] + cof[1][i] * D[a - 1][1] + cof[2][i] * D[a - 1][2];
    }
  for (int i = 0; i < 3; ++i) {
    gd[0][i] = -(gd[1][i] + gd[2][i] + gd[3][i]);
    gh[0][i] = -(gh[1][i] + gh[2][i] + gh[3][i]);
  }

  // G W G^T, from the sums over f: s_dd = sum w f^2 / C_D^2, s_dh = sum w f g_H / C_D
  const Lanes zero = {0, 0, 0, 0};
  const Lanes one = {1, 1, 1, 1};
  Lanes f_ff = zero, f_fh = zero, s_hh = zero;
  for (int a = 0; a < 4; ++a)
    for (int i = 0; i < 3; ++i) {
      const Lanes wf = weight(a, i) * gd[a][i];
      f_ff += wf * gd[a][i];
      f_fh += wf * gh[a][i];
      s_hh += weight(a, i) * gh[a][i] * gh[a][i];
    }
  // a collapsed tet (F = 0) has no deviatoric direction: its C_D gradient is taken as
  // zero (and 1 / 0 is never computed: the tests trap division by zero)
  const auto collapsed = c_d > zero;
  const Lanes inv_c_d = collapsed ? one / (collapsed ? c_d : one) : zero;
  const Lanes s_dd = f_ff * inv_c_d * inv_c_d;
  const Lanes s_dh = f_fh * inv_c_d;
  const Lanes a_d = dev_compliance * inverse_volume;
  const Lanes a_h = vol_compliance * inverse_volume;
  const Lanes b_d = -c_d - a_d * lambda_d;
  const Lanes b_h = -c_h - a_h * lambda_h;
  // the 2x2 matrix is G W G^T (semi-definite) plus a positive diagonal: det > a_d a_h > 0
  const Lanes m11 = s_dd + a_d;
  const Lanes m22 = s_hh + a_h;
  const Lanes inv_det = one / (m11 * m22 - s_dh * s_dh);
  const Lanes dl_d = (m22 * b_d - s_dh * b_h) * inv_det;
  const Lanes dl_h = (m11 * b_h - s_dh * b_d) * inv_det;
  lambda_d += dl_d;
  lambda_h += dl_h;
  std::memcpy(&x.lambda_deviatoric[slot], &lambda_d, sizeof(Lanes));  // padding lanes own their slots
  std::memcpy(&x.lambda_volume[slot], &lambda_h, sizeof(Lanes));

  // x += W G^T dl, the real lanes only (a padding lane would move its copy's nodes again)
  const Lanes step_f = dl_d * inv_c_d;  // dl_D times the gradient is step_f times f
  Lanes moved[4][4];
  for (int a = 0; a < 4; ++a) {
    for (int i = 0; i < 3; ++i) moved[a][i] = p[a][i] + weight(a, i) * (step_f * gd[a][i] + dl_h * gh[a][i]);
    moved[a][3] = p[a][3];
  }
  for (int a = 0; a < 4; ++a) scatter_records(moved[a], ids + a, tets, positions);
}

}  // namespace backsim
