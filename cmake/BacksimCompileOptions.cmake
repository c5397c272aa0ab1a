# Warnings and sanitizers as interface targets that every backsim target links.

add_library(backsim_warnings INTERFACE)
target_compile_options(backsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough)
if(BACKSIM_WARNINGS_AS_ERRORS)
  target_compile_options(backsim_warnings INTERFACE -Werror)
endif()
add_library(backsim::warnings ALIAS backsim_warnings)

add_library(backsim_options INTERFACE)
# Reference builds keep IEEE semantics: no fast-math flags, no FMA contraction, so the
# same input gives the same bits on every thread count.
target_compile_options(backsim_options INTERFACE -fno-fast-math -ffp-contract=off)
if(BACKSIM_NATIVE)
  target_compile_options(backsim_options INTERFACE -march=native)
endif()
if(BACKSIM_SANITIZE)
  string(REPLACE "," ";" _sanitizers "${BACKSIM_SANITIZE}")
  foreach(_s IN LISTS _sanitizers)
    if(NOT _s MATCHES "^(address|undefined|leak|thread)$")
      message(FATAL_ERROR "BACKSIM_SANITIZE: unknown sanitizer '${_s}' (allowed: address, undefined, leak, thread)")
    endif()
  endforeach()
  string(REPLACE ";" "," _san "${_sanitizers}")
  target_compile_options(backsim_options INTERFACE -fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(backsim_options INTERFACE -fsanitize=${_san})
endif()
add_library(backsim::options ALIAS backsim_options)

string(TOUPPER "${CMAKE_BUILD_TYPE}" _build_type)
string(JOIN " " BACKSIM_BUILD_FLAGS ${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_build_type}}
       "-fno-fast-math -ffp-contract=off" "BACKSIM_SANITIZE=${BACKSIM_SANITIZE}")
string(STRIP "${CMAKE_BUILD_TYPE} ${BACKSIM_BUILD_FLAGS}" BACKSIM_BUILD_FLAGS)
