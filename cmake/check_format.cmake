# check_format.cmake - fail naming every C file that clang-format would
# change (the checked-in .clang-format, STYLE.md rule 10).
#
#   cmake -DCLANG_FORMAT=/usr/bin/clang-format -DROOT=REPO \
#         -P cmake/check_format.cmake
#
# The CTest test `format` runs this. Each pattern must match at least one
# file, and a missing clang-format is a failure, not a skip: a check that
# checks nothing must not pass. `clang-format -i FILE...` applies the style.

set(patterns src/*/*.c src/*/*.h harness/*.c harness/*.h
    tests/*.c tests/fake/*.c tests/ext/*.c tests/consumer/*.c bench/*.c)

if(NOT CLANG_FORMAT OR NOT EXISTS "${CLANG_FORMAT}")
    message(FATAL_ERROR "format: clang-format not found (CLANG_FORMAT="
        "'${CLANG_FORMAT}'); install the Debian package clang-format "
        "(ci/install-deps.sh) and configure again")
endif()
if(NOT EXISTS "${ROOT}/.clang-format")
    message(FATAL_ERROR "format: missing fixture: ${ROOT}/.clang-format")
endif()

set(files)
foreach(pattern IN LISTS patterns)
    file(GLOB matched RELATIVE "${ROOT}" "${ROOT}/${pattern}")
    if(NOT matched)
        message(FATAL_ERROR "format: missing fixture: ${pattern} matches "
            "no file under ${ROOT}")
    endif()
    list(SORT matched)
    list(APPEND files ${matched})
endforeach()

set(differ)
set(places 0)
foreach(file IN LISTS files)
    execute_process(
        COMMAND "${CLANG_FORMAT}" --dry-run --Werror --style=file "${file}"
        WORKING_DIRECTORY "${ROOT}"
        RESULT_VARIABLE rc
        OUTPUT_QUIET
        ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        # One "error: code should be clang-formatted" per place that differs.
        string(REGEX MATCHALL "code should be clang-formatted" hits "${err}")
        list(LENGTH hits n)
        if(n EQUAL 0)
            # Not a style difference: clang-format itself failed.
            message(FATAL_ERROR "format: ${CLANG_FORMAT} failed on ${file} "
                "(status ${rc}):\n${err}")
        endif()
        math(EXPR places "${places} + ${n}")
        list(APPEND differ "  ${file}: ${n}")
    endif()
endforeach()

list(LENGTH files nfiles)
list(LENGTH differ ndiffer)
if(ndiffer GREATER 0)
    list(JOIN differ "\n" text)
    message(FATAL_ERROR "format: ${ndiffer} of ${nfiles} files differ from "
        ".clang-format in ${places} places (file: places):\n${text}\n"
        "See one with `${CLANG_FORMAT} --style=file FILE | diff FILE -`; "
        "apply with `${CLANG_FORMAT} -i FILE`.")
endif()
message(STATUS "format: ${nfiles} files match .clang-format")
