# LeakcheckCases.cmake - one CTest test per leakcheck case file.
#
# The same file serves leakcheck's own build (cmake/install.cmake includes
# it for cases/) and every project that does find_package(leakcheck): the
# installed leakcheckConfig.cmake includes the copy installed beside it.
#
#   leakcheck_add_cases(DIR
#       [LABELS label...]        labels added to every test
#       [PREFIX text]            test names are <PREFIX><file name without .py>
#       [ARGS arg...]            more `leakcheck run` options (default none)
#       [ENVIRONMENT VAR=VALUE...]  environment of every test
#       [TIMEOUT seconds]        CTest timeout per test (default 300)
#       [TESTS_VAR var])         the test names added, for the caller
#
# Each *.py file directly in DIR (names starting with '_' or '.' skipped, as
# `leakcheck run` skips them) becomes a test running
#   leakcheck run --no-explain -q [ARGS] FILE
# which passes when the case gets the verdict its header expects (exit 0).
# The case header is read here, at configure time, with CMake string
# operations (the glob is CONFIGURE_DEPENDS, so a new case re-runs the
# configure step), to label each test:
#   leak | clean     its expect= value (clean when absent, as src/base/case.h says)
#   upstream         its source= names an upstream bug: gh-NNN, bpo-NNN or
#                    owner/repo#NNN
#   fuzz-finding     it was written by `leakcheck repro` from a fuzzer
#                    finding: source="leak fuzzer: ..." or the docstring says
#                    "made a case by `leakcheck repro`"
#
# The program is the target leakcheck::leakcheck: an alias of the built
# program in leakcheck's own tree, an imported executable after
# find_package(leakcheck).

function(leakcheck_add_cases dir)
    cmake_parse_arguments(PARSE_ARGV 1 arg ""
        "PREFIX;TIMEOUT;TESTS_VAR" "LABELS;ARGS;ENVIRONMENT")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR
            "leakcheck_add_cases: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT TARGET leakcheck::leakcheck)
        message(FATAL_ERROR "leakcheck_add_cases: no leakcheck::leakcheck "
            "target (find_package(leakcheck) first)")
    endif()
    if(NOT arg_TIMEOUT)
        set(arg_TIMEOUT 300)
    endif()
    get_filename_component(dir "${dir}" ABSOLUTE
        BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT IS_DIRECTORY "${dir}")
        message(FATAL_ERROR "leakcheck_add_cases: ${dir} is not a folder")
    endif()

    file(GLOB files CONFIGURE_DEPENDS "${dir}/*.py")
    list(SORT files)
    set(names "")
    foreach(file IN LISTS files)
        get_filename_component(stem "${file}" NAME_WE)
        if(stem MATCHES "^[_.]")
            continue()
        endif()
        _leakcheck_case_labels("${file}" labels)
        list(APPEND labels ${arg_LABELS})
        set(name "${arg_PREFIX}${stem}")
        add_test(NAME "${name}"
            COMMAND $<TARGET_FILE:leakcheck::leakcheck> run --no-explain -q
                ${arg_ARGS} "${file}"
            WORKING_DIRECTORY "${dir}")
        set_tests_properties("${name}" PROPERTIES
            LABELS "${labels}"
            TIMEOUT "${arg_TIMEOUT}")
        if(arg_ENVIRONMENT)
            set_tests_properties("${name}" PROPERTIES
                ENVIRONMENT "${arg_ENVIRONMENT}")
        endif()
        list(APPEND names "${name}")
    endforeach()
    if(NOT names)
        message(WARNING "leakcheck_add_cases: no case files in ${dir}")
    endif()
    if(arg_TESTS_VAR)
        set(${arg_TESTS_VAR} "${names}" PARENT_SCOPE)
    endif()
endfunction()

# The labels a case's header gives it (see above). Only the header's
# `# leakcheck:` lines and the first 4 KiB are read, as lc_case_parse reads
# a bounded header.
function(_leakcheck_case_labels file out)
    file(STRINGS "${file}" header REGEX "^#[ \t]*leakcheck:"
        LIMIT_INPUT 4096)
    set(expect clean)
    set(source "")
    foreach(line IN LISTS header)
        if(line MATCHES "[: \t]expect=([A-Za-z]+)")
            set(expect "${CMAKE_MATCH_1}")
        endif()
        if(line MATCHES "[: \t]source=\"(([^\"\\\\]|\\\\.)*)\"")
            set(source "${CMAKE_MATCH_1}")
        elseif(line MATCHES "[: \t]source=([^ \t]+)")
            set(source "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    if(NOT expect MATCHES "^(leak|clean)$")
        message(FATAL_ERROR "${file}: expect=${expect} is neither leak nor "
            "clean")
    endif()
    set(labels ${expect})
    if(source MATCHES "(^|[^A-Za-z0-9])(gh|bpo)-[0-9]+"
       OR source MATCHES "[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+")
        list(APPEND labels upstream)
    endif()
    file(STRINGS "${file}" repro REGEX "made a case by `leakcheck repro`"
        LIMIT_INPUT 4096)
    if(source MATCHES "^leak fuzzer:" OR repro)
        list(APPEND labels fuzz-finding)
    endif()
    set(${out} "${labels}" PARENT_SCOPE)
endfunction()
