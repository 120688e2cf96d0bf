# One INTERFACE target carrying the language standard, warnings and Qt safety defines that every
# target of the project links. Third-party code never links it.
add_library(cometd_settings INTERFACE)
target_compile_features(cometd_settings INTERFACE cxx_std_20)
target_compile_options(cometd_settings INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Werror -Wno-error=deprecated-declarations>)
target_compile_definitions(cometd_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_CAST_FROM_BYTEARRAY)

option(COMETD_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(COMETD_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only; implies coverage hooks)" OFF)
option(COMETD_BENCHMARKS "Build the benchmark programs of tests/bench (not ctests)" ON)
if(COMETD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "COMETD_FUZZ needs clang (libFuzzer); configure with the asan preset or "
                        "-DCMAKE_CXX_COMPILER=clang++")
endif()
if(COMETD_SANITIZE)
    # UB aborts like an ASan report does, so a test or a fuzzer cannot pass over it.
    set(cometd_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined)
    target_compile_options(cometd_settings INTERFACE ${cometd_sanitizers} -fno-omit-frame-pointer)
    target_link_options(cometd_settings INTERFACE ${cometd_sanitizers})
endif()
if(COMETD_FUZZ)
    # Coverage hooks on every library (the fuzz executables add -fsanitize=fuzzer for libFuzzer's
    # main); the ASan runtime gives the hooks a default body, so the tests link without libFuzzer.
    target_compile_options(cometd_settings INTERFACE -fsanitize=fuzzer-no-link)
endif()
