// Where a scenario's tissue comes from: the block, a procedural back, or a mesh file.
#pragma once

#include "models/back/back_mesher.hpp"
#include "models/back/body_supports.hpp"
#include "models/import/mesh_import.hpp"
#include "models/subject.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace backsim {

namespace scenario_schema {
enum class GeometryType { block, back, mesh };
}

// [geometry] type = "back": a preset subject (or subject `subject_index` of the preset's
// cohort with `cohort_seed`), a resolution and the subject parameters the file
// overrides (in file order, SI units).
struct BackSource {
  models::Condition preset = models::Condition::healthy;
  models::Resolution resolution = models::Resolution::standard;
  std::optional<std::uint64_t> cohort_seed;  // geometry.cohort_seed: a sampled subject
  std::uint64_t subject_index = 0;           // geometry.subject (with cohort_seed)
  std::vector<std::pair<std::string, double>> overrides;
  // geometry.posture: gravity's direction and the supports (body_supports.hpp)
  models::BodyPosition position = models::BodyPosition::prone;
  // The subject: the preset (or its cohort's sampled subject) with the overrides
  // applied (not validated).
  models::SubjectParams subject() const;
};

// [geometry] type = "mesh": a file and its region table.
struct MeshSource {
  std::string file;                 // resolved against the scenario file's directory
  models::MeshFormat format = models::MeshFormat::msh;
  models::MeshImportOptions options;
};

struct ModelSource {
  scenario_schema::GeometryType type = scenario_schema::GeometryType::block;
  BackSource back;   // when type == back
  MeshSource mesh;   // when type == mesh
};

}  // namespace backsim
