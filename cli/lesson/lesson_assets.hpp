// Files compiled into the backsim program for the lesson page, so that `backsim view`
// needs nothing beside the binary: the page's template, style and script
// (cli/lesson/page/) and the vendored three.js (third_party/three/).
#pragma once

#include <string_view>

namespace backsim::cli {

struct LessonAssets {
  std::string_view page_html;       // template with @@...@@ markers (lesson_page.cpp)
  std::string_view page_css;
  std::string_view page_js;         // an ES module
  std::string_view three_core;      // three.core.min.js
  std::string_view three_module;    // three.module.min.js (imports ./three.core.min.js)
  std::string_view orbit_controls;  // examples/jsm/controls/OrbitControls.js (imports 'three')
  std::string_view three_version;   // npm version, e.g. "0.185.1"
};

const LessonAssets& lesson_assets();

}  // namespace backsim::cli
