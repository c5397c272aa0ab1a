// Everything a step changes, and the scratch memory it works in.
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/preconditioner.hpp"
#include "engine/sim/two_level_preconditioner.hpp"
#include "engine/sim/xpbd_scratch.hpp"
#include "engine/solver/block_sparse_matrix.hpp"
#include "engine/solver/pcg.hpp"

#include <memory>
#include <vector>

namespace backsim {

class BulletWorld;  // engine/bullet/bullet_world.hpp (solver.method = bullet)

// The tissue's slow state and history, per element (see engine/sim/tissue_update.hpp).
struct TissueState {
  std::vector<double> activation;         // [tet] tone a; empty: a model without tone
  std::vector<double> stimulus_dose;      // [tet] accumulated |change| of deviatoric strain energy, J/m^3
  std::vector<double> deviatoric_energy;  // [tet] psi_dev at the last step, J/m^3
  std::vector<double> pressure;           // [tet] hydrostatic pressure -tr(sigma)/3 at the last step, Pa
  std::vector<Mat3> drive_stress;         // [tet] S_d at the last step (viscous models), Pa
  std::vector<Mat3> overstress;           // [tet * kMaxPronyTerms] Q_i (viscous models), Pa
};

// What a run has delivered so far.
// The tool's load on one marked zone (zone_load.hpp), over the run so far.
struct ZoneLoad {
  double peak_force = 0;     // N, largest total contact force on the zone in a step
  double peak_pressure = 0;  // Pa, largest contact pressure at a point of the zone
  double impulse = 0;        // N s, contact force integrated over time
  double contact_time = 0;   // s, time with any contact in the zone
};

struct RunTotals {
  double therapist_work = 0;      // J, positive work of the tool on the tissue
  double net_work = 0;            // J, work of the tool, negative parts included
  double peak_bone_pressure = 0;  // Pa, largest normal pressure on held (bone) surface
  double peak_principal_strain = 0;  // largest principal Green-Lagrange strain in any element
  std::vector<ZoneLoad> zones;       // [model zone]
};

struct State {
  double time = 0;                  // s
  std::int64_t step = 0;            // steps taken
  std::vector<double> q;            // [3 N + 1] node positions (m), then tool depth s (m)
  std::vector<double> velocity;     // [3 N + 1] m/s (dynamic integration)
  Vec3 tool_position{0, 0, 0};      // m, reference point of the tool at `time`
  Vec3 tool_force{0, 0, 0};         // N, force of the tissue on the tool at `time`
  double tool_release_depth = 0;    // m, the solved tool depth of the last force-controlled step (a lift starts there)
  TissueState tissue;
  CirculationState circulation;  // empty without circulation
  RunTotals totals;
};

State initial_state(const Model& model);

// Per-step constants of the incremental potential (filled at the start of a step).
struct StepTargets {
  double time = 0;             // s, end of the step
  double dt = 0;               // s
  Eigen::Vector2d tool_xy{0, 0};  // m, tool reference point over the surface
  double tool_rest_height = 0;    // m, height of the reference point resting on the undeformed skin
  double force_target = 0;     // N (force control)
  const MotionSpec* stroke = nullptr;  // the active stroke (control, depth limit)
  const ToolGeometry* tool = nullptr;  // the active stroke's tool (Model::tools)
  const ToolSpec* tool_spec = nullptr;
  Vec3 tool_position_start{0, 0, 0};  // m, tool position at the start of the step
};

// What the tissue's slow processes feel over one step: the part of the mechanical
// solution that drives stimulus, tone, viscous memory and circulation. Kept apart
// so that a stroke cycle can be replayed without re-solving it (cycle_jump.hpp).
struct TissueForcing {
  double h = 0;                                // s, the step's length
  std::vector<double> stimulus;                // [tet] |change of deviatoric energy density| over the step, J/m^3
  std::vector<double> pressure;                // [tet] tissue pressure at the step's end, Pa, compression > 0
  std::vector<Mat3> drive_stress;              // [tet] viscous drive S_d at the step's end, Pa (viscous models)
  std::vector<double> friction_power_density;  // [tet] friction power per tissue volume, W/m^3 (circulation)
};

TissueForcing make_tissue_forcing(const Model& model);

// Scratch memory, sized once for a model: a step allocates nothing.
struct Scratch {
  // [dofs] 1 free, 0 held: the model's mask (Model::dof_free) with the tool depth
  // set per step (a force-controlled tool is held while it is lifted or carried).
  std::vector<double> dof_free;
  std::vector<double> q_start;      // [dofs] state at the start of the step
  std::vector<double> zone_force;   // [zone] the step's contact force on each marked zone, N
  std::vector<double> q_inertial;   // [dofs] inertial target q_n + h v_n
  std::vector<double> q_trial;      // [dofs] line-search trial point
  std::vector<double> gradient;     // [dofs]
  std::vector<double> direction;    // [dofs] Newton direction
  std::vector<double> rhs;          // [dofs]
  std::vector<double> tet_energy;   // [tets]
  std::vector<double> partials;     // [reduction chunks of the largest array]
  BlockSparseMatrix hessian;        // node-node blocks
  std::vector<double> tool_coupling;  // [3 N] Hessian column of the tool depth
  double tool_diagonal = 0;           // Hessian entry of the tool depth
  std::vector<Mat3> preconditioner;   // [nodes] inverse diagonal blocks
  double tool_preconditioner = 0;
  CholeskyPreconditioner cholesky;    // sparse factor (solver.preconditioner = cholesky)
  TwoLevelPreconditioner two_level;   // solver.preconditioner = two_level
  PcgScratch pcg;
  // contact, per quadrature point
  std::vector<double> contact_phi;     // signed distance at the point, m
  std::vector<Vec3> contact_normal;    // tool normal at the point
  std::vector<double> friction_normal_force;  // lagged normal force, N
  std::vector<double> friction_normal_before; // the lag a re-lag replaced (its change ends the passes), N
  std::vector<Vec3> friction_t1, friction_t2; // lagged tangent basis
  std::vector<Vec3> contact_point_start;      // point position at the step start, m
  // tissue constants of the step (tissue_update.hpp)
  std::vector<StableNeoHookean> step_matrix;  // [region] isotropic matrix incl. instantaneous overstress
  std::vector<Mat3> step_overstress;          // [tet] H, remembered overstress (viscous models)
  std::vector<double> friction_power;         // [contact point] friction power of the step, W
  TissueForcing forcing;                      // the step's drive of the slow processes
  std::vector<double> vessel_pressure;        // [tet] tissue pressure the vessels feel (>= 0), Pa
  CirculationScratch circulation;
  XpbdScratch xpbd;  // solver.method = xpbd only (xpbd_scratch.hpp); empty otherwise
  // Bullet's world (solver.method = bullet), built at the first Bullet step: nodes are
  // copied in from the State every step, so the world holds no state of its own
  // beyond a step and copies of this Scratch may share it (one thread at a time).
  std::shared_ptr<BulletWorld> bullet;
};

Scratch make_scratch(const Model& model);

}  // namespace backsim
