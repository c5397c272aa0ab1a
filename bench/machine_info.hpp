// What the bench ran on: the CPU's name, the host's name, hardware threads.
#pragma once

#include <string>

namespace backsim::bench {

std::string cpu_model();
std::string machine_name();
unsigned hardware_threads();

}  // namespace backsim::bench
