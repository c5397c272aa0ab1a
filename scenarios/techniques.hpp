// The massage techniques a stroke can name (motion.technique): each fills the stroke's
// keys with documented defaults, which the scenario's own keys then override; and the
// named styles, which are protocol files under scenarios/styles/. `backsim techniques`
// prints both. Figures and sources: ../shared/docs/physics.md section 3 and
// docs/techniques.md.
#pragma once

#include "engine/sim/simulation_spec.hpp"

#include <span>
#include <string_view>

namespace backsim {

struct Technique {
  std::string_view name;       // scenario name, e.g. "effleurage"
  std::string_view summary;    // what the hand does
  std::string_view tool;       // default contact surface (models/hand/contact_surfaces.hpp)
  ToolControl control = ToolControl::force;
  // the stroke's defaults (MotionSpec fields of the same names)
  double normal_force = 0;     // N (force control)
  double press_depth = 0;      // m (kinematic control)
  double speed = 0.1;          // m/s along the path
  double press_time = 0.5;     // s
  double hold_time = 0;        // s
  double release_time = 0.3;   // s
  double lift_height = 0.02;   // m
  PathOscillation oscillation = PathOscillation::none;
  double oscillation_amplitude = 0;  // m
  double oscillation_frequency = 0;  // Hz
  double percussion_amplitude = 0;   // m
  double percussion_frequency = 0;   // Hz
  // Dynamic techniques need inertia (solver.integration = "backward_euler") and a
  // time step that resolves them: at most 1 / (steps_per_cycle f).
  bool dynamic = false;
  std::string_view source;     // where the figures come from
};

// Time steps per cycle of an oscillation a run must resolve (dynamic techniques):
// 20 steps put the strike's force peak within a few percent of its true height.
inline constexpr double kStepsPerCycle = 20.0;

std::span<const Technique> techniques();
const Technique* find_technique(std::string_view name);
// Sets `out`'s fields to the technique's defaults (path and repetitions untouched).
void apply_technique(const Technique& technique, MotionSpec& out);

// A named style: a protocol file of strokes (scenarios/styles/<file>).
struct MassageStyle {
  std::string_view name;
  std::string_view file;     // under scenarios/styles/
  std::string_view summary;
};
std::span<const MassageStyle> massage_styles();

}  // namespace backsim
