// Muscle tone (activation a in [0, 1]) as a first-order response to the mechanical
// stimulus of massage, per element (physics.md section 4):
//
//   da/dt = -k_r s(D) (a - a_min)          relaxation under stimulus
//           + (a_rest - a) / tau_rec       recovery toward the resting tone
//           + k_g h(p) (a_max - a)          guarding above the pressure-pain threshold
//
// D is the stimulus: the rate of deviatoric strain-energy density (W/m^3) of the
// element, |psi_dev(F(t + h)) - psi_dev(F(t))| / h, which a stroke raises as it
// passes over; s(D) = D^n / (D^n + D50^n) saturates (Hill). h(p) = 1 - exp(-(p -
// p_pain) / p_width) for p > p_pain, else 0, with p the element's hydrostatic
// pressure: the muscle braces where the tissue is squeezed past the pain threshold,
// so "harder" is not always "better".
//
// Over a step the stimulus and pressure are held at their end-of-step values, which
// makes the law linear in a with constant coefficients: it is integrated exactly
// (a relaxes exponentially to its instantaneous equilibrium), unconditionally stable
// for any step, and each element's update reads only its own data (parallel and
// deterministic).
#pragma once

#include "engine/core/types.hpp"

namespace backsim {

// Defaults: docs/physiology.md says which are calibrated (against Eriksson Crommert
// 2015) and which are assumed.
struct ToneParams {
  double min_activation = 0;        // a_min: the floor relaxation tends to
  double max_activation = 0.3;      // a_max: the ceiling guarding tends to
  double relaxation_rate = 0.0085;  // k_r, 1/s, fitted (scenarios/calibration); 0: no response
  double half_stimulus = 20;        // D50, W/m^3
  double hill_exponent = 1;         // n
  double recovery_time = 60;        // tau_rec, s
  double pain_pressure = 30e3;      // p_pain, Pa
  double guarding_rate = 0.05;      // k_g, 1/s
  double guarding_width = 10e3;     // p_width, Pa
};

// s(D): the saturating response to a stimulus rate D >= 0.
double tone_stimulus_response(const ToneParams& p, double stimulus_rate);
// h(p): the guarding drive, 0 below the pain threshold.
double tone_guarding_drive(const ToneParams& p, double pressure);
// The tone after a step of length h from tone a, with resting tone a_rest.
double advance_tone(const ToneParams& p, double a, double a_rest, double stimulus_rate, double pressure, double h);

}  // namespace backsim
