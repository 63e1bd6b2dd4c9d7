# Project-wide compile flags and the one test helper (STYLE.md section 10).

add_library(sky_warnings INTERFACE)
target_compile_options(sky_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(SKY_WERROR)
  target_compile_options(sky_warnings INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(sky_warnings INTERFACE -Wthread-safety)
endif()
# Sanitizers apply to every target (add_compile_options), so the libraries the tests link are
# instrumented too. ASan and TSan cannot share a process: the two options exclude each other.
if(SKY_SANITIZE AND SKY_TSAN)
  message(FATAL_ERROR "SKY_SANITIZE (ASan+UBSan) and SKY_TSAN (ThreadSanitizer) cannot be combined: "
    "configure one build directory per sanitizer (./test.sh --asan, ./test.sh --tsan)")
endif()
# Sanitizer builds compile at -O1 with line tables only (-g1): the optimisation level both
# sanitizers' manuals advise, and on CI's 2 cores a from-scratch build is much shorter than at
# -O2 -g. These options come after the build type's flags, so they win.
if(SKY_SANITIZE OR SKY_TSAN)
  add_compile_options(-O1 -g1)
endif()
if(SKY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(SKY_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
# GCC's manual: "sanitizers tend to increase the rate of false positive warnings, most notably
# those around -Wmaybe-uninitialized". GCC 12 reports one inside <regex>'s std::function under
# -O2 -fsanitize=address; the plain builds still check this warning.
if((SKY_SANITIZE OR SKY_TSAN) AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sky_warnings INTERFACE -Wno-maybe-uninitialized)
endif()

# sky_test_code: linked by the test, benchmark and fuzz-replay code. In the sanitizer builds it
# compiles at -O0 without debug info: test code is two thirds of those builds' compile time
# (a test TU under ASan + UBSan: 29 s at -O1 -g1, 8 s at -O0 -g0), while the libraries under
# test keep -O1 -g1, so that a finding in them names its file and line. Interface options come
# after the directory's, so these win.
add_library(sky_test_code INTERFACE)
if(SKY_SANITIZE OR SKY_TSAN)
  target_compile_options(sky_test_code INTERFACE -O0 -g0)
endif()

# sky_add_library(NAME [ALIAS a] SRCS ... PUBLIC libs... PRIVATE libs...)
# A static library with the public include tree <dir>/include and the repo root for internals.
function(sky_add_library name)
  cmake_parse_arguments(A "" "ALIAS" "SRCS;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${A_SRCS})
  target_include_directories(${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_PUBLIC} PRIVATE ${A_PRIVATE} $<BUILD_INTERFACE:sky_warnings>)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(A_ALIAS)
    add_library(${A_ALIAS} ALIAS ${name})
  endif()
endfunction()

# _sky_test_executable(NAME SRCS srcs LINK libs): the test binary both helpers below build,
# with the source and shared-data paths the tests read.
function(_sky_test_executable name)
  cmake_parse_arguments(E "" "" "SRCS;LINK" ${ARGN})
  add_executable(${name} ${E_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${E_LINK} sky_warnings sky_test_code GTest::gtest_main
    GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    SKY_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SKY_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
endfunction()

# sky_add_test(NAME src... LINK libs... LABELS labels...): one ctest test per TEST.
function(sky_add_test name)
  if(NOT SKY_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "LINK;LABELS" ${ARGN})
  _sky_test_executable(${name} SRCS ${T_UNPARSED_ARGUMENTS} LINK ${T_LINK})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# sky_add_process_test(NAME src... LINK libs... LABELS labels... [TIMEOUT s]): like
# sky_add_test, but registered as ONE ctest test, for binaries that start an expensive shared
# server (prism) once per process instead of once per TEST.
function(sky_add_process_test name)
  if(NOT SKY_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "TIMEOUT" "LINK;LABELS" ${ARGN})
  _sky_test_executable(${name} SRCS ${T_UNPARSED_ARGUMENTS} LINK ${T_LINK})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()

# sky_add_bench(NAME src... LINK libs...): a Google Benchmark binary (not run by ctest).
function(sky_add_bench name)
  if(NOT SKY_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(B "" "" "LINK" ${ARGN})
  add_executable(${name} ${B_UNPARSED_ARGUMENTS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${B_LINK} sky_warnings sky_test_code benchmark::benchmark)
  target_compile_definitions(${name} PRIVATE
    SKY_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SKY_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
endfunction()
