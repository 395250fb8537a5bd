/*
 * pypkg.h - install a Python package built into the program as importable
 * modules.
 *
 * The explain pass (src/explain/) and the test-suite adapter (src/suite/)
 * are packages of Python modules that cmake/embed_modules.cmake turns into
 * a table of {name, source, size}. lc_pypkg_install() makes the package and
 * each module in sys.modules, as an import would leave them, compiles each
 * under "<leakcheck>/DIR/NAME.py" (a prefix no real file has, by which the
 * code tells its own frames apart) with its source registered in linecache
 * (its tracebacks show their lines), in the table's order (each imports
 * only modules above it; "__init__" is the package itself), and imports
 * PACKAGE.entry. A Python door: it creates objects, so only before the
 * measured path.
 */
#ifndef LC_PYPKG_H
#define LC_PYPKG_H

#include <stddef.h>

struct lc_pypkg_module {
    const char *name;   /* module name inside the package */
    const char *source; /* its text, NUL-terminated */
    size_t size;        /* bytes of text, the NUL excluded */
};

/* PACKAGE.entry (a new reference, a PyObject *), or NULL with the Python
 * exception set. */
struct _object *lc_pypkg_install(const char *package, const char *dir,
                                 const struct lc_pypkg_module *mods, int n);

#endif
