// Bullet's containers copy default-constructed elements whose matrices are left
// uninitialised by design (btSoftBody::TetraScratch, btModifiedGramSchmidt's arrays);
// inlined here, GCC flags those copies. They are overwritten before use (Bullet's
// updateDeformation), so the warning is silenced for this file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/bullet/bullet_world.hpp"

#include "engine/bullet/bullet_deformable_solver.hpp"
#include "engine/contact/bullet_tool_shape.hpp"
#include "engine/core/error.hpp"

#include <BulletCollision/BroadphaseCollision/btDbvtBroadphase.h>
#include <BulletCollision/CollisionDispatch/btCollisionDispatcher.h>
#include <BulletDynamics/Dynamics/btRigidBody.h>
#include <BulletSoftBody/btDeformableGravityForce.h>
#include <BulletSoftBody/btDeformableMultiBodyConstraintSolver.h>
#include <BulletSoftBody/btDeformableMultiBodyDynamicsWorld.h>
#include <BulletSoftBody/btDeformableNeoHookeanForce.h>
#include <BulletSoftBody/btSoftBodyHelpers.h>
#include <BulletSoftBody/btSoftBodyRigidBodyCollisionConfiguration.h>
#include <LinearMath/btDefaultMotionState.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace backsim {

// Members are destroyed in reverse order: the world goes before what it points to,
// the bodies are taken out of it first (~BulletWorld).
struct BulletWorld::Parts {
  btSoftBodyRigidBodyCollisionConfiguration configuration;
  btCollisionDispatcher dispatcher{&configuration};
  btDbvtBroadphase broadphase;
  BulletDeformableSolver body_solver;
  btDeformableMultiBodyConstraintSolver constraint_solver;
  std::unique_ptr<btDeformableMultiBodyDynamicsWorld> world;
  std::unique_ptr<btDeformableNeoHookeanForce> tissue;
  std::unique_ptr<btDeformableGravityForce> gravity;
  std::unique_ptr<btSoftBody> body;
  std::unique_ptr<btConvexShape> tool_shape;
  std::unique_ptr<btDefaultMotionState> tool_motion;
  std::unique_ptr<btRigidBody> tool;
};

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw InvalidInput("solver.method = \"bullet\": " + what);
}

// What Bullet's deformable world cannot carry (the scenario loader rejects these
// first, at their keys; a Model built in code meets them here).
void check_representable(const Model& m) {
  require(m.materials.size() == 1,
          fmt::format("Bullet's Neo-Hookean force takes one mu and lambda per soft body; the model has {} "
                      "material regions (allowed: one)",
                      m.materials.size()));
  const bool fibres = std::any_of(m.fibre.begin(), m.fibre.end(), [](const Vec3& f) { return f != Vec3::Zero(); });
  require(!fibres, "Bullet's tissue is isotropic: the model has fibres (allowed: none)");
  require(!m.viscous, "Bullet's tissue is elastic: the model is viscoelastic (allowed: no Prony terms)");
  require(m.tools.size() == 1, fmt::format("one tool (the model changes between {} tools)", m.tools.size()));
  for (Index i = 0; i < m.node_count(); ++i) {
    const bool any_held = m.dof_free[3 * i] == 0 || m.dof_free[3 * i + 1] == 0 || m.dof_free[3 * i + 2] == 0;
    require(!any_held || m.node_held[i] != 0,
            fmt::format("node {} has single held coordinates (a roller or symmetry plane); Bullet pins whole "
                        "nodes only",
                        i));
  }
}

// Links: every tet edge once (sorted pairs). Bullet builds the node tree its first
// step needs from links, and its own link option checks every existing link per
// new one (quadratic).
std::vector<std::uint64_t> tet_edges(const TetMesh& mesh) {
  std::vector<std::uint64_t> edges;
  edges.reserve(6 * mesh.tets.size());
  for (const Tet& t : mesh.tets)
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b) {
        const auto lo = static_cast<std::uint64_t>(std::min(t[a], t[b]));
        const auto hi = static_cast<std::uint64_t>(std::max(t[a], t[b]));
        edges.push_back(lo << 32 | hi);
      }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

}  // namespace

BulletWorld::BulletWorld(const Model& m, double sub_step) : parts_(std::make_unique<Parts>()), sub_step_(sub_step) {
  check_representable(m);
  require(sub_step > 0, "the sub-step must be positive");
  Parts& p = *parts_;
  node_count_ = m.node_count();

  // the world: implicit (backward Euler) with contact by projection. Implicit with
  // face contact blew up; without projection it ran fast but gave no support reaction.
  p.constraint_solver.setDeformableSolver(&p.body_solver);
  p.world = std::make_unique<btDeformableMultiBodyDynamicsWorld>(&p.dispatcher, &p.broadphase, &p.constraint_solver,
                                                                 &p.configuration, &p.body_solver);
  p.world->setGravity(to_bullet(m.solver.gravity));
  p.world->getWorldInfo().m_gravity = to_bullet(m.solver.gravity);
  p.world->setImplicit(true);
  p.world->setLineSearch(false);
  p.world->setUseProjection(true);

  // the tissue: nodes with our lumped masses, mass 0 where held (Bullet's pin)
  std::vector<btVector3> x(static_cast<std::size_t>(node_count_));
  std::vector<btScalar> mass(static_cast<std::size_t>(node_count_));
  for (Index i = 0; i < node_count_; ++i) {
    x[i] = to_bullet(m.mesh.nodes[i]);
    mass[i] = m.node_held[i] != 0 ? 0.0 : m.node_mass[i];
  }
  p.body = std::make_unique<btSoftBody>(&p.world->getWorldInfo(), static_cast<int>(node_count_), x.data(), mass.data());
  btSoftBody& body = *p.body;
  for (Index t = 0; t < m.mesh.tet_count(); ++t) {
    const Tet& tet = m.mesh.tets[t];
    // Bullet's Dm = [x1 - x0, x2 - x0, x3 - x0] must have det > 0 (as TetMesh promises)
    BACKSIM_ASSERT(signed_volume(m.mesh, t) > 0, "a tet is not positively oriented");
    body.appendTetra(static_cast<int>(tet[0]), static_cast<int>(tet[1]), static_cast<int>(tet[2]),
                     static_cast<int>(tet[3]));
  }
  for (const std::uint64_t e : tet_edges(m.mesh))
    body.appendLink(static_cast<int>(e >> 32), static_cast<int>(e & 0xffffffffu), nullptr, false);
  body.initializeDmInverse();
  body.m_tetraScratches.resize(body.m_tetras.size());
  body.m_tetraScratchesTn.resize(body.m_tetras.size());
  btSoftBodyHelpers::generateBoundaryFaces(&body);

  // contact: nodes against the rigid tool (SDF_RD), by projection (SDF_RDN); the
  // friction of a contact is kDF times the rigid body's (1 below). Bullet's collision
  // margin (0.25 m by default, a predictive band) becomes a tenth of the mean edge;
  // hardness 1 against kinematic and rigid bodies (full correction of penetration);
  // no sleeping (a still block would freeze and stop feeling the tool).
  body.getCollisionShape()->setMargin(0.1 * m.mean_edge_length);
  body.m_cfg.kKHR = 1;
  body.m_cfg.kCHR = 1;
  body.m_cfg.kDF = m.tool_specs[0].friction;
  body.m_cfg.collisions = btSoftBody::fCollision::SDF_RD | btSoftBody::fCollision::SDF_RDN;
  // mass-proportional damping alpha: Bullet scales velocities by (1 - drag) before each
  // sub-step's solve; exp(-alpha h) is the decay alpha gives over h
  body.m_cfg.drag = -std::expm1(-m.solver.mass_damping * sub_step);
  body.m_sleepingThreshold = 0;
  body.setActivationState(DISABLE_DEACTIVATION);
  p.world->addSoftBody(&body);

  // Bullet's stable Neo-Hookean keeps Smith et al.'s log term:
  //   psi = mu/2 (I_C - 3) + lambda/2 (J - 1 - 3 mu / (4 lambda))^2 - mu/2 log(I_C + 1)
  // (btDeformableNeoHookeanForce::elasticEnergyDensity; firstPiola is its derivative).
  // At F = I + H the linear terms cancel and the quadratic part is
  //   3/4 mu |eps|^2 + (lambda/2 - 5/16 mu) tr(eps)^2,
  // so mu_L = 3/4 mu and lambda_L = lambda - 5/8 mu: mu = 4/3 mu_L, lambda = lambda_L + 5/6 mu_L.
  // backsim's form has no log term (mu_L = mu, lambda_L = lambda - mu, stable_neo_hookean.hpp):
  // both agree in E and nu at small strain and differ at large strain.
  const StableNeoHookean& ours = m.materials[0].matrix;
  const double mu_l = ours.mu, lambda_l = ours.lambda - ours.mu;
  p.tissue = std::make_unique<btDeformableNeoHookeanForce>(4.0 / 3.0 * mu_l, lambda_l + 5.0 / 6.0 * mu_l,
                                                           m.solver.bullet_damping);
  p.world->addForce(&body, p.tissue.get());
  // gravity: the world's gravity does not reach deformables
  p.gravity = std::make_unique<btDeformableGravityForce>(to_bullet(m.solver.gravity));
  p.world->addForce(&body, p.gravity.get());

  // the tool: kinematic (mass 0), moved by its motion state before each sub-step
  p.tool_shape = make_bullet_tool_shape(m.tools[0]);
  btTransform identity;
  identity.setIdentity();
  p.tool_motion = std::make_unique<btDefaultMotionState>(identity);
  btRigidBody::btRigidBodyConstructionInfo info(0.0, p.tool_motion.get(), p.tool_shape.get(), btVector3(0, 0, 0));
  p.tool = std::make_unique<btRigidBody>(info);
  p.tool->setCollisionFlags(p.tool->getCollisionFlags() | btCollisionObject::CF_KINEMATIC_OBJECT);
  p.tool->setActivationState(DISABLE_DEACTIVATION);
  p.tool->setFriction(1.0);  // the contact's friction is kDF (the tool's coefficient) times this
  p.world->addRigidBody(p.tool.get());

  // buffers of the reaction's momentum balance (step), sized once
  velocity_before_.resize(static_cast<int>(node_count_));
  force_.resize(static_cast<int>(node_count_));
}

BulletWorld::~BulletWorld() {
  Parts& p = *parts_;
  p.world->removeRigidBody(p.tool.get());
  p.world->removeSoftBody(p.body.get());
}

void BulletWorld::set_nodes(std::span<const double> q, std::span<const double> v) {
  btSoftBody& body = *parts_->body;
  for (Index i = 0; i < node_count_; ++i) {
    btSoftBody::Node& n = body.m_nodes[i];
    n.m_x = btVector3(q[3 * i], q[3 * i + 1], q[3 * i + 2]);
    n.m_q = n.m_x;
    n.m_v = btVector3(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
    n.m_vn = n.m_v;
  }
}

void BulletWorld::get_nodes(std::span<double> q, std::span<double> v) const {
  const btSoftBody& body = *parts_->body;
  for (Index i = 0; i < node_count_; ++i) {
    const btSoftBody::Node& n = body.m_nodes[i];
    for (int c = 0; c < 3; ++c) {
      q[3 * i + c] = n.m_x[c];
      v[3 * i + c] = n.m_v[c];
    }
  }
}

void BulletWorld::place_tool(const btTransform& tool_pose) {
  Parts& p = *parts_;
  p.tool_motion->setWorldTransform(tool_pose);
  p.tool->setWorldTransform(tool_pose);
  p.tool->setInterpolationWorldTransform(tool_pose);
  p.tool->setLinearVelocity(btVector3(0, 0, 0));
  p.tool->setAngularVelocity(btVector3(0, 0, 0));
}

Vec3 BulletWorld::step(double h, const btTransform& tool_pose, bool measure_reaction) {
  Parts& p = *parts_;
  btSoftBody& body = *p.body;
  if (measure_reaction)
    for (Index i = 0; i < node_count_; ++i) velocity_before_[i] = body.m_nodes[i].m_v;
  // the kinematic body sweeps from its pose to tool_pose: Bullet reads the motion
  // state in stepSimulation and gives the body the velocity of that sweep
  p.tool_motion->setWorldTransform(tool_pose);
  p.world->stepSimulation(h, 0);
  if (!measure_reaction) return Vec3::Zero();

  // The tool's reaction from the momentum balance of the nodes in contact. Bullet
  // enforces contact by projecting the contact nodes' velocities inside its implicit
  // solve, so no contact force or impulse is ever formed (the constraints' impulse
  // sums hold only the pre-solve correction, measured at a thousandth of the load).
  // Backward Euler at each node: m (v1 - v0) / h = f(x1, v1) + f_contact, so
  //   f_contact = m (v1 - v0) / h - f_elastic(x1) - f_damping(v1) - m g,
  // with Bullet's own forces evaluated at the sub-step's end; the tool feels -f_contact
  // summed over the nodes Bullet had in contact with it.
  for (Index i = 0; i < node_count_; ++i) body.m_nodes[i].m_q = body.m_nodes[i].m_x;
  body.updateDeformation();
  for (int i = 0; i < force_.size(); ++i) force_[i].setZero();
  p.tissue->addScaledForces(1.0, force_);
  p.gravity->addScaledForces(1.0, force_);
  Vec3 on_tool = Vec3::Zero();
  const auto& constraints = p.body_solver.m_objective->m_projection.m_nodeRigidConstraints;
  for (int i = 0; i < constraints.size(); ++i)
    for (int j = 0; j < constraints[i].size(); ++j) {
      const btSoftBody::Node& n = *constraints[i][j].m_node;
      if (n.m_im == 0) continue;
      const int k = n.index;
      on_tool -= from_bullet((n.m_v - velocity_before_[k]) / (n.m_im * h) - force_[k]);
    }
  return on_tool;
}

}  // namespace backsim
