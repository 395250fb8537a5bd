# package.cmake - `cpack -G DEB` in the build folder makes
# leakcheck_<version>_<arch>.deb holding exactly what cmake/install.cmake
# installs, under /usr. The program links Debian's libpython3.11 and reads
# /usr/lib/python3.11 (the stdlib, from libpython3.11-stdlib, which
# libpython3.11 depends on); Graphviz only adds the SVG of explain's graphs.
set(CPACK_PACKAGE_NAME leakcheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "leak-testing harness for Python code and C extensions")
set(CPACK_PACKAGE_CONTACT "leakcheck maintainers <leakcheck@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libpython3.11 (>= 3.11.2), libc6")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS graphviz)
include(CPack)
