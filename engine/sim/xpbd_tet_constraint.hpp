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

// Projects the tets in slots [slot, slot + 4) of x once (slot a multiple of 4): moves
// q (3 N positions) and updates the multipliers. Only the first `tets` lanes are
// real; the others (padding, a copy of the first) are computed and dropped.
// Inlined into callers compiled for different instruction sets (xpbd_sweep.cpp).
[[gnu::always_inline]] inline void project_tet_batch(XpbdScratch& x, Index slot, Index tets, double* q) {
  const double* m = x.inverse_mass.data();
  const std::uint32_t* n0 = x.tet_nodes[slot].data();
  const std::uint32_t* n1 = x.tet_nodes[slot + 1].data();
  const std::uint32_t* n2 = x.tet_nodes[slot + 2].data();
  const std::uint32_t* n3 = x.tet_nodes[slot + 3].data();
  // each vector built whole from its 4 lanes (element-wise stores would go through the stack)
  Lanes p[4][3], w[4][3];  // [node][coordinate] positions, inverse masses
  for (int a = 0; a < 4; ++a)
    for (int c = 0; c < 3; ++c) {
      p[a][c] = Lanes{q[3 * n0[a] + c], q[3 * n1[a] + c], q[3 * n2[a] + c], q[3 * n3[a] + c]};
      w[a][c] = Lanes{m[3 * n0[a] + c], m[3 * n1[a] + c], m[3 * n2[a] + c], m[3 * n3[a] + c]};
    }
  const std::uint32_t* r = &x.region[slot];
  const double* dc = x.region_deviatoric_compliance.data();
  const double* vc = x.region_volume_compliance.data();
  const double* rv = x.region_rest_volume.data();
  const Lanes dev_compliance{dc[r[0]], dc[r[1]], dc[r[2]], dc[r[3]]};
  const Lanes vol_compliance{vc[r[0]], vc[r[1]], vc[r[2]], vc[r[3]]};
  const Lanes alpha{rv[r[0]], rv[r[1]], rv[r[2]], rv[r[3]]};
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
  // one square root per tet: not worth an instruction-set-specific vector form
  const Lanes c_d{std::sqrt(norm2[0]), std::sqrt(norm2[1]), std::sqrt(norm2[2]), std::sqrt(norm2[3])};
  Lanes cof[3][3];
  for (int j = 0; j < 3; ++j) {
    const Lanes* u = F[(j + 1) % 3];
    const Lanes* v = F[(j + 2) % 3];
    cof[j][0] = u[1] * v[2] - u[2] * v[1];
    cof[j][1] = u[2] * v[0] - u[0] * v[2];
    cof[j][2] = u[0] * v[1] - u[1] * v[0];
  }
  const Lanes c_h = F[0][0] * cof[0][0] + F[0][1] * cof[0][1] + F[0][2] * cof[0][2] - alpha;
  // a collapsed tet (F = 0) has no deviatoric direction: its C_D gradient is taken as
  // zero (and 1 / 0 is never computed: the tests trap division by zero)
  const Lanes zero = {0, 0, 0, 0};
  const Lanes one = {1, 1, 1, 1};
  const auto collapsed = c_d > zero;
  const Lanes inv_c_d = collapsed ? one / (collapsed ? c_d : one) : zero;

  // node gradients: dC/dx_a = (dC/dF) Dm^-T e_a for a = 1..3 (g[a - 1][i]), and x_0
  // takes minus their sum
  Lanes gd[4][3], gh[4][3];
  for (int a = 1; a < 4; ++a)
    for (int i = 0; i < 3; ++i) {
      gd[a][i] = inv_c_d * (F[0][i] * D[a - 1][0] + F[1][i] * D[a - 1][1] + F[2][i] * D[a - 1][2]);
      gh[a][i] = cof[0][i] * D[a - 1][0] + cof[1][i] * D[a - 1][1] + cof[2][i] * D[a - 1][2];
    }
  for (int i = 0; i < 3; ++i) {
    gd[0][i] = -(gd[1][i] + gd[2][i] + gd[3][i]);
    gh[0][i] = -(gh[1][i] + gh[2][i] + gh[3][i]);
  }

  // G W G^T
  Lanes s_dd = zero, s_dh = zero, s_hh = zero;
  for (int a = 0; a < 4; ++a)
    for (int i = 0; i < 3; ++i) {
      const Lanes wd = w[a][i] * gd[a][i];
      s_dd += wd * gd[a][i];
      s_dh += wd * gh[a][i];
      s_hh += w[a][i] * gh[a][i] * gh[a][i];
    }
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
  Lanes moved[4][3];
  for (int a = 0; a < 4; ++a)
    for (int i = 0; i < 3; ++i) moved[a][i] = p[a][i] + w[a][i] * (dl_d * gd[a][i] + dl_h * gh[a][i]);
  for (Index l = 0; l < tets; ++l) {
    const std::array<std::uint32_t, 4>& nodes = x.tet_nodes[slot + l];
    for (int a = 0; a < 4; ++a)
      for (int c = 0; c < 3; ++c) q[3 * nodes[a] + c] = moved[a][c][l];
  }
}

}  // namespace backsim
