# install.cmake - what `cmake --install` puts under the prefix, and how
# another project finds it (README.md, "Using it from another project"):
#
#   bin/leakcheck                              the program
#   share/man/man1/leakcheck.1                 its manual (doc/leakcheck.1)
#   share/leakcheck/report.schema.json         the JSON report's schema
#   share/pkgconfig/leakcheck.pc               variables prefix, bindir,
#                                              leakcheck (the program's path)
#   lib/cmake/leakcheck/leakcheckConfig.cmake  find_package(leakcheck):
#   lib/cmake/leakcheck/leakcheckConfigVersion.cmake
#   lib/cmake/leakcheck/LeakcheckCases.cmake   leakcheck_add_cases()
#
# Only the program is installed: lcore, the tests and the benchmarks stay in
# the build tree. The program needs Debian's libpython3.11 and
# /usr/lib/python3.11 at run time, nothing from this tree.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LEAKCHECK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/leakcheck)

install(TARGETS leakcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/doc/leakcheck.1
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/schema/report.schema.json
    DESTINATION ${CMAKE_INSTALL_DATADIR}/leakcheck)

# The .pc file is relocatable: its prefix is ${pcfiledir} and the way up
# from share/pkgconfig (pkg-config cannot take an absolute prefix with a
# space in it, PLATFORM.md).
file(RELATIVE_PATH LEAKCHECK_PC_UP
    /prefix/${CMAKE_INSTALL_DATADIR}/pkgconfig /prefix)
install(CODE "
    set(LEAKCHECK_VERSION \"${PROJECT_VERSION}\")
    set(LEAKCHECK_PC_UP \"${LEAKCHECK_PC_UP}\")
    set(LEAKCHECK_PC_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/cmake/leakcheck.pc.in\"
        \"${PROJECT_BINARY_DIR}/install/leakcheck.pc\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/install/leakcheck.pc
    DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)

# The CMake package: relocatable, every path computed from the config
# file's own location (PACKAGE_PREFIX_DIR).
configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/leakcheckConfig.cmake.in
    ${PROJECT_BINARY_DIR}/install/leakcheckConfig.cmake
    INSTALL_DESTINATION ${LEAKCHECK_CMAKE_DIR}
    PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/install/leakcheckConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/install/leakcheckConfig.cmake
    ${PROJECT_BINARY_DIR}/install/leakcheckConfigVersion.cmake
    ${PROJECT_SOURCE_DIR}/cmake/LeakcheckCases.cmake
    DESTINATION ${LEAKCHECK_CMAKE_DIR})

# In this tree the same function runs on the built program (tests/).
add_executable(leakcheck::leakcheck ALIAS leakcheck)
include(${PROJECT_SOURCE_DIR}/cmake/LeakcheckCases.cmake)
