#include "engine/physiology/muscle_tone.hpp"

#include <cmath>

namespace backsim {

double tone_stimulus_response(const ToneParams& p, double d) {
  if (!(d > 0)) return 0.0;
  const double x = std::pow(d / p.half_stimulus, p.hill_exponent);
  return x / (1.0 + x);
}

double tone_guarding_drive(const ToneParams& p, double pressure) {
  if (!(pressure > p.pain_pressure)) return 0.0;
  return -std::expm1(-(pressure - p.pain_pressure) / p.guarding_width);
}

double advance_tone(const ToneParams& p, double a, double a_rest, double stimulus_rate, double pressure, double h) {
  // da/dt = -k a + f: k and f constant over the step
  const double relax = p.relaxation_rate * tone_stimulus_response(p, stimulus_rate);
  const double recover = 1.0 / p.recovery_time;
  const double guard = p.guarding_rate * tone_guarding_drive(p, pressure);
  const double k = relax + recover + guard;
  const double a_eq = (relax * p.min_activation + recover * a_rest + guard * p.max_activation) / k;
  return a_eq + (a - a_eq) * std::exp(-k * h);
}

}  // namespace backsim
