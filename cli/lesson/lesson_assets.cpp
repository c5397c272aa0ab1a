// The lesson page's files, put into the program's read-only data by the assembler's
// .incbin (GCC and Clang on ELF): no generated sources, no size limit of string
// literals, and CMake rebuilds this file when one of them changes (OBJECT_DEPENDS in
// cli/lesson/CMakeLists.txt, which also defines the BACKSIM_LESSON_*_PATH strings).
#include "cli/lesson/lesson_assets.hpp"

// Each file is followed by a zero byte so that it could be read as a C string too.
#define BACKSIM_EMBED_FILE(symbol, path)                                      \
  asm(".section .rodata\n"                                                    \
      ".balign 16\n"                                                          \
      ".global " #symbol "_begin\n" #symbol "_begin:\n"                       \
      ".incbin \"" path "\"\n"                                                \
      ".global " #symbol "_end\n" #symbol "_end:\n"                           \
      ".byte 0\n"                                                             \
      ".previous\n");                                                         \
  extern "C" const char symbol##_begin[];                                     \
  extern "C" const char symbol##_end[]

BACKSIM_EMBED_FILE(backsim_lesson_html, BACKSIM_LESSON_HTML_PATH);
BACKSIM_EMBED_FILE(backsim_lesson_css, BACKSIM_LESSON_CSS_PATH);
BACKSIM_EMBED_FILE(backsim_lesson_js, BACKSIM_LESSON_JS_PATH);
BACKSIM_EMBED_FILE(backsim_three_core, BACKSIM_THREE_CORE_PATH);
BACKSIM_EMBED_FILE(backsim_three_module, BACKSIM_THREE_MODULE_PATH);
BACKSIM_EMBED_FILE(backsim_orbit_controls, BACKSIM_ORBIT_CONTROLS_PATH);

namespace backsim::cli {

namespace {
std::string_view between(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}
}  // namespace

const LessonAssets& lesson_assets() {
  static const LessonAssets assets{
      between(backsim_lesson_html_begin, backsim_lesson_html_end),
      between(backsim_lesson_css_begin, backsim_lesson_css_end),
      between(backsim_lesson_js_begin, backsim_lesson_js_end),
      between(backsim_three_core_begin, backsim_three_core_end),
      between(backsim_three_module_begin, backsim_three_module_end),
      between(backsim_orbit_controls_begin, backsim_orbit_controls_end),
      BACKSIM_THREE_VERSION,
  };
  return assets;
}

}  // namespace backsim::cli
