// The words a scenario file uses for enumerated settings, shared by the loader (text
// -> enum) and the writer (enum -> text) so that the two cannot disagree.
#pragma once

#include "engine/sim/simulation_spec.hpp"
#include "models/back/back_mesher.hpp"
#include "models/back/body_supports.hpp"
#include "models/back/fibre_path.hpp"
#include "models/import/mesh_import.hpp"
#include "models/subject.hpp"
#include "scenarios/model_source.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace backsim::scenario_schema {

template <class Enum>
struct NamedValue {
  std::string_view name;
  Enum value;
};

// geometry.type (GeometryType is declared in model_source.hpp).
// boundary.fixed: which faces are held (maps to BoundarySpec's two flags).
enum class FixedFaces { bottom, bottom_and_sides };

inline constexpr std::array kGeometryTypes{NamedValue<GeometryType>{"block", GeometryType::block},
                                          NamedValue<GeometryType>{"back", GeometryType::back},
                                          NamedValue<GeometryType>{"mesh", GeometryType::mesh}};
inline constexpr std::array kPresets{
    NamedValue<models::Condition>{"healthy", models::Condition::healthy},
    NamedValue<models::Condition>{"desk-worker", models::Condition::desk_worker},
    NamedValue<models::Condition>{"low-back-pain", models::Condition::low_back_pain},
    NamedValue<models::Condition>{"post-workout", models::Condition::post_workout},
    NamedValue<models::Condition>{"pregnancy", models::Condition::pregnancy}};
// motion.fibre_path: a named muscle (one side), which way relative to its fibres,
// and the heading that picks the sense (models/back/fibre_path.hpp).
inline constexpr std::array kMuscles{
    NamedValue<models::Muscle>{"trapezius_upper", models::Muscle::trapezius_upper},
    NamedValue<models::Muscle>{"trapezius_middle", models::Muscle::trapezius_middle},
    NamedValue<models::Muscle>{"trapezius_lower", models::Muscle::trapezius_lower},
    NamedValue<models::Muscle>{"latissimus_dorsi", models::Muscle::latissimus_dorsi},
    NamedValue<models::Muscle>{"rhomboids", models::Muscle::rhomboids},
    NamedValue<models::Muscle>{"erector_spinae_thoracic", models::Muscle::erector_spinae_thoracic},
    NamedValue<models::Muscle>{"erector_spinae_lumbar", models::Muscle::erector_spinae_lumbar},
    NamedValue<models::Muscle>{"multifidus", models::Muscle::multifidus},
    NamedValue<models::Muscle>{"quadratus_lumborum", models::Muscle::quadratus_lumborum}};
inline constexpr std::array kSides{NamedValue<models::Side>{"left", models::Side::left},
                                   NamedValue<models::Side>{"right", models::Side::right}};
inline constexpr std::array kFibreDirections{
    NamedValue<models::FibreDirection>{"along", models::FibreDirection::along},
    NamedValue<models::FibreDirection>{"across", models::FibreDirection::across}};
inline constexpr std::array kHeadings{NamedValue<models::Heading>{"cranial", models::Heading::cranial},
                                      NamedValue<models::Heading>{"caudal", models::Heading::caudal},
                                      NamedValue<models::Heading>{"lateral", models::Heading::lateral},
                                      NamedValue<models::Heading>{"medial", models::Heading::medial}};
inline constexpr std::array kResolutions{
    NamedValue<models::Resolution>{"coarse", models::Resolution::coarse},
    NamedValue<models::Resolution>{"standard", models::Resolution::standard},
    NamedValue<models::Resolution>{"fine", models::Resolution::fine}};
inline constexpr std::array kMeshFormats{NamedValue<models::MeshFormat>{"msh", models::MeshFormat::msh},
                                         NamedValue<models::MeshFormat>{"vtk", models::MeshFormat::vtk},
                                         NamedValue<models::MeshFormat>{"vtu", models::MeshFormat::vtu}};
enum class RegionRole { tissue, bone };
inline constexpr std::array kRegionRoles{NamedValue<RegionRole>{"tissue", RegionRole::tissue},
                                         NamedValue<RegionRole>{"bone", RegionRole::bone}};
inline constexpr std::array kMaterialModels{
    NamedValue<MaterialModel>{"stable_neo_hookean", MaterialModel::stable_neo_hookean}};
inline constexpr std::array kFixedFaces{
    NamedValue<FixedFaces>{"bottom", FixedFaces::bottom},
    NamedValue<FixedFaces>{"bottom_and_sides", FixedFaces::bottom_and_sides}};
inline constexpr std::array kToolShapes{NamedValue<ToolShape>{"sphere", ToolShape::sphere},
                                        NamedValue<ToolShape>{"capsule", ToolShape::capsule},
                                        NamedValue<ToolShape>{"box", ToolShape::box}};
inline constexpr std::array kToolControls{
    NamedValue<ToolControl>{"kinematic", ToolControl::kinematic},
    NamedValue<ToolControl>{"force", ToolControl::force}};
inline constexpr std::array kPathOscillations{
    NamedValue<PathOscillation>{"none", PathOscillation::none},
    NamedValue<PathOscillation>{"circle", PathOscillation::circle},
    NamedValue<PathOscillation>{"line", PathOscillation::line}};
// Body positions: where gravity points in the back's frame (x to the patient's right,
// y cranial, z posterior). Prone: toward the table (-z); lying on the left side: the
// left (-x) side down; seated: toward the feet (-y).
inline constexpr std::array kPostures{
    NamedValue<models::BodyPosition>{"prone", models::BodyPosition::prone},
    NamedValue<models::BodyPosition>{"side_lying_left", models::BodyPosition::side_lying_left},
    NamedValue<models::BodyPosition>{"side_lying_right", models::BodyPosition::side_lying_right},
    NamedValue<models::BodyPosition>{"seated", models::BodyPosition::seated}};
inline constexpr std::array kTimeIntegrations{
    NamedValue<TimeIntegration>{"quasi_static", TimeIntegration::quasi_static},
    NamedValue<TimeIntegration>{"backward_euler", TimeIntegration::backward_euler}};
inline constexpr std::array kSolverMethods{
    NamedValue<SolverMethod>{"newton", SolverMethod::newton},
    NamedValue<SolverMethod>{"explicit", SolverMethod::explicit_central},
    NamedValue<SolverMethod>{"xpbd", SolverMethod::xpbd},
    NamedValue<SolverMethod>{"bullet", SolverMethod::bullet}};

inline constexpr std::array kPreconditioners{
    NamedValue<Preconditioner>{"block_jacobi", Preconditioner::block_jacobi},
    NamedValue<Preconditioner>{"cholesky", Preconditioner::cholesky},
    NamedValue<Preconditioner>{"two_level", Preconditioner::two_level}};

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<NamedValue<Enum>, N>& names, std::string_view name) {
  for (const auto& named : names) {
    if (named.name == name) return named.value;
  }
  return std::nullopt;
}

// The name of an enum value; an enum value without a name is a bug in this table.
template <class Enum, std::size_t N>
std::string_view name_of(const std::array<NamedValue<Enum>, N>& names, Enum value) {
  for (const auto& named : names) {
    if (named.value == value) return named.name;
  }
  return {};
}

// "\"sphere\", \"capsule\", \"box\"" for messages.
template <class Enum, std::size_t N>
std::string quoted_names(const std::array<NamedValue<Enum>, N>& names) {
  std::string list;
  for (const auto& named : names) {
    if (!list.empty()) list += ", ";
    list += '"';
    list += named.name;
    list += '"';
  }
  return list;
}

}  // namespace backsim::scenario_schema
