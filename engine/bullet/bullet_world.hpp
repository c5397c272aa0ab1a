// Bullet's deformable world built from a Model (solver.method = bullet): the same
// mesh, masses, held nodes, gravity, tissue and tool, in Bullet's own pipeline
// (btDeformableMultiBodyDynamicsWorld, implicit, contact by projection).
//
// The world is rebuilt from nothing but the Model; a step copies the State's nodes
// in and out (bullet_step.cpp), so results depend on the State alone and runs can
// resume from checkpoints.
//
// What maps how (details and reasons in bullet_world.cpp):
//   tets, nodes         one btSoftBody; every tet edge a link; boundary faces generated
//   node masses         Model::node_mass; held nodes mass 0 (Bullet pins them)
//   tissue              btDeformableNeoHookeanForce(4/3 mu_L, lambda_L + 5/6 mu_L): same E, nu
//   gravity             btDeformableGravityForce (the world's gravity does not reach soft bodies)
//   mass damping        the soft body's drag, exp(-alpha h) per sub-step
//   tool                a kinematic rigid body of make_bullet_tool_shape, friction = the tool's
#pragma once

#include "engine/core/types.hpp"
#include "engine/sim/model.hpp"

#include <LinearMath/btAlignedObjectArray.h>
#include <LinearMath/btTransform.h>
#include <LinearMath/btVector3.h>

#include <cstdint>
#include <memory>
#include <span>

class btSoftBody;
class btRigidBody;

namespace backsim {

class BulletWorld {
 public:
  // Throws InvalidInput for what Bullet cannot represent: more than one material
  // region, fibres, viscoelasticity, single held coordinates (rollers), more than one
  // tool. `sub_step`: the length of every sub-step (the drag depends on it).
  BulletWorld(const Model& model, double sub_step);
  ~BulletWorld();
  BulletWorld(const BulletWorld&) = delete;
  BulletWorld& operator=(const BulletWorld&) = delete;

  // Node positions and velocities in and out: q and v are the State's [3 N (+1)] arrays.
  void set_nodes(std::span<const double> q, std::span<const double> v);
  void get_nodes(std::span<double> q, std::span<double> v) const;

  // One sub-step of length h with the tool moving to `tool_pose` (m) over it. With
  // `measure_reaction`, returns the contact force on the tool at the sub-step's end, N,
  // from the contact nodes' momentum balance (see the .cpp); else zero.
  Vec3 step(double h, const btTransform& tool_pose, bool measure_reaction);

  // Places the tool without moving it (at the start of a step: no swept velocity).
  void place_tool(const btTransform& tool_pose);

  double sub_step() const { return sub_step_; }

  // Bullet's own contact force on the tool at the end of the last step (step with
  // measure_reaction on its last sub-step), N.
  void record_step_contact_force(const Vec3& f) { last_step_contact_force_ = f; }
  const Vec3& last_step_contact_force() const { return last_step_contact_force_; }

 private:
  struct Parts;  // Bullet's objects, in construction order
  std::unique_ptr<Parts> parts_;
  double sub_step_ = 0;
  Index node_count_ = 0;
  Vec3 last_step_contact_force_{0, 0, 0};
  btAlignedObjectArray<btVector3> velocity_before_;  // [node] at the start of a measured sub-step
  btAlignedObjectArray<btVector3> force_;            // [node] Bullet's elastic, damping and gravity forces
};

}  // namespace backsim
