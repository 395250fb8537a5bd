# leakcheck: expect=leak
# leakcheck: source="python/cpython#114563 (fixed in 3.11.9 / 3.12 branch; 3.13.0 verified not leaking)"
"""format() of a negative C decimal.Decimal with the 'z' (coerce negative zero)
option leaks memory when the value has a large coefficient.  dec_format() in
Modules/_decimal/_decimal.c rounds into a stack mpd_t `tmp` that has a static
buffer of MPD_MINALLOC_MAX words; when the coefficient does not fit, libmpdec
switches tmp to heap storage (allocated through PyMem_Malloc), and dec_format()
never called mpd_del(&tmp), so that buffer leaked on every call.  gh-114563
("memory leak in some rare cases when using the z format option"), fixed in
3.11.9 and 3.12.3 (3.13.0 does not leak)."""
from decimal import Decimal

# Negative, with a ~3000-digit coefficient (> 64 * 19 digits of static storage).
_D = Decimal("-" + "1" * 3000 + "E-3000")


def run():
    format(_D, "z.5f")
