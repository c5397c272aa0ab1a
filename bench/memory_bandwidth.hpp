// The machine's sustainable memory bandwidth, measured with a STREAM-style triad
// a[i] = b[i] + s c[i] (McCalpin 1995) over arrays far larger than the caches.
// It is the floor against which the solvers' per-iteration times are compared:
// an iteration that must move B bytes cannot take less than B / bandwidth.
#pragma once

namespace backsim::bench {

struct Bandwidth {
  int threads = 0;
  double bytes_per_second = 0;  // best of the repetitions, counting 24 bytes per element (STREAM's convention)
};

// Triad on `threads` OpenMP threads over arrays of `elements` doubles each.
Bandwidth measure_triad_bandwidth(int threads, long elements = 1L << 25, int repetitions = 6);

}  // namespace backsim::bench
