# leakcheck_fuzz_extension(TARGET [SANITIZERS san,...])
#
# Build a C extension module target (Python3_add_library(... MODULE ...))
# for the leak fuzzer: with clang's -fsanitize=fuzzer-no-link, so that
# libFuzzer sees the edges and comparisons of the extension's own code
# (without it, only the Python lines the case walks are coverage, and a
# check made in C is a wall), and AddressSanitizer (default), which the
# leak fuzzer is built with. The module loads into build-fuzz/fuzz_scenario
# like any other; it cannot be imported by an interpreter without the
# sanitizer runtimes (python3.11 itself), so build it in the fuzz build
# only. doc/fuzz-c-extensions.md has the recipe for extensions built
# with setuptools.
function(leakcheck_fuzz_extension target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "SANITIZERS" "")
    if(NOT arg_SANITIZERS)
        set(arg_SANITIZERS address)
    endif()
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "leakcheck_fuzz_extension(${target}): needs clang "
            "(-fsanitize=fuzzer-no-link); CC=${CMAKE_C_COMPILER}")
    endif()
    target_compile_options(${target} PRIVATE
        -fsanitize=${arg_SANITIZERS},fuzzer-no-link -fno-omit-frame-pointer -g)
    # No runtime linked into the module (clang links none into a shared
    # object): the fuzzer program carries the one runtime.
    target_link_options(${target} PRIVATE
        -fsanitize=${arg_SANITIZERS},fuzzer-no-link)
endfunction()
