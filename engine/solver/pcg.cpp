#include "engine/solver/pcg.hpp"

namespace backsim {

void PcgScratch::resize(Index n) {
  r.assign(n, 0.0);
  z.assign(n, 0.0);
  p.assign(n, 0.0);
  q.assign(n, 0.0);
  partials.assign(reduction_chunk_count(n), 0.0);
}

}  // namespace backsim
