// backsim techniques: the techniques a stroke can name, with their parameters and
// defaults, and the named styles (protocol files under scenarios/styles/).
#pragma once

namespace backsim::cli {

int run_techniques_command();

}  // namespace backsim::cli
