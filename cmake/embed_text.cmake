# embed_text.cmake - turn a text file into a C header holding it as a
# NUL-terminated char array, so Python code ships inside the binary.
#   cmake -DIN=src/explain.py -DOUT=explain_py.h -DNAME=explain_py -P embed_text.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}"
    "/* Generated from ${IN} by cmake/embed_text.cmake; do not edit. */\n"
    "static const char ${NAME}[] = {${body}0x00};\n")
