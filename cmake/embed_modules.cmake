# embed_modules.cmake - turn the Python modules listed in a list file into a
# C header holding a table of struct lc_pypkg_module {name, source, size}
# (src/probe/pypkg.h), in the list's order, so a package of Python modules ships
# inside the binary.
#   cmake -DLIST=src/explain/modules.txt -DDIR=src/explain -DOUT=explain_modules.h
#         -DNAME=explain_modules -P embed_modules.cmake
# Lines of LIST that are empty or start with '#' are skipped; each other line
# names DIR/<line>.py.
file(STRINGS "${LIST}" lines)
set(arrays "")
set(rows "")
set(i 0)
foreach(line IN LISTS lines)
    string(STRIP "${line}" name)
    if(name STREQUAL "" OR name MATCHES "^#")
        continue()
    endif()
    file(READ "${DIR}/${name}.py" hex HEX)
    string(LENGTH "${hex}" nhex)
    math(EXPR size "${nhex} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
    string(APPEND arrays "static const char ${NAME}_${i}[] = {${body}0x00};\n")
    string(APPEND rows "    {\"${name}\", ${NAME}_${i}, ${size}},\n")
    math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUT}"
    "/* Generated from ${LIST} by cmake/embed_modules.cmake; do not edit. */\n"
    "#include \"pypkg.h\"\n"
    "${arrays}"
    "static const struct lc_pypkg_module ${NAME}[] = {\n${rows}};\n"
    "#define ${NAME}_COUNT ${i}\n")
