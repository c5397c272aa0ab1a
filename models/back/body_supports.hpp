// The body's position on the table or the chair: which way gravity pulls on the back,
// and what carries the tissue's weight where the model is cut from the body.
//
// The model is the back's soft tissue over held bone. Lying prone, the table carries
// the front of the body and the bone carries the back's tissue: its cut edges stay
// free. Lying on one side, the lower flank rests on the table (or a pillow): the
// tissue at that lateral edge cannot move further down, and slides along it. Seated,
// the tissue's weight comes down the back onto the pelvis and the seat: the bottom
// edge (S1) cannot move down. Each support is a roller: the coordinate along gravity
// is held, the other two are free (a sheet or a pillow lets the skin slide).
#pragma once

#include "models/back/back_mesher.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace backsim::models {

enum class BodyPosition : std::uint8_t { prone, side_lying_left, side_lying_right, seated };

std::string_view body_position_name(BodyPosition position);

// Gravity in the model's axes (back_geometry.hpp: x across, the patient's left
// negative; y cranial; z out of the back).
Vec3 position_gravity(BodyPosition position);

// The held coordinates (3 node + axis) of the supports in this position, ascending;
// none prone.
std::vector<Index> support_dofs(const BackModel& model, BodyPosition position);

// Standard gravity, m/s^2 (the value the scenario's default gravity uses).
inline constexpr double kStandardGravity = 9.81;

}  // namespace backsim::models
