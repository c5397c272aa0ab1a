// Opens a lesson page in headless Chromium, as the tests' browser: one run of
// `chromium --headless --screenshot` per picture, with the page's state read from its
// console line "backsim-lesson-state {json}" (cli/lesson/page/lesson.js).
//
// Why not the DevTools protocol (puppeteer, playwright): the page takes its moment and
// field from URL query parameters and moves its own slider and selector with them, so
// a screenshot per URL tests the same code paths with nothing to download at test time.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace backsim::test {

// $BACKSIM_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH.
inline std::optional<std::filesystem::path> find_chromium() {
  if (const char* explicit_path = std::getenv("BACKSIM_CHROMIUM"); explicit_path && *explicit_path)
    return std::filesystem::path(explicit_path);
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
      const std::filesystem::path candidate = std::filesystem::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

struct PageShot {
  int exit_code = -1;        // Chromium's; -1 if it had to be killed
  std::string state;         // the JSON of "backsim-lesson-state", empty if never logged
  std::string errors;        // every "backsim-lesson-error" line
  std::string log;           // Chromium's whole stderr, for failure messages
};

// Loads file://page?query in a width x height window, waits (in virtual time) for the
// page to settle, and writes a PNG to `png`. `work` is a scratch directory.
inline PageShot screenshot_page(const std::filesystem::path& chromium, const std::filesystem::path& page,
                                const std::string& query, const std::filesystem::path& png, int width, int height,
                                const std::filesystem::path& work) {
  const std::filesystem::path profile = work / ("profile-" + png.stem().string());
  const std::filesystem::path log_path = work / (png.stem().string() + ".log");
  std::filesystem::create_directories(profile);
  const std::vector<std::string> args = {
      chromium.string(),
      "--headless",
      // The test runs as whatever user ctest runs as, root in containers, where
      // Chromium's sandbox cannot start; the page is our own.
      "--no-sandbox",
      "--disable-dev-shm-usage",  // containers often have a 64 MB /dev/shm
      "--no-first-run",
      "--user-data-dir=" + profile.string(),
      // WebGL without a GPU: SwiftShader, the software renderer built into Chromium.
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--enable-logging=stderr",
      "--v=0",
      "--hide-scrollbars",
      "--force-device-scale-factor=1",
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      // Virtual time runs the page's loading and first frames to completion before
      // the picture is taken, however slow the machine.
      "--virtual-time-budget=15000",
      "--screenshot=" + png.string(),
      "file://" + std::filesystem::absolute(page).string() + query,
  };
  std::error_code ignored;
  std::filesystem::remove(png, ignored);
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* log = std::freopen(log_path.c_str(), "w", stderr);
    if (!log) _exit(127);
    if (!std::freopen("/dev/null", "w", stdout)) _exit(127);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  PageShot shot;
  int status = 0;
  // 120 s: a screenshot takes 2-4 s here; a hung browser must not hang the test suite.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  shot.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log_path);
  std::stringstream all;
  all << in.rdbuf();
  shot.log = all.str();
  std::istringstream lines(shot.log);
  std::string line;
  while (std::getline(lines, line)) {
    if (const auto at = line.find("backsim-lesson-state "); at != std::string::npos) {
      // Chromium writes: ...CONSOLE...] "backsim-lesson-state {json}", source: ...
      std::string json = line.substr(at + 21);
      const auto end = json.rfind("\", source:");
      shot.state = end == std::string::npos ? json : json.substr(0, end);
    }
    if (line.find("backsim-lesson-error") != std::string::npos) shot.errors += line + "\n";
  }
  return shot;
}

}  // namespace backsim::test
