// The shear modulus an elastography scanner would report: rho c^2 of a small shear
// wave travelling along the current fibre direction, polarised across it.
//
// For a small wave superposed on a finite deformation, the speed c in the current
// direction n with polarisation b follows from the acoustic tensor (Ogden 1984,
// Non-linear Elastic Deformations, sec. 6.2.7):
//   rho c^2 = b . Q(n) b,   Q_ik = (1/J) A_iJkL (F^T n)_J (F^T n)_L,
// with A = dP/dF the tangent of the instantaneous response. Along a fibre under
// tension sigma it gives mu_matrix + sigma (a string's tension stiffening; Martin et
// al. 2018, Nat Commun 9:1592, measure tendon tension from exactly this wave speed),
// which is how shear-wave elastography sees muscle tone. The polarisation is averaged
// over the two directions perpendicular to n.
#pragma once

#include "engine/core/types.hpp"
#include "engine/material/tet_kinematics.hpp"

namespace backsim {

// A = dP/dF (exact, 9x9, vec index i + 3 j), F, and the unit reference fibre a0.
double shear_wave_modulus(const Mat9& A, const Mat3& F, const Vec3& a0);

}  // namespace backsim
