# SKY_FUZZ: libFuzzer builds of the parsers of outside input (tests/fuzz/). Every library is
# instrumented for coverage and built with ASan + UBSan (UB aborts, so libFuzzer sees it as a
# crash); each fuzz target links libFuzzer's main. Needs clang: configure with
#   CC=clang CXX=clang++ cmake -DSKY_FUZZ=ON -DSKY_BUILD_TESTS=OFF ...
# tests/fuzz/run_fuzz.sh does this in build-fuzz/.
if(SKY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SKY_FUZZ needs clang for libFuzzer (the C++ compiler is "
      "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}): configure a fresh build directory with "
      "CC=clang CXX=clang++ (Debian packages clang, libclang-rt-14-dev).")
  endif()
  if(SKY_TSAN)
    message(FATAL_ERROR "SKY_FUZZ builds with ASan + UBSan, which cannot be combined with SKY_TSAN")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
