// Every number of a State, as named flat arrays of doubles: what a checkpoint must
// save for a resumed run to continue bit for bit (step() depends only on the state
// and dt: step.cpp). One list, so that saving and restoring cannot disagree, and a
// field added to State without being added here is caught by the checkpoint test
// (the resumed run would differ).
#pragma once

#include "engine/sim/state.hpp"

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace backsim {

// Calls visit(name, pointer to the first double, count) for each array of `state`
// (a State or a const State), in a fixed order. The step counter is an integer and
// is left to the caller.
template <class StateType, class Visit>
void visit_state_arrays(StateType& state, Visit&& visit) {
  static_assert(std::is_same_v<std::remove_const_t<StateType>, State>);
  static_assert(sizeof(Vec3) == 3 * sizeof(double) && sizeof(Mat3) == 9 * sizeof(double), "Eigen types are packed");
  static_assert(std::is_standard_layout_v<ZoneLoad> && sizeof(ZoneLoad) == 4 * sizeof(double),
                "a zone load is four doubles");
  using Double = std::conditional_t<std::is_const_v<StateType>, const double, double>;
  const auto vec = [&](std::string_view name, auto& v) { visit(name, v.data(), v.size()); };
  const auto mat3s = [&](std::string_view name, auto& v) {
    visit(name, v.empty() ? static_cast<Double*>(nullptr) : v.data()->data(), 9 * v.size());
  };
  visit("time", &state.time, std::size_t{1});
  vec("q", state.q);
  vec("velocity", state.velocity);
  visit("tool_position", state.tool_position.data(), std::size_t{3});
  visit("tool_force", state.tool_force.data(), std::size_t{3});
  visit("tool_release_depth", &state.tool_release_depth, std::size_t{1});
  auto& tissue = state.tissue;
  vec("tissue/activation", tissue.activation);
  vec("tissue/stimulus_dose", tissue.stimulus_dose);
  vec("tissue/deviatoric_energy", tissue.deviatoric_energy);
  vec("tissue/pressure", tissue.pressure);
  mat3s("tissue/drive_stress", tissue.drive_stress);
  mat3s("tissue/overstress", tissue.overstress);
  auto& c = state.circulation;
  visit("circulation/time", &c.time, std::size_t{1});
  vec("circulation/blood_volume", c.blood_volume);
  vec("circulation/dilation", c.dilation);
  vec("circulation/debt", c.debt);
  vec("circulation/inflow", c.inflow);
  vec("circulation/outflow", c.outflow);
  vec("circulation/perfusion_index", c.perfusion_index);
  vec("circulation/inflow_volume", c.inflow_volume);
  vec("circulation/outflow_volume", c.outflow_volume);
  vec("circulation/exchange_volume", c.exchange_volume);
  vec("circulation/flushed_volume", c.flushed_volume);
  auto& t = state.totals;
  visit("totals/therapist_work", &t.therapist_work, std::size_t{1});
  visit("totals/net_work", &t.net_work, std::size_t{1});
  visit("totals/peak_bone_pressure", &t.peak_bone_pressure, std::size_t{1});
  visit("totals/peak_principal_strain", &t.peak_principal_strain, std::size_t{1});
  visit("totals/zones", t.zones.empty() ? static_cast<Double*>(nullptr) : &t.zones.data()->peak_force,
        4 * t.zones.size());
}

}  // namespace backsim
