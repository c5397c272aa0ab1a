#include "engine/sim/step.hpp"

#include "engine/contact/tool_rest_height.hpp"
#include "engine/sim/method_steps.hpp"

namespace backsim {

StepTargets targets_at(const Model& m, const State& s, double dt) {
  return targets_at(m, s.time, s.tool_position, dt);
}

StepTargets targets_at(const Model& m, double start_time, const Vec3& tool_position_start, double dt) {
  StepTargets t;
  t.time = start_time + dt;
  t.dt = dt;
  t.tool_xy = m.motion.surface_point(t.time);
  const auto tool = static_cast<std::size_t>(m.motion.tool(t.time));
  t.tool = &m.tools[tool];
  t.tool_spec = &m.tool_specs[tool];
  t.tool_rest_height = tool_rest_height(*t.tool, t.tool_xy, m.rest_surface_points);
  t.stroke = &m.motion.stroke_spec(t.time);
  t.force_target = t.stroke->control == ToolControl::force ? m.motion.normal_force(t.time) : 0.0;
  t.tool_position_start = tool_position_start;
  return t;
}

StepStats step(const Model& m, State& state, Scratch& w, double dt, const double* guess) {
  switch (m.solver.method) {
    case SolverMethod::newton: return newton_step(m, state, w, dt, guess);
    case SolverMethod::explicit_central: return explicit_step(m, state, w, dt);
    case SolverMethod::xpbd: return xpbd_step(m, state, w, dt);
    case SolverMethod::bullet: return bullet_step(m, state, w, dt);
  }
  return newton_step(m, state, w, dt, guess);  // unreachable: every method is listed above
}

}  // namespace backsim
