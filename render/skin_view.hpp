// The back seen from behind: the skin faces a viewer above a prone patient sees,
// and for each one the tissue element whose value colours it.
//
// A student wants to see the muscle, not the skin over it: tone lives in muscle
// and is zero in skin and fat, so the skin's own elements would show nothing. Each
// skin face is therefore coloured by an element on the vertical line under its
// centre (reference configuration): its own element (surface), the first muscle
// element going down (muscle), or the element at a depth below the skin (depth).
// Faces with no such element (no muscle over the spinous processes, or deeper than
// the tissue) are "unsampled" and drawn grey.
#pragma once

#include "engine/core/types.hpp"
#include "engine/mesh/tet_mesh.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace backsim::render {

enum class SampleLayer { surface, muscle, depth };

inline constexpr Index kNoTet = std::numeric_limits<Index>::max();

struct SkinView {
  std::vector<Tri> faces;            // [F] boundary faces with outward normal towards +z, counter-clockwise seen from +z
  std::vector<Index> face_tet;       // [F] the face's own element
  std::vector<Index> sample_tet;     // [F] the element whose value colours the face, or kNoTet (unsampled)
  std::vector<std::int32_t> sample_region;  // [F] its region, or -1
  // [F] the first muscle under the face, or -1: the muscle outlines and names are
  // drawn from it whatever layer the colours come from (empty without muscles)
  std::vector<std::int32_t> muscle_region;
};

// Regions other than skin, fat and the fasciae, by the back model's names
// (models/back/back_regions.cpp); an imported mesh or the block has none.
bool is_muscle_region(const std::string& region_name);
bool has_muscle(const TetMesh& mesh);

// `depth` (m) is used with SampleLayer::depth only.
SkinView make_skin_view(const TetMesh& mesh, SampleLayer layer, double depth);

}  // namespace backsim::render
