// A subject: the body-size, tissue and tone parameters from which a back is built,
// the condition presets, and seeded sampling of virtual cohorts.
//
// Everything here is data: the mesher reads a SubjectParams and never mutates it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backsim::models {

enum class Condition : std::uint8_t { healthy, desk_worker, low_back_pain, post_workout, pregnancy };
// The posture the model is meant for: the prone sagittal profile, or side-lying
// (pregnancy: prone lying is avoided from mid-pregnancy).
enum class Posture : std::uint8_t { prone, side_lying };

// Muscles by anatomical name, without side (regions add the side).
enum class Muscle : std::uint8_t {
  trapezius_upper,
  trapezius_middle,
  trapezius_lower,
  latissimus_dorsi,
  rhomboids,
  erector_spinae_thoracic,
  erector_spinae_lumbar,
  multifidus,
  quadratus_lumborum,
  other_muscle,  // lumped: serratus, intercostals, rotator cuff on the scapula, obliques
};
inline constexpr int kMuscleCount = 10;

enum class Side : std::uint8_t { left, right, both };

// Extra resting tone of one muscle (on one or both sides), over a band of levels.
struct ToneZone {
  Muscle muscle = Muscle::trapezius_upper;
  Side side = Side::both;
  double tone = 0.03;  // activation a in [0, 1] inside the zone (replaces the baseline)
  std::string from_level = "C7";  // cranial end of the band (vertebral level name)
  std::string to_level = "L5";    // caudal end
};

// A trigger point (myofascial knot): a spherical patch of raised tone.
// Its centre is on the line between two landmarks (fraction 0 = first, 1 = second),
// moved `lateral_offset` along x (patient's left negative) and `depth_below_fascia`
// below the deep fascia, along the inward skin normal.
struct TriggerPoint {
  std::string name;
  std::string landmark_a;
  std::string landmark_b;
  double fraction = 0.0;
  double lateral_offset = 0.0;     // m
  double depth_below_fascia = 0.005;  // m
  double radius = 0.015;           // m
  double extra_tone = 0.2;         // added to the tone inside the radius (cosine taper)
};

// A modulus factor for one muscle (both sides), e.g. the stiffer lumbar erector
// spinae of chronic low-back pain.
struct StiffnessFactor {
  Muscle muscle = Muscle::erector_spinae_lumbar;
  double factor = 1.0;
};

struct SubjectParams {
  Condition condition = Condition::healthy;
  Posture posture = Posture::prone;
  // body size, m (defaults: a median adult; see docs/model.md for the sources)
  double back_length = 0.50;     // T1 to L5 spinous processes
  double shoulder_width = 0.39;  // biacromial breadth (acromion to acromion)
  double scapular_width = 0.37;  // width of the back at T4 (across the scapulae)
  double waist_width = 0.30;     // width of the back at L3
  double hip_width = 0.31;       // width at the bottom of the model (S1)
  // sagittal and transverse shape: 1 = median adult lying prone
  double kyphosis = 1.0;
  double lordosis = 1.0;
  // soft tissue
  double skin_thickness = 0.002;  // m
  double fat_scale = 1.0;         // multiplies the regional fat profile (5-25 mm at 1)
  double muscle_scale = 1.0;      // multiplies muscle thickness
  double fascia_scale = 1.0;      // multiplies fascia thickness
  double stiffness_scale = 1.0;   // multiplies every muscle's modulus
  double baseline_tone = 0.03;    // resting activation of every muscle
  std::vector<StiffnessFactor> stiffness_factors;
  std::vector<ToneZone> tone_zones;
  std::vector<TriggerPoint> trigger_points;
};

// "healthy", "desk-worker", "low-back-pain", "post-workout", "pregnancy".
std::string_view condition_name(Condition condition);
std::optional<Condition> condition_from_name(std::string_view name);
std::string condition_names();  // "\"healthy\", \"desk-worker\", ..." for messages
std::string_view muscle_name(Muscle muscle);
std::string_view posture_name(Posture posture);

// The nominal subject of a condition preset (median body, the condition's tone map).
SubjectParams preset_subject(Condition condition);

// Throws InvalidInput naming the parameter and its allowed range. The ranges are those
// inside which the generated mesh is known to be valid (tested across cohorts).
void validate_subject(const SubjectParams& subject);

// Sets one numeric parameter by name ("back_length", "fat_scale", ...); throws
// InvalidInput for an unknown name (listing the known ones). Does not validate.
void set_subject_parameter(SubjectParams& subject, std::string_view name, double value);
// The names accepted by set_subject_parameter, comma separated.
std::string subject_parameter_names();

// A numeric subject parameter as a scenario or command line sees it.
struct SubjectParameterInfo {
  std::string_view name;
  double min;   // the range validate_subject accepts
  double max;
  bool is_length;  // m; else dimensionless
};
// Every numeric parameter, in a fixed order (names are static strings).
const std::vector<SubjectParameterInfo>& subject_parameters();

// Subject `index` of a virtual cohort of the condition: body size and tissue
// parameters drawn from the population distributions (docs/model.md), the tone map of
// the preset scaled by the subject's baseline tone. The random stream derives only
// from (seed, index) through SplitMix64, so subject i is the same whatever the cohort
// size, the order of sampling or the thread that samples it.
SubjectParams sample_subject(Condition condition, std::uint64_t seed, std::uint64_t index);

// SplitMix64 (Steele, Lea, Flood 2014): a counter-based generator, one stream per key.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}
  std::uint64_t next();
  double uniform();   // in (0, 1)
  double normal();    // standard normal (Box-Muller, one value per call)

 private:
  std::uint64_t state_;
};

// The stream key of (seed, index): two rounds of the SplitMix64 finaliser.
std::uint64_t stream_key(std::uint64_t seed, std::uint64_t index);

}  // namespace backsim::models
