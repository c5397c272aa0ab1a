// Runs a piece of the bench in a forked child process and hands its result back as
// bytes. Each measurement gets a fresh process, so its peak resident memory is its
// own (getrusage in the child) and no state leaks between rows. The parent never
// starts OpenMP threads, so forking is safe with libgomp.
#pragma once

#include <functional>
#include <string>

namespace backsim::bench {

struct ChildResult {
  bool ok = false;
  std::string bytes;  // what the child wrote (ok), or why it failed
};

// `work` runs in the child and returns the bytes to hand back; an exception in it
// becomes ok = false with its message.
ChildResult run_in_child(const std::function<std::string()>& work);

// Peak resident set size of this process, MiB.
double peak_rss_mib();

}  // namespace backsim::bench
