#include "scenarios/techniques.hpp"

#include <array>

namespace backsim {

namespace {

// Loads: physics.md section 3 gives figures for friction (Chaves 2020) and ranges for
// rates; the forces of the light and moderate strokes are this project's choices,
// set so that the mean pressure under the contact surface lands in the range the
// technique is described with (docs/techniques.md has the arithmetic).
constexpr std::array<Technique, 10> kTechniques{{
    {"effleurage", "long gliding strokes with the whole palm along the paraspinal muscles", "palm",
     ToolControl::force, 20.0, 0.0, 0.15, 0.4, 0.0, 0.3, 0.02, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: 40-50 strokes/min*, 5-20 cm/s, light to moderate"},
    {"petrissage", "kneading: compress, squeeze a short way, lift; about one cycle a second", "palm",
     ToolControl::force, 30.0, 0.0, 0.1, 0.3, 0.1, 0.3, 0.015, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: cyclic compress-lift-squeeze, 0.5-1 Hz, moderate"},
    {"friction_circular", "small circles of the thumb pad that move the skin over the tissue below", "thumb_pad",
     ToolControl::force, 40.0, 0.0, 0.01, 0.5, 0.0, 0.3, 0.015, PathOscillation::circle, 0.005, 1.5, 0, 0, false,
     "physics.md s3: circles ~1 cm, 1-2 Hz; 2.3 kg/cm^2 mean (Chaves 2020)"},
    {"friction_cross_fibre", "the thumb pad moved back and forth across the muscle fibres", "thumb_pad",
     ToolControl::force, 40.0, 0.0, 0.01, 0.5, 0.0, 0.3, 0.015, PathOscillation::line, 0.005, 1.5, 0, 0, false,
     "physics.md s3: cross-fibre friction, 1-2 Hz; 2.3 kg/cm^2 mean (Chaves 2020)"},
    {"tapotement", "percussion with the ulnar edge of the hand: quick strikes that rebound", "ulnar_edge",
     ToolControl::kinematic, 0.0, 0.004, 0.05, 0.2, 0.0, 0.2, 0.02, PathOscillation::none, 0, 0, 0.025, 6.0, true,
     "physics.md s3: strikes at 4-10 Hz*, impulsive"},
    {"vibration", "a small fast shaking of the pressed hand", "palm", ToolControl::kinematic, 0.0, 0.005, 0.02, 0.3,
     0.0, 0.3, 0.02, PathOscillation::none, 0, 0, 0.001, 15.0, true,
     "physics.md s3: 10-50 Hz, small amplitude"},
    {"stripping", "deep, slow glide along the fibres with the elbow", "elbow", ToolControl::force, 60.0, 0.0,
     0.02, 1.0, 0.5, 0.5, 0.02, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: 1-3 cm/s along the fibres, high load"},
    {"compression", "the palm pressed straight down and held, then released", "palm", ToolControl::force, 50.0,
     0.0, 0.1, 1.0, 2.0, 1.0, 0.02, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: static or rhythmic, moderate to high"},
    {"trigger_point", "sustained pressure of the thumb on a knot", "thumb_pad", ToolControl::force, 35.0, 0.0, 0.01,
     3.0, 60.0, 1.0, 0.02, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: sustained 30-90 s, ramped to tolerance"},
    {"trigger_point_ramped", "thumb pressure raised slowly to tolerance on a knot, then held", "thumb_pad",
     ToolControl::force, 35.0, 0.0, 0.01, 30.0, 30.0, 1.0, 0.02, PathOscillation::none, 0, 0, 0, 0, false,
     "physics.md s3: ramped to tolerance, 30-90 s in all"},
}};

constexpr std::array<MassageStyle, 5> kStyles{{
    {"swedish", "swedish.toml", "effleurage, petrissage, friction and tapotement over the whole back"},
    {"deep_tissue", "deep_tissue.toml", "slow stripping along the erector spinae and sustained compression"},
    {"sports", "sports.toml", "brisk compression and effleurage, cross-fibre friction, tapotement"},
    {"remedial", "remedial.toml", "trigger-point pressure on a knot and cross-fibre friction around it"},
    {"relaxation", "relaxation.toml", "slow light effleurage and gentle petrissage"},
}};

}  // namespace

std::span<const Technique> techniques() { return kTechniques; }

const Technique* find_technique(std::string_view name) {
  for (const Technique& t : kTechniques)
    if (t.name == name) return &t;
  return nullptr;
}

void apply_technique(const Technique& t, MotionSpec& out) {
  out.control = t.control;
  if (t.control == ToolControl::force) out.normal_force = t.normal_force;
  if (t.control == ToolControl::kinematic) out.press_depth = t.press_depth;
  out.speed = t.speed;
  out.press_time = t.press_time;
  out.hold_time = t.hold_time;
  out.release_time = t.release_time;
  out.lift_height = t.lift_height;
  out.oscillation = t.oscillation;
  out.oscillation_amplitude = t.oscillation_amplitude;
  out.oscillation_frequency = t.oscillation_frequency;
  out.percussion_amplitude = t.percussion_amplitude;
  out.percussion_frequency = t.percussion_frequency;
}

std::span<const MassageStyle> massage_styles() { return kStyles; }

}  // namespace backsim
