// The therapist's hand and forearm: the survey figures the contact surfaces are sized
// from (docs/tools.md has them with their sources). Median adults of both sexes: the
// mean of the men's and the women's 50th percentiles. Lengths in m. Figures marked *
// were transcribed without the original table at hand: re-check before quoting them.
#pragma once

namespace backsim::hand {

// A survey figure: men's and women's 50th percentiles and their mean.
struct MedianPair {
  double men;
  double women;
  constexpr double mixed() const { return 0.5 * (men + women); }
};

// Pheasant & Haslegrave 2006, Bodyspace 3rd ed., Table 10.1 (British adults 19-65).
inline constexpr MedianPair kHandLength{0.190, 0.175};          // wrist crease to middle fingertip*
inline constexpr MedianPair kHandBreadth{0.085, 0.075};         // across the metacarpal heads
inline constexpr MedianPair kElbowFingertipLength{0.475, 0.430};  // back of the elbow to middle fingertip
// Bodyspace's hand table (same population)*: palm length (wrist crease to the root of
// the middle finger) and hand thickness at the metacarpals.
inline constexpr MedianPair kPalmLength{0.105, 0.095};
inline constexpr MedianPair kHandThickness{0.030, 0.026};
// US Army hand anthropometry (Greiner 1991, NATICK/TR-92/011)*: thumb breadth at the
// interphalangeal joint, index finger breadth at the distal joint, finger thickness
// at the proximal interphalangeal joint (the knuckle of a loose fist).
inline constexpr MedianPair kThumbBreadth{0.023, 0.020};
inline constexpr MedianPair kFingerBreadthDistal{0.018, 0.016};
inline constexpr MedianPair kFingerThicknessPip{0.021, 0.019};
// ANSUR II (Gordon et al. 2014, NATICK/TR-15/007)*: forearm circumference, flexed.
inline constexpr MedianPair kForearmCircumference{0.300, 0.255};

}  // namespace backsim::hand
