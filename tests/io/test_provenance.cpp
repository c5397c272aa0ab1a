// make_provenance and utc_now_iso8601.
#include "engine/io/provenance.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace backsim;

TEST_CASE("utc_now_iso8601: YYYY-MM-DDTHH:MM:SSZ") {
  CHECK(std::regex_match(utc_now_iso8601(), std::regex(R"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST_CASE("make_provenance: build, host, time and scenario digest") {
  const Provenance provenance = make_provenance("radius = 0.02\n", 42, 3, "backsim run x.toml");
  CHECK(provenance.scenario == "radius = 0.02\n");
  CHECK(provenance.scenario_sha256 == sha256_hex("radius = 0.02\n"));
  CHECK(provenance.seed == 42);
  CHECK(provenance.threads == 3);
  CHECK(provenance.command_line == "backsim run x.toml");
  CHECK_FALSE(provenance.backsim_version.empty());
  CHECK_FALSE(provenance.git_sha.empty());
  CHECK_FALSE(provenance.compiler.empty());
  CHECK_FALSE(provenance.host.empty());
  CHECK(std::regex_match(provenance.started_utc,
                         std::regex(R"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}
