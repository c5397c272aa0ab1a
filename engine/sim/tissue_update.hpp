// The tissue's slow processes, advanced once per mechanical step (operator
// splitting: the mechanics of a step sees the tone and overstress of its start; the
// tone, stimulus and viscous memory are then advanced with the step's solution).
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/potential.hpp"
#include "engine/sim/state.hpp"

namespace backsim {

// Sizes the tissue state of a fresh run: resting tone, zero memory.
void initialise_tissue(const Model& model, State& state);
// The step's constants: each region's matrix with its instantaneous overstress
// (depends on h) and each viscous element's remembered overstress H.
void prepare_tissue_step(const Model& model, const State& state, double h, Scratch& w);
// After a converged step (state.q at the end of the step, w.gradient evaluated
// there): measure_tissue_forcing, then advance_slow_tissue.
void advance_tissue(const StepProblem& p, State& state, Scratch& w);
// The step's solution as the slow processes feel it, into w.forcing: each element's
// pressure, stimulus and viscous drive, and the friction power on skin elements.
// Also updates the run's peak pressure on bone and peak strain, and the deviatoric
// energy the next step's stimulus is measured from.
void measure_tissue_forcing(const StepProblem& p, State& state, Scratch& w);
// Advances stimulus dose, viscous memory, tone and circulation over one step of
// length forcing.h driven by `forcing`. Reads nothing of the mechanics but the
// forcing, so a recorded forcing replays a step exactly.
void advance_slow_tissue(const Model& model, const TissueForcing& forcing, State& state, Scratch& w);

// Deviatoric strain-energy density used as the tone stimulus: the stable
// Neo-Hookean (mu, mu / 3), zero small-strain bulk modulus, with mu the
// instantaneous shear modulus of the element's matrix.
double deviatoric_energy_density(const TissueMaterial& mat, const Mat3& F);

}  // namespace backsim
