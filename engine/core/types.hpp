// Basic scalar, index and small-vector types used across backsim.
#pragma once

#include <Eigen/Dense>  // Core + LU (determinant, inverse) + Geometry (cross)

#include <array>
#include <cstdint>
#include <vector>

namespace backsim {

using Index = std::uint32_t;  // node, element and triangle ids: 32 bit, flat arrays
using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
using Tet = std::array<Index, 4>;
using Tri = std::array<Index, 3>;

inline constexpr Index kInvalidIndex = ~Index{0};

}  // namespace backsim
