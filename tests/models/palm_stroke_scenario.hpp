// The force-controlled palm stroke of the model tests: effleurage (the technique's
// 20 N palm) over the left lumbar erector spinae of the coarse back, quasi-static in
// 0.05 s steps; the palm lands at about 0.7 s and glides from T12 towards L3.
#pragma once

#include "scenarios/scenario.hpp"

#include <string>

namespace backsim::test {

// The stroke up to `duration` (a TOML time, e.g. "0.85 s").
inline Scenario coarse_back_palm_stroke(const std::string& duration) {
  return parse_scenario(R"(
[geometry]
type = "back"
resolution = "coarse"
[tool]
skin = "oiled"
[motion]
technique = "effleurage"
path = [["T12", "-5.5 cm"], ["L3", "-5.5 cm"]]
start_time = "0.5 s"
[solver]
integration = "quasi_static"
time_step = "0.05 s"
duration = ")" + duration + R"("
[output]
interval = "0.5 s"
)",
                        "<palm stroke>");
}

}  // namespace backsim::test
