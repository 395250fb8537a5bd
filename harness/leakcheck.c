/*
 * leakcheck - run leak-test cases and report which memory keeps growing.
 *
 * The commands are a table (src/cmd/commands.h), one file each under
 * src/cmd/. `leakcheck --help` lists them; README.md says more.
 */
#include "commands.h"

int main(int argc, char **argv)
{
    return lc_commands_main(argc, argv);
}
