#include "models/subject.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <utility>

namespace backsim::models {
namespace {

constexpr std::array<std::pair<std::string_view, Condition>, 5> kConditions{{
    {"healthy", Condition::healthy},
    {"desk-worker", Condition::desk_worker},
    {"low-back-pain", Condition::low_back_pain},
    {"post-workout", Condition::post_workout},
    {"pregnancy", Condition::pregnancy},
}};

constexpr std::array<std::string_view, kMuscleCount> kMuscleNames{
    "trapezius_upper",         "trapezius_middle",      "trapezius_lower",
    "latissimus_dorsi",        "rhomboids",             "erector_spinae_thoracic",
    "erector_spinae_lumbar",   "multifidus",            "quadratus_lumborum",
    "other_muscle"};

// One numeric parameter: its name, its field and the range inside which the mesher
// is known to produce valid tets (the cohort tests sample inside it).
struct ParameterInfo {
  std::string_view name;
  double SubjectParams::*field;
  double min;
  double max;
  std::string_view unit;
};

constexpr std::array<ParameterInfo, 13> kParameters{{
    {"back_length", &SubjectParams::back_length, 0.38, 0.65, " m"},
    {"shoulder_width", &SubjectParams::shoulder_width, 0.28, 0.52, " m"},
    {"scapular_width", &SubjectParams::scapular_width, 0.26, 0.50, " m"},
    {"waist_width", &SubjectParams::waist_width, 0.22, 0.46, " m"},
    {"hip_width", &SubjectParams::hip_width, 0.22, 0.48, " m"},
    {"kyphosis", &SubjectParams::kyphosis, 0.0, 2.0, ""},
    {"lordosis", &SubjectParams::lordosis, 0.0, 2.0, ""},
    {"skin_thickness", &SubjectParams::skin_thickness, 0.001, 0.004, " m"},
    {"fat_scale", &SubjectParams::fat_scale, 0.3, 3.0, ""},
    {"muscle_scale", &SubjectParams::muscle_scale, 0.6, 1.5, ""},
    {"fascia_scale", &SubjectParams::fascia_scale, 0.5, 2.0, ""},
    {"stiffness_scale", &SubjectParams::stiffness_scale, 0.2, 5.0, ""},
    {"baseline_tone", &SubjectParams::baseline_tone, 0.0, 1.0, ""},
}};

// Trigger points of the presets, at the places clinicians describe them (Simons,
// Travell & Simons' Trigger Point Manual, 2nd ed. 1999): upper trapezius TrP1 at the
// middle of the upper border between C7 and the acromion; mid-scapular (rhomboid /
// middle trapezius) points beside T4-T5; quadratus lumborum beside L3.
TriggerPoint upper_trapezius_point(bool left) {
  return TriggerPoint{left ? "upper_trapezius_left" : "upper_trapezius_right",
                      "C7", left ? "acromion_left" : "acromion_right", 0.5, 0.0, 0.004, 0.015, 0.25};
}

SubjectParams make_preset(Condition condition) {
  SubjectParams s;
  s.condition = condition;
  switch (condition) {
    case Condition::healthy:
      break;
    case Condition::desk_worker:
      // Sustained sitting with a forward head: hypertonic upper trapezius and thoracic
      // erector spinae with knots (the preset described in issue 3); a slightly
      // larger thoracic kyphosis.
      s.kyphosis = 1.2;
      s.tone_zones = {
          ToneZone{Muscle::trapezius_upper, Side::both, 0.10, "C7", "T3"},
          ToneZone{Muscle::erector_spinae_thoracic, Side::both, 0.08, "T1", "T12"},
      };
      s.trigger_points = {
          upper_trapezius_point(true), upper_trapezius_point(false),
          TriggerPoint{"rhomboid_right_T5", "T5", "T5", 0.0, 0.045, 0.010, 0.012, 0.2},
          TriggerPoint{"thoracic_erector_left_T8", "T8", "T8", 0.0, -0.035, 0.012, 0.015, 0.15},
      };
      break;
    case Condition::low_back_pain:
      // Chronic low-back pain: lumbar erector spinae stiffer, MyotonPRO 319 vs
      // 277 N/m in controls (Wu 2020): factor 319 / 277 = 1.15 on the modulus; raised
      // lumbar tone; the thoracolumbar fascia about 25 % thicker (Langevin 2009,
      // BMC Musculoskelet Disord 10:151).
      s.stiffness_factors = {StiffnessFactor{Muscle::erector_spinae_lumbar, 319.0 / 277.0}};
      s.fascia_scale = 1.25;
      s.tone_zones = {
          ToneZone{Muscle::erector_spinae_lumbar, Side::both, 0.08, "T12", "L5"},
          ToneZone{Muscle::multifidus, Side::both, 0.06, "L1", "L5"},
      };
      s.trigger_points = {
          TriggerPoint{"quadratus_lumborum_right_L3", "L3", "L3", 0.0, 0.085, 0.02, 0.02, 0.2},
          TriggerPoint{"erector_spinae_left_L2", "L2", "L2", 0.0, -0.045, 0.012, 0.015, 0.15},
      };
      break;
    case Condition::post_workout:
      // Diffuse lumbar tone after exercise (delayed-onset soreness), no focal knots.
      s.tone_zones = {
          ToneZone{Muscle::erector_spinae_lumbar, Side::both, 0.07, "T12", "L5"},
          ToneZone{Muscle::multifidus, Side::both, 0.06, "T12", "L5"},
          ToneZone{Muscle::latissimus_dorsi, Side::both, 0.05, "T7", "L5"},
      };
      break;
    case Condition::pregnancy:
      // Third trimester: more subcutaneous fat, a deeper lumbar lordosis and a wider
      // waist; to be simulated side-lying.
      s.posture = Posture::side_lying;
      s.fat_scale = 1.25;
      s.lordosis = 1.4;
      s.waist_width = 0.34;
      s.tone_zones = {ToneZone{Muscle::erector_spinae_lumbar, Side::both, 0.06, "T12", "L5"}};
      break;
  }
  return s;
}

double clamp_normal(SplitMix64& rng, double mean, double sd, double min, double max) {
  return std::clamp(mean + sd * rng.normal(), min, max);
}

}  // namespace

std::string_view condition_name(Condition condition) {
  for (const auto& [name, value] : kConditions)
    if (value == condition) return name;
  return {};
}

std::optional<Condition> condition_from_name(std::string_view name) {
  for (const auto& [text, value] : kConditions)
    if (text == name) return value;
  return std::nullopt;
}

std::string condition_names() {
  std::string list;
  for (const auto& [name, value] : kConditions) list += (list.empty() ? "\"" : ", \"") + std::string(name) + "\"";
  return list;
}

std::string_view muscle_name(Muscle muscle) { return kMuscleNames[static_cast<std::size_t>(muscle)]; }

std::string_view posture_name(Posture posture) {
  return posture == Posture::prone ? "prone" : "side_lying";
}

SubjectParams preset_subject(Condition condition) { return make_preset(condition); }

void validate_subject(const SubjectParams& subject) {
  for (const ParameterInfo& p : kParameters) {
    const double v = subject.*p.field;
    if (!std::isfinite(v) || v < p.min || v > p.max) {
      throw InvalidInput(fmt::format("subject parameter {} = {}{} is out of range; allowed: {} to {}{}",
                                     p.name, v, p.unit, p.min, p.max, p.unit));
    }
  }
  // The width profile must narrow from the scapulae to the waist for the barrel and
  // the muscle atlas to make sense (a waist wider than the scapulae is not a back).
  if (subject.waist_width > 1.15 * subject.scapular_width) {
    throw InvalidInput(fmt::format(
        "subject waist_width = {} m is more than 1.15 x scapular_width = {} m; a back that "
        "widens toward the waist is outside the model",
        subject.waist_width, subject.scapular_width));
  }
  for (const StiffnessFactor& f : subject.stiffness_factors)
    if (!std::isfinite(f.factor) || f.factor <= 0.0 || f.factor > 10.0)
      throw InvalidInput(fmt::format("stiffness factor of {} = {} is out of range; allowed: > 0 and <= 10",
                                     muscle_name(f.muscle), f.factor));
  for (const ToneZone& z : subject.tone_zones)
    if (!std::isfinite(z.tone) || z.tone < 0.0 || z.tone > 1.0)
      throw InvalidInput(fmt::format("tone of {} = {} is out of range; allowed: 0 to 1",
                                     muscle_name(z.muscle), z.tone));
  for (const TriggerPoint& t : subject.trigger_points) {
    if (!(t.radius > 0.0 && t.radius < 0.1) || !(t.extra_tone >= 0.0 && t.extra_tone <= 1.0) ||
        !std::isfinite(t.lateral_offset) || !std::isfinite(t.fraction) ||
        !(t.depth_below_fascia >= 0.0 && t.depth_below_fascia < 0.1))
      throw InvalidInput(fmt::format("trigger point {}: radius must be in (0, 0.1) m, extra_tone in "
                                     "[0, 1], depth_below_fascia in [0, 0.1) m",
                                     t.name));
  }
}

void set_subject_parameter(SubjectParams& subject, std::string_view name, double value) {
  for (const ParameterInfo& p : kParameters) {
    if (p.name == name) {
      subject.*p.field = value;
      return;
    }
  }
  throw InvalidInput(fmt::format("unknown subject parameter \"{}\"; allowed: {}", name,
                                 subject_parameter_names()));
}

const std::vector<SubjectParameterInfo>& subject_parameters() {
  static const std::vector<SubjectParameterInfo> list = [] {
    std::vector<SubjectParameterInfo> out;
    for (const ParameterInfo& p : kParameters) out.push_back({p.name, p.min, p.max, p.unit == " m"});
    return out;
  }();
  return list;
}

std::string subject_parameter_names() {
  std::string list;
  for (const ParameterInfo& p : kParameters) list += (list.empty() ? "" : ", ") + std::string(p.name);
  return list;
}

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() {
  // 53 random bits, shifted off 0 so that log(u) is finite.
  return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

double SplitMix64::normal() {
  const double u1 = uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t stream_key(std::uint64_t seed, std::uint64_t index) {
  SplitMix64 a(seed);
  const std::uint64_t h = a.next();
  SplitMix64 b(h ^ (index * 0xd1b54a32d192ed03ULL + 0x8cb92ba72f3d8dd7ULL));
  return b.next();
}

SubjectParams sample_subject(Condition condition, std::uint64_t seed, std::uint64_t index) {
  SubjectParams s = make_preset(condition);
  SplitMix64 rng(stream_key(seed, index));
  // Body size: adult population spread (about +-1 SD of ANSUR II 2012 breadths and of
  // trunk heights, mixed sexes); the clamps keep 2.5 SD at most and stay inside the
  // validated ranges.
  s.back_length = clamp_normal(rng, s.back_length, 0.03, 0.42, 0.58);
  s.scapular_width = clamp_normal(rng, s.scapular_width, 0.025, 0.31, 0.43);
  s.shoulder_width = std::clamp(s.scapular_width + 0.02 + 0.01 * rng.normal(), 0.30, 0.48);
  s.waist_width = clamp_normal(rng, s.waist_width, 0.03, 0.24, std::min(0.40, 1.1 * s.scapular_width));
  s.hip_width = std::clamp(s.waist_width + 0.01 + 0.015 * rng.normal(), 0.24, 0.44);
  s.kyphosis = clamp_normal(rng, s.kyphosis, 0.2, 0.5, 1.7);
  s.lordosis = clamp_normal(rng, s.lordosis, 0.2, 0.5, 1.8);
  // Tissue: fat thickness is log-normal in the population (skinfolds are skewed).
  s.fat_scale = std::clamp(s.fat_scale * std::exp(0.3 * rng.normal()), 0.5, 2.2);
  s.muscle_scale = clamp_normal(rng, s.muscle_scale, 0.1, 0.75, 1.3);
  s.skin_thickness = clamp_normal(rng, s.skin_thickness, 0.0003, 0.0015, 0.003);
  s.stiffness_scale = std::clamp(s.stiffness_scale * std::exp(0.15 * rng.normal()), 0.6, 1.6);
  const double tone_scale = std::exp(0.25 * rng.normal());
  s.baseline_tone = std::clamp(s.baseline_tone * tone_scale, 0.005, 0.15);
  for (ToneZone& z : s.tone_zones) z.tone = std::clamp(z.tone * tone_scale, 0.0, 1.0);
  return s;
}

}  // namespace backsim::models
