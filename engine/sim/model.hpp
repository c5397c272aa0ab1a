// The immutable model of a simulation: mesh, materials, boundary conditions, tool,
// solver settings and every precomputed table. Built once, never changed by a step.
//
// Unknowns: the 3 N node positions followed by one tool unknown, the tool depth s
// (m along the press axis -z): dof index 3 N. In kinematic control the depth is
// prescribed and the tool dof is held; in force control it is free.
#pragma once

#include "engine/contact/contact_surface.hpp"
#include "engine/contact/tool_motion.hpp"
#include "engine/contact/tool_shape.hpp"
#include "engine/material/tissue_material.hpp"
#include "engine/mesh/boundary_surface.hpp"
#include "engine/mesh/element_colouring.hpp"
#include "engine/mesh/tet_mesh.hpp"
#include "engine/physiology/circulation.hpp"
#include "engine/physiology/muscle_tone.hpp"
#include "engine/sim/simulation_spec.hpp"
#include "engine/solver/block_sparse_matrix.hpp"

#include <vector>

namespace backsim {

// What a model is built from: any tet mesh with materials and held nodes.
struct ModelInputs {
  TetMesh mesh;
  std::vector<MaterialParams> region_material;  // [region count] material of each region id
  std::vector<Index> held_nodes;                // nodes held at their reference position
  std::vector<Index> held_dofs;                 // single coordinates held (3 node + axis): rollers, symmetry planes
  std::vector<Index> skin_nodes;                // boundary nodes tools may touch; empty: every boundary node not held
  // physiology (engine/physiology): fibres come with the mesh (TetMesh::fibre)
  std::vector<double> rest_activation;          // [tet] resting tone in [0, 1]; empty: 0
  std::vector<ToneParams> region_tone;          // [region] tone law; empty: tone stays at rest
  std::vector<VascularParams> region_vascular;  // [region] vascular compartment; empty: no circulation
  ToolSpec tool;
  std::vector<ToolSpec> other_tools;            // tools 1, 2, ... (MotionSpec::tool)
  MotionSpec motion;
  std::vector<MotionSpec> following;            // strokes after `motion` (ToolMotion)
  std::vector<ZoneSpec> zones;                  // skin areas whose load is reported (zone_load.hpp)
  SolverSettings solver;
  OutputSettings output;
};

// Inputs for the rectangular block of SimulationSpec::geometry.
ModelInputs block_model_inputs(const SimulationSpec& spec);

struct Model {
  // geometry and materials
  TetMesh mesh;
  BoundarySurface surface;
  std::vector<TetElement> elements;          // [tet] reference shape (Dm^-1, volume)
  std::vector<TissueMaterial> materials;     // [region] constitutive parameters
  std::vector<Vec3> fibre;                   // [tet] unit reference fibre, zero: none; empty: no fibres at all
  std::vector<double> rest_activation;       // [tet] resting tone; empty: no tone anywhere
  std::vector<double> reference_tension;     // [tet] T0, Pa (tissue_material.hpp); empty with rest_activation
  std::vector<ToneParams> tone;              // [region] tone law; empty: tone stays at rest
  CirculationModel circulation;              // element_region empty: no circulation
  std::vector<double> region_fibre_length;   // [region] extent along the region's mean fibre, m (0: no fibres)
  bool viscous = false;                      // any region viscoelastic
  std::vector<double> node_mass;             // [node] lumped mass, kg
  // boundary conditions
  std::vector<std::uint8_t> node_held;       // [node] 1 when all three coordinates are held
  std::vector<Vec3> rest_surface_points;     // [free surface nodes] reference positions the tool rests on
  std::vector<Index> bone_nodes;             // held nodes on the boundary (where bone holds the tissue)
  std::vector<Vec3> bone_area_normal;        // [bone node] area share times the unit normal out of the tissue, m^2
  std::vector<double> dof_free;              // [3 N + 1] 1 free, 0 held (last: tool depth)
  // precomputed tables for parallel assembly
  ElementColouring tet_colouring;
  BlockSparsePattern pattern;
  std::vector<Index> tet_blocks;             // [tet * 16] block of node pair (a, b)
  ContactQuadrature contact;
  std::vector<Index> contact_tri_blocks;     // [surface tri * 9] block of node pair (a, b)
  std::vector<double> contact_stiffness;     // [contact point] penalty per unit penetration, Pa/m
  // where a surface triangle's friction power goes (circulation): tets of its region
  // around it, at one power density (model.cpp, build_friction_heat_tables)
  std::vector<Index> friction_heat_offset;   // [surface tri + 1] into friction_heat_tets
  std::vector<Index> friction_heat_tets;
  std::vector<double> friction_heat_inverse_volume;  // [surface tri] 1 / their total volume, 1/m^3
  // marked skin zones (zone_load.hpp)
  std::vector<ZoneSpec> zones;
  std::vector<std::int32_t> contact_point_zone;  // [contact point] zone whose area holds it, -1: none
  // tools and motion: tool k is used by the strokes with MotionSpec::tool = k
  std::vector<ToolSpec> tool_specs;
  std::vector<ToolGeometry> tools;
  ToolMotion motion{MotionSpec{}};
  // settings and scales
  SolverSettings solver;
  OutputSettings output;
  double duration = 0;            // s, end of the simulation
  double mean_edge_length = 0;    // m
  double reference_modulus = 0;   // Pa, largest Young's modulus
  double force_tolerance = 0;     // N, Newton stops when every residual force is below
  double tool_regularisation = 0; // N/m, added to the tool-depth Hessian only (see newton)

  bool tone_dynamics() const { return !tone.empty(); }
  bool has_circulation() const { return circulation.element_count() > 0; }
  Index node_count() const { return mesh.node_count(); }
  Index dof_count() const { return 3 * mesh.node_count() + 1; }
  Index tool_dof() const { return 3 * mesh.node_count(); }
  bool any_friction() const;  // some tool has a friction coefficient above zero
};

Model build_model(ModelInputs inputs);

}  // namespace backsim
