// The scenarios built into backsim, as scenario text (so that they go through the same
// loader and checks as a user's file).
#include "scenarios/scenario.hpp"

namespace backsim {
namespace {

// Keep identical to scenarios/examples/demo_block.toml (a test compares them).
constexpr std::string_view kDemoScenario = R"(# backsim demo: a sphere presses 8 mm into a block of soft tissue, then glides 8 cm
# along the skin. This file is a copy of the scenario built into backsim
# (scenarios/builtin_scenarios.cpp); see docs/scenario.md for every key.

[scenario]
name = "demo_block"
description = "Sphere press of 8 mm, then a 10 cm/s glide across a 20 kPa block"

# The tissue: 20 x 15 cm of skin surface, 4 cm down to the bone side.
[geometry]
type = "block"
size = ["20 cm", "15 cm", "4 cm"]
cells = [20, 15, 6]   # 6 tetrahedra per cell: 10,800 elements
grading = 1           # uniform cells

# Soft tissue: about as stiff as relaxed back muscle, nearly incompressible.
[material]
model = "stable_neo_hookean"
youngs_modulus = "20 kPa"
poisson_ratio = 0.45

# The bottom face lies on bone and does not move.
[boundary]
fixed = "bottom"

# A massage ball of 6 cm diameter.
[tool]
shape = "sphere"
radius = "3 cm"
friction = 0.3

# Press 8 mm in half a second, then glide from x = -4 cm to x = +4 cm.
[motion]
control = "kinematic"
path = [["-4 cm", "0 cm"], ["4 cm", "0 cm"]]
press_depth = "8 mm"
press_time = "0.5 s"
speed = "10 cm/s"

# Quasi-static equilibrium at every step of 20 ms (gravity: the default -9.81 m/s^2 in z).
[solver]
integration = "quasi_static"
time_step = "0.02 s"

# One stored frame every 0.1 s.
[output]
interval = "0.1 s"
)";

}  // namespace

std::string_view builtin_demo_scenario_text() { return kDemoScenario; }

}  // namespace backsim
