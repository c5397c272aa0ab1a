// The memory of the XPBD solver (xpbd_step.cpp), sized once when the scratch is
// made: element data in colour order, the constraints' multipliers, the sub-step's
// start and the contact points near the tool. Empty unless solver.method = xpbd.
//
// Layout: a sweep visits the tets colour by colour (Model::tet_colouring), four at a
// time (xpbd_tet_constraint.hpp), so the element data it streams are stored in that
// order in slots: each colour's range is padded to a multiple of 4 slots, and a
// padding slot repeats the first tet of its batch of 4 (valid numbers, so the lanes
// that are thrown away raise no floating-point exception). Dm^-1 is stored
// lane-interleaved ([batch][9 entries][4 lanes]) so a batch loads each entry as one
// vector. Per tet a sweep reads 16 B of node ids, 72 B of Dm^-1, 8 B of 1 / volume,
// 4 B of region and reads and writes 16 B of multipliers (the bandwidth floor,
// docs/solvers.md); positions and inverse masses are gathered per node.
//
// Node data are records of 4 doubles (x, y, z, and the node's inverse mass or 0:
// node_mass_in_positions): a batch loads each of its 4 tets' nodes with one 32-byte
// load and transposes the 4 records into x, y, z (and mass) vectors, and stores
// them back the same way, where 3-double records would take 12 scalar loads and 12
// scalar stores per node slot of a batch (measured in docs/solvers.md). The sub-step
// copies the state's positions into these records at its start and back at its end.
#pragma once

#include "engine/core/types.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace backsim {

struct Model;

// The machine code a sweep runs (xpbd_sweep.cpp). Both compute the same operations
// in the same order (no fused multiply-add), so they give bit-identical results and
// the choice, made once per scratch from the CPU, never depends on the thread count.
enum class XpbdKernel {
  generic,  // SSE2 pairs: any x86-64
  avx2,     // 4 doubles per instruction, where the CPU has AVX2
  avx512,   // the same 4-double instructions with AVX-512VL's 32 vector registers
};

struct XpbdScratch {
  // element data in colour order, padded (read-only after make_xpbd_scratch)
  XpbdKernel kernel = XpbdKernel::generic;              // what sweep_tets runs (tests may pick generic)
  std::vector<std::array<std::uint32_t, 4>> tet_nodes;  // [tet slot] node ids
  std::vector<double> Dm_inv;                           // [tet slot / 4][9][4] Dm^-1 (column-major entries), 1/m
  std::vector<double> inverse_volume;                   // [tet slot] 1 / reference volume, 1/m^3
  std::vector<std::uint32_t> region;                    // [tet slot] material region
  std::vector<Index> colour_offsets;                    // [colours + 1] slot range of each colour (multiples of 4)
  std::vector<Index> colour_tets;                       // [colours] tets of each colour (the rest is padding)
  std::vector<double> node_inverse_mass;                // [N][4] dof_free / lumped mass per coordinate, 0; 1/kg (0: held)
  // Whether every node is held in all its coordinates or in none (no rollers): then a
  // node has one inverse mass, kept as the 4th field of its position record, and a
  // sweep reads it from there instead of gathering node_inverse_mass (4 records
  // fewer per node slot of a batch, and 8 vectors fewer held in registers).
  bool node_mass_in_positions = false;
  // s, the longest sub-step XPBD takes: the time a shear wave needs to cross a mean
  // element edge, l / sqrt(mu / rho) (fastest region, mean density). Beyond it the
  // sweeps' fixed point drifts from backward Euler (the shear is carried by the
  // constraint gradients' turning, docs/solvers.md), so a step takes more sub-steps
  // than solver.xpbd_substeps when dt / xpbd_substeps is longer.
  double longest_substep = 0;
  // per sub-step
  std::vector<double> node_position;      // [N][4] the positions the sweeps and contacts move, m; then the
                                          // node's inverse mass if node_mass_in_positions, else 0
  std::vector<double> lambda_deviatoric;  // [tet slot] multiplier of C_D = sqrt(I_C), reset each sub-step
  std::vector<double> lambda_volume;      // [tet slot] multiplier of C_H = J - alpha
  std::vector<double> q_substep_start;    // [3 N] positions at the sub-step's start, m
  // per region, per sub-step, a record of 4 doubles loaded whole like a node's:
  // 1 / (mu h^2) (1/(Pa s^2)), 1 / (lambda h^2), alpha = 1 + mu / lambda, 0
  std::vector<double> region_constants;  // [region][4]
  // contact points that may touch the tool during the sub-step, in index order
  std::vector<std::uint8_t> contact_near;  // [contact point] 1 if within the margin of the tool
  std::vector<Index> contact_candidates;   // [contact points], first contact_candidate_count used
  Index contact_candidate_count = 0;
  std::vector<double> contact_lambda;     // [contact point] normal multiplier (>= 0), N s^2
  std::vector<Vec3> friction_lambda;      // [contact point] tangential multiplier, N s^2
  std::vector<Vec3> contact_start;        // [contact point] position at the sub-step's start, m
};

// Sizes and fills the XPBD scratch for `model`. Throws InvalidInput when the model
// has what the XPBD solver does not support (fibres, viscosity), naming what it does.
XpbdScratch make_xpbd_scratch(const Model& model);

// Copies the 3 N node coordinates of q into x.node_position's records, and back.
void load_xpbd_positions(std::span<const double> q, XpbdScratch& x);
void store_xpbd_positions(const XpbdScratch& x, std::span<double> q);

}  // namespace backsim
