// What the engine is asked to simulate, in SI units, already validated.
//
// The scenario layer (scenarios/) reads files, checks every value and fills these
// structs; the engine trusts them and only asserts.
#pragma once

#include "engine/core/types.hpp"
#include "engine/physiology/muscle_tone.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace backsim {

// A rectangular block of tissue meshed by the structured block mesher.
// Reference frame: x lateral, y cranial, z posterior (out of the skin); the block
// spans [-size.x/2, size.x/2] x [-size.y/2, size.y/2] x [-size.z, 0], so z = 0 is
// the skin surface and z = -size.z the bone side.
struct BlockGeometry {
  Vec3 size{0.20, 0.15, 0.04};          // m
  std::array<Index, 3> cells{20, 15, 6};  // hexahedral cells per axis, 6 tets each
  // Geometric grading toward the top centre (where tools press): 1 = uniform;
  // r > 1 makes the cells at the top centre r times smaller than the largest cells.
  double grading = 1.0;
};

// One term of a Prony series: the fraction g of the instantaneous modulus that
// relaxes with time constant tau.
struct PronyTerm {
  double weight = 0;  // g, in [0, 1); sum over terms < 1
  double time = 1;    // tau, s
};
inline constexpr int kMaxPronyTerms = 2;

// Parameters of a tissue (engine/material/tissue_material.hpp). E and nu are the
// instantaneous small-strain moduli of the isotropic matrix; fibre terms act only in
// elements with a fibre direction.
struct MaterialParams {
  double youngs_modulus = 20e3;  // Pa
  double poisson_ratio = 0.45;   // -
  double density = 1050.0;       // kg/m^3
  // passive fibre (Blemker 2005): nominal stress P1 (exp(P2 (lambda - 1)) - 1), linear past lambda*
  double fibre_scale = 0;             // P1, Pa; 0: no passive fibre term
  double fibre_exponent = 0;          // P2, -
  double fibre_linear_stretch = 1.4;  // lambda*
  // active fibre: a sigma_max f_L(lambda / lambda_opt), a the element's tone
  double max_active_stress = 0;       // sigma_max, Pa; 0: not contractile
  double optimal_fibre_stretch = 1.0; // lambda_opt
  // quasi-linear viscoelasticity of the matrix's shape change
  std::array<PronyTerm, kMaxPronyTerms> prony{};
};

enum class MaterialModel : std::uint8_t { stable_neo_hookean };

// Which faces of the block are held (the bone side is always the bottom).
struct BoundarySpec {
  bool fix_bottom = true;
  bool fix_sides = false;
};

enum class ToolShape : std::uint8_t { sphere, capsule, box };
enum class ToolControl : std::uint8_t {
  kinematic,  // the tool's position follows the path and the depth profile
  force,      // the tool follows the path in the surface plane; its depth is free and
              // its normal force tracks the target (depth is an outcome)
};

struct ToolSpec {
  ToolShape shape = ToolShape::sphere;
  double radius = 0.03;                 // m: sphere, capsule; corner radius of a box
  double length = 0.0;                  // m: capsule segment length (between cap centres)
  Vec3 half_extents{0.04, 0.02, 0.01};  // m: box half extents (before rounding)
  Vec3 axis{1.0, 0.0, 0.0};             // unit: capsule axis / box local x, in the surface plane
  double friction = 0.3;                // Coulomb coefficient, tool on skin
  double mass = 0.5;                    // kg: inertia of the tool in force control (dynamic)
  // N s/m: damping of the tool's press motion in force control (dynamic): the
  // therapist's arm is not a free mass. Human arm endpoint viscosity is about
  // 5-30 N s/m in maintained postures (Tsuji et al. 1995, Biol Cybern 72:475).
  double damping = 20.0;
};

// An in-plane movement added to the path while the tool is pressed (hold and glide):
// small circles or a back-and-forth line (friction strokes).
enum class PathOscillation : std::uint8_t { none, circle, line };

// Press, hold, glide. The tool starts touching the undeformed surface (z = 0) above
// path[0] and moves along the press axis -z.
struct MotionSpec {
  ToolControl control = ToolControl::kinematic;
  std::vector<std::array<double, 2>> path{{0.0, 0.0}};  // m, (x, y) polyline on the surface
  double press_depth = 0.01;   // m: kinematic depth reached after press_time
  double normal_force = 10.0;  // N: force-control target reached after press_time
  double max_depth = 0.03;     // m: force control never pushes the tool deeper
  double press_time = 0.5;     // s
  double hold_time = 0.0;      // s
  double speed = 0.1;          // m/s along the path
  // Repeated strokes (engine/contact/tool_motion.hpp): with release_time > 0 every
  // stroke ends by lifting the tool lift_height off the skin and carrying it back to
  // the path's start, and the stroke is made `repetitions` times. With release_time
  // = 0 the tool stays pressed at the path's end (one stroke).
  int repetitions = 1;
  double start_time = 0.0;     // s the tool waits at the path's start (lifted if released) before the first press
  double release_time = 0.0;   // s
  double lift_height = 0.02;   // m above the skin while the tool returns
  // The tool of this stroke: 0 = SimulationSpec::tool, k = SimulationSpec::other_tools[k - 1].
  // A stroke after a released one may change tools (the hand changes while lifted).
  int tool = 0;
  // In-plane oscillation from the hold's start to the glide's end (see PathOscillation):
  // a circle of radius `amplitude` through the path point, or a line of half travel
  // `amplitude` along `oscillation_axis`, `oscillation_frequency` times a second.
  PathOscillation oscillation = PathOscillation::none;
  double oscillation_amplitude = 0.0;       // m
  double oscillation_frequency = 0.0;       // Hz
  std::array<double, 2> oscillation_axis{1.0, 0.0};  // unit, in the surface plane
  // Percussion (kinematic only): from the hold's start to the glide's end the tool
  // rises percussion_amplitude above its pressed depth and strikes back down,
  // percussion_frequency times a second (tapotement; vibration at small amplitude).
  double percussion_amplitude = 0.0;  // m
  double percussion_frequency = 0.0;  // Hz
};

// A marked area of the skin whose load is reported (an injury, the spine): a circle
// or an axis-aligned rectangle in the surface plane, over the reference skin.
enum class ZoneShape : std::uint8_t { circle, rectangle };
struct ZoneSpec {
  std::string name;
  ZoneShape shape = ZoneShape::circle;
  std::array<double, 2> centre{0.0, 0.0};       // m, (x, y)
  double radius = 0.0;                          // m (circle)
  std::array<double, 2> half_size{0.0, 0.0};    // m, half widths along x and y (rectangle)

  bool contains(double x, double y) const {
    const double dx = x - centre[0], dy = y - centre[1];
    if (shape == ZoneShape::circle) return dx * dx + dy * dy <= radius * radius;
    return std::abs(dx) <= half_size[0] && std::abs(dy) <= half_size[1];
  }
};

enum class TimeIntegration : std::uint8_t { quasi_static, backward_euler };

// The preconditioner of the CG solve of each Newton iteration (engine/sim/preconditioner.hpp).
// Measured (docs/engine.md): cholesky is 1.6-1.7x faster per step on the coarse back
// (200:1 stiffness contrast), but slower on the standard back and on homogeneous
// blocks, where refactoring every step costs more than block Jacobi's extra CG;
// two_level was the fastest in every back run measured (1.03-1.8x block Jacobi).
enum class Preconditioner : std::uint8_t {
  block_jacobi,  // inverse 3x3 node blocks: no setup, many CG iterations on stiff layers
  cholesky,      // sparse L D L^T of the Hessian, kept across a step's Newton iterations
  two_level,     // strongly coupled node groups plus a coarse correction (two_level_preconditioner.hpp)
};

// How a step is solved (engine/sim/method_steps.hpp). Newton minimises the step's
// incremental potential; the others integrate the same tissue, tools and contact
// their own way, for speed (docs/solvers.md says what each costs and where it errs).
enum class SolverMethod : std::uint8_t {
  newton,            // projected Newton-PCG on the incremental potential (quasi-static or backward Euler)
  explicit_central,  // central differences (explicit dynamics) in stable sub-steps: impacts
  xpbd,              // extended position-based dynamics (Macklin et al. 2016) in sub-steps: fast, converges with iterations
  bullet,            // Bullet's deformable world (engine/bullet/): the same scenario in another engine, to compare
};

struct SolverSettings {
  SolverMethod method = SolverMethod::newton;
  TimeIntegration integration = TimeIntegration::quasi_static;
  double time_step = 0.01;          // s
  double duration = 0.0;            // s; 0 = until the motion ends
  Vec3 gravity{0.0, 0.0, -9.81};    // m/s^2
  int max_newton_iterations = 50;
  double newton_tolerance = 1e-6;   // residual force relative to E h^2 (h: mean edge)
  int max_cg_iterations = 2000;
  double cg_tolerance = 1e-8;       // floor of the relative CG residual
  Preconditioner preconditioner = Preconditioner::block_jacobi;
  double contact_stiffness_scale = 100.0;  // penalty = scale * E / h_surface
  double friction_velocity = 1e-3;  // m/s: regularisation of static friction
  // Newton's friction is lagged (the normal forces and slip directions of a known
  // state): solved again with the lag re-taken from the solution, at most
  // friction_passes times in all, until a re-lag moves the normal forces by less
  // than friction_lag_tolerance (summed change over the points, relative to the
  // total). Two passes at most, or the change of the total as the measure, left the
  // stepped tone of a circling friction stroke 2.9 % of its relief from the
  // converged lag (a shifting patch keeps its total); these defaults leave 0.17 %
  // for a third more Newton iterations (the toned block, circling; docs/engine.md.
  // tests/engine/test_cycle_jump.cpp bounds the straight strokes' lag error).
  int friction_passes = 10;              // >= 1; a cap, the tolerance ends the passes
  double friction_lag_tolerance = 1e-2;  // summed change of the normal forces, relative
  // Cycle jumps over repeated strokes (engine/sim/cycle_jump.hpp).
  bool cycle_jump = false;
  double cycle_jump_tolerance = 0.01;  // largest change of the slow state's stiffness between solved cycles, relative
  int max_jumped_cycles = 100;         // cycles replayed between two solved cycles, at most
  // With cycle jumps, a solved cycle whose hold repeats a period (friction circles)
  // solves its first `solved_periods` periods (the first carries the press's
  // transient) and replays the last of them over the next while the slow state stays
  // within cycle_jump_tolerance (simulation.cpp). 0: every period solved.
  int solved_periods = 2;
  // Dynamic methods other than Newton (explicit, ...): mass-proportional (Rayleigh)
  // damping c = alpha m, the tissue's viscous loss that quiets ringing of the mesh.
  double mass_damping = 0.0;           // alpha, 1/s
  double explicit_safety = 0.9;        // fraction of the stable time step an explicit sub-step takes
  // XPBD (engine/sim/xpbd_step.cpp): a step is xpbd_substeps sub-steps of dt / xpbd_substeps,
  // each xpbd_iterations Gauss-Seidel sweeps over all constraints. More iterations move
  // a sub-step towards its backward-Euler solution; more sub-steps shrink the time
  // discretisation error and the multipliers' linearisation error (docs/solvers.md).
  // A step takes more sub-steps where dt / xpbd_substeps is longer than a shear wave's
  // crossing of an element (XpbdScratch::longest_substep).
  int xpbd_substeps = 10;    // [1, 10000]
  int xpbd_iterations = 20;  // [1, 10000]
  // solver.method = bullet (engine/bullet/bullet_world.hpp): Bullet's own sub-step
  // (backward Euler; 1/480 s ran stable at 20k tets where 1/240 s blew up in the drag)
  // and the stiffness-proportional damping of its Neo-Hookean force (damping stress
  // = bullet_damping times the elastic stress rate).
  double bullet_time_step = 1.0 / 480.0;  // s
  double bullet_damping = 0.002;          // s
};

struct OutputSettings {
  double interval = 0.05;  // s between frames; every step's tool and solver data are kept
};

// The tissue's slow processes (engine/physiology). They act where the model has
// what they need: tone in elements with active fibres and a resting tone (the
// procedural back's muscles), circulation where regions have vascular parameters.
struct PhysiologySettings {
  bool tone = true;         // muscle tone responds to massage (else it stays at rest)
  bool circulation = true;  // vascular compartments
  ToneParams tone_law;      // the tone law of every muscle (engine/physiology/muscle_tone.hpp)
};

struct RunSettings {
  int threads = 0;          // 0 = OpenMP default
  std::uint64_t seed = 1;   // random streams derive from (seed, entity id)
};

struct SimulationSpec {
  BlockGeometry geometry;
  MaterialModel material_model = MaterialModel::stable_neo_hookean;
  MaterialParams material;
  BoundarySpec boundary;
  ToolSpec tool;
  std::vector<ToolSpec> other_tools;  // tools 1, 2, ... of strokes that change tools (MotionSpec::tool)
  MotionSpec motion;
  std::vector<MotionSpec> following;  // strokes made after `motion`, in order ([[motion.then]])
  std::vector<ZoneSpec> zones;         // skin areas whose load is reported
  SolverSettings solver;
  OutputSettings output;
  PhysiologySettings physiology;
  RunSettings run;
};

}  // namespace backsim
