// Mesh quality at every resolution and across a sampled cohort; cohort determinism.
#include "tests/models/back_test_helpers.hpp"

#include <catch2/catch.hpp>

using namespace backsim;
using namespace backsim::models;

namespace {

// Bounds on quality. The worst tets are in the 1 mm fascia and 2 mm skin under the
// largest lateral cells at the flank: a flat Kuhn tet of thickness h under a cell of
// width a has aspect ratio ~0.6 a / h and smallest dihedral ~atan(h / a). The lateral
// cells are ~45 / 20 / 10 mm at the edge (coarse / standard / fine), so the bounds are
// those estimates with ~30 % margin for the curvature and a thin or wide subject.
struct QualityBound {
  Resolution resolution;
  double min_dihedral_deg;
  double max_aspect_ratio;
};
constexpr QualityBound kBounds[] = {
    {Resolution::coarse, 0.6, 45.0},
    {Resolution::standard, 1.2, 25.0},
    {Resolution::fine, 2.4, 14.0},
};

void check_quality(const BackModel& model, const QualityBound& bound) {
  INFO(resolution_name(bound.resolution) << ": " << model.mesh.tet_count() << " tets, min dihedral "
       << model.quality.min_dihedral_deg << ", worst aspect " << model.quality.worst_aspect_ratio);
  CHECK(model.quality.inverted_or_degenerate == 0);
  CHECK(model.quality.min_volume > 0);
  CHECK(model.quality.min_dihedral_deg >= bound.min_dihedral_deg);
  CHECK(model.quality.worst_aspect_ratio <= bound.max_aspect_ratio);
}

}  // namespace

TEST_CASE("each resolution has its tet budget, positive tets and bounded quality", "[models]") {
  for (const QualityBound& bound : kBounds) {
    const BackModel model = generate_back(preset_subject(Condition::healthy), bound.resolution);
    const std::size_t n = model.mesh.tet_count();
    INFO(resolution_name(bound.resolution) << " generated in " << model.generation_seconds << " s");
    switch (bound.resolution) {
      case Resolution::coarse: CHECK(n <= 10'000); break;
      case Resolution::standard: CHECK((n >= 30'000 && n <= 60'000)); break;
      case Resolution::fine: CHECK(n >= 200'000); break;
    }
    // the budget: under 10 s even when fine (a Debug build is slower; the
    // bound holds with a wide margin in Release, ~0.3 s)
    CHECK(model.generation_seconds < 10.0);
    check_quality(model, bound);
    for (const Vec3& f : model.mesh.fibre) REQUIRE(f.allFinite());
  }
}

TEST_CASE("a sampled cohort of 20 subjects meshes within the quality bounds", "[models]") {
  for (int c = 0; c < 5; ++c) {
    const auto condition = static_cast<Condition>(c);
    for (std::uint64_t i = 0; i < 4; ++i) {
      const SubjectParams subject = sample_subject(condition, 2024, i);
      INFO(condition_name(condition) << " subject " << i << ": fat_scale " << subject.fat_scale << ", muscle_scale "
           << subject.muscle_scale << ", back " << subject.back_length << " m");
      const BackModel model = generate_back(subject, Resolution::coarse);
      check_quality(model, kBounds[0]);
      CHECK(model.held_nodes.size() > 0);
    }
  }
}

TEST_CASE("cohort sampling is deterministic in (seed, index)", "[models]") {
  const SubjectParams a = sample_subject(Condition::healthy, 7, 3);
  const SubjectParams b = sample_subject(Condition::healthy, 7, 3);
  CHECK(a.back_length == b.back_length);
  CHECK(a.fat_scale == b.fat_scale);
  CHECK(a.baseline_tone == b.baseline_tone);
  // another index or seed gives another subject
  CHECK(sample_subject(Condition::healthy, 7, 4).back_length != a.back_length);
  CHECK(sample_subject(Condition::healthy, 8, 3).back_length != a.back_length);
  // the same subject gives the same mesh, bit for bit
  const BackModel m1 = generate_back(a, Resolution::coarse);
  const BackModel m2 = generate_back(b, Resolution::coarse);
  CHECK(m1.mesh.nodes == m2.mesh.nodes);
  CHECK(m1.mesh.tets == m2.mesh.tets);
  CHECK(m1.mesh.region == m2.mesh.region);
  // subject i does not depend on having sampled others first
  (void)sample_subject(Condition::healthy, 7, 0);
  CHECK(sample_subject(Condition::healthy, 7, 3).back_length == a.back_length);
}

TEST_CASE("subject parameters are validated with their range", "[models]") {
  SubjectParams s = preset_subject(Condition::healthy);
  s.fat_scale = 10.0;
  CHECK_THROWS_WITH(generate_back(s, Resolution::coarse), Catch::Contains("fat_scale = 10 is out of range; allowed: 0.3 to 3"));
  SubjectParams t = preset_subject(Condition::healthy);
  CHECK_THROWS_WITH(set_subject_parameter(t, "height", 1.8), Catch::Contains("unknown subject parameter \"height\""));
}
