// Cycle jumps for repeated strokes.
//
// A session repeats one stroke many times. The mechanics of a stroke takes tens of
// steps to resolve, but the slow state it drives (tone, viscous memory, blood
// volume) changes by a fraction of a percent per stroke. A cycle-jump method (from
// fatigue and ratcheting analysis, e.g. Cojocaru & Karlsson 2006, Int J Fatigue 28)
// resolves one cycle in full and then advances the slow variables across the cycles
// whose mechanics would repeat.
//
// Our variant: while resolving a cycle we keep the forcing of every step (the part of
// the solution that drives the slow processes: stimulus, pressure, viscous drive,
// friction power; engine/sim/state.hpp TissueForcing). A jump replays that record,
// cycle after cycle, through the same slow-process update the resolved steps use
// (advance_slow_tissue), so tone, memory and circulation follow their own laws
// exactly under the frozen forcing; only the mechanics' response to the slowly
// changing state is neglected. The mechanics is re-solved in full (a resolved cycle)
// before the slow state's stiffness has moved by more than `cycle_jump_tolerance`
// since the last resolved cycle:
//   change = max over elements of  max( |a - a_0| sigma_max / (mu + a_0 sigma_max),
//                                       |sum_i Q_i - sum_i Q_i,0|_F / mu )
// the relative change of the elastography modulus along the fibres (tone) and the
// viscous overstress against the shear modulus mu of the element's matrix. A jump
// stops before the change predicted from the last replayed cycle would cross it.
//
// Rules: the time line is cut into windows (ToolMotion::windows): waits, solved step
// by step, and the cycles of each released stroke; the time after the motion is cut
// into rest cycles of the last stroke's period. A jump replays only cycles of the
// stroke just solved (or rest after rest), and the run's last window is always
// solved. Tool work and stimulus dose accumulate per replayed cycle.
// Frames are written at resolved steps and at the end of each jump.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/state.hpp"

#include <vector>

namespace backsim {

// The slow state as the mechanics feels it, kept at a resolved cycle's end.
struct SlowStateSnapshot {
  std::vector<double> activation;  // [tet]
  std::vector<Mat3> overstress;    // [tet] sum of the Prony overstresses (viscous models)
};

SlowStateSnapshot make_slow_state_snapshot(const Model& model);
void take_snapshot(const Model& model, const State& state, SlowStateSnapshot& out);
// The change measure of the file comment, from `from` to `state`.
double slow_state_change(const Model& model, const SlowStateSnapshot& from, const State& state);

// The forcing of every step of a resolved cycle and the tool's work over it.
class CycleRecord {
 public:
  void clear(const State& state);
  void add_step(const TissueForcing& forcing);
  // Adds the steps of another record (a period replayed within this cycle).
  void add_steps(const CycleRecord& other);
  void finish(const State& state);
  // Advances `state` by one cycle of the record: slow processes, time, tool work.
  void replay(const Model& model, State& state, Scratch& w) const;

 private:
  std::vector<TissueForcing> steps_;  // grows to the longest cycle, then reused
  std::size_t used_ = 0;
  double duration_ = 0;
  RunTotals start_totals_;
  double therapist_work_ = 0;  // J over the cycle
  double net_work_ = 0;
  std::vector<ZoneLoad> zone_loads_;  // [zone] impulse and contact time over the cycle
};

}  // namespace backsim
