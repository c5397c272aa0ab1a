#include "cli/techniques_command.hpp"

#include "cli/exit_codes.hpp"
#include "models/hand/contact_surfaces.hpp"
#include "models/hand/skin_friction.hpp"
#include "scenarios/techniques.hpp"

#include <fmt/format.h>

#include <string>

namespace backsim::cli {

namespace {

std::string load_of(const Technique& t) {
  if (t.control == ToolControl::force) return fmt::format("{:g} N", t.normal_force);
  return fmt::format("{:g} mm deep", 1e3 * t.press_depth);
}

std::string pattern_of(const Technique& t) {
  std::string p = fmt::format("{:g} cm/s", 100 * t.speed);
  if (t.oscillation == PathOscillation::circle)
    p += fmt::format(", circles r {:g} mm at {:g} Hz", 1e3 * t.oscillation_amplitude, t.oscillation_frequency);
  if (t.oscillation == PathOscillation::line)
    p += fmt::format(", across +/-{:g} mm at {:g} Hz", 1e3 * t.oscillation_amplitude, t.oscillation_frequency);
  if (t.percussion_amplitude > 0)
    p += fmt::format(", strikes {:g} mm at {:g} Hz", 1e3 * t.percussion_amplitude, t.percussion_frequency);
  if (t.hold_time > 0) p += fmt::format(", hold {:g} s", t.hold_time);
  return p;
}

}  // namespace

int run_techniques_command() {
  fmt::print("Techniques (motion.technique; every value can be overridden by the stroke's own keys):\n\n");
  fmt::print("  {:<22} {:<12} {:<10} {:<12} {:<8} {:<8} {}\n", "technique", "tool", "control", "load", "press s",
             "release", "pattern");
  for (const Technique& t : techniques()) {
    fmt::print("  {:<22} {:<12} {:<10} {:<12} {:<8g} {:<8g} {}\n", t.name, t.tool,
               t.control == ToolControl::force ? "force" : "kinematic", load_of(t), t.press_time, t.release_time,
               pattern_of(t));
  }
  fmt::print("\n  what each does, and where its figures come from:\n");
  for (const Technique& t : techniques())
    fmt::print("  {:<22} {}{}\n  {:<22} ({})\n", t.name, t.summary,
               t.dynamic ? fmt::format("; needs backward_euler, time_step <= 1/({:g} f)", kStepsPerCycle) : "", "",
               t.source);
  fmt::print("\nHand surfaces (tool.surface, or a stroke's tool):\n\n");
  for (const ContactSurfaceSpec& s : contact_surfaces()) fmt::print("  {:<14} {}\n", s.name, s.description);
  fmt::print("\nSkin (tool.skin):\n\n");
  for (const FrictionPreset& p : friction_presets())
    fmt::print("  {:<10} mu = {:<5g} {}\n", p.name, p.coefficient, p.description);
  fmt::print("\nStyles (protocols in scenarios/styles/; run with backsim run scenarios/styles/FILE):\n\n");
  for (const MassageStyle& s : massage_styles()) fmt::print("  {:<12} {:<18} {}\n", s.name, s.file, s.summary);
  return exit_code::ok;
}

}  // namespace backsim::cli
