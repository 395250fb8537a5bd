/*
 * test_buf.c - the bounded buffer: it grows to its maximum and no further,
 * and a refused call leaves it as it was.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

Test(buf, grows_to_its_maximum_and_no_further)
{
    struct lc_buf b;
    char chunk[100];

    memset(chunk, 'a', sizeof(chunk));
    lc_buf_init(&b, 1000);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(lc_buf_append(&b, chunk, sizeof(chunk)), 0);
    cr_assert_eq(b.len, 1000);
    cr_assert_eq(lc_buf_append(&b, "x", 1), -LC_ETOOBIG);
    cr_assert_eq(b.len, 1000, "a refused append changes nothing");
    cr_assert_eq(b.data[1000], '\0');
    cr_assert_leq(b.cap, 1000);
    lc_buf_release(&b);
    cr_assert_null(b.data);
}

Test(buf, printf_and_take)
{
    struct lc_buf b;
    char *s;

    lc_buf_init(&b, 64);
    cr_assert_eq(lc_buf_printf(&b, "%s=%d", "fds", 3), 0);
    cr_assert_eq(lc_buf_printf(&b, ",%s", "x"), 0);
    cr_assert_eq(lc_buf_printf(&b, "%070d", 1), -LC_ETOOBIG);
    s = lc_buf_take(&b);
    cr_assert_str_eq(s, "fds=3,x");
    cr_assert_eq(b.len, 0);
    free(s);
    s = lc_buf_take(&b);
    cr_assert_str_eq(s, "", "an empty buffer hands over an empty string");
    free(s);
}

Test(buf, grow_gives_zeroed_room_for_structs)
{
    struct lc_buf b;
    long *v;

    lc_buf_init(&b, 4 * sizeof(long));
    for (int i = 0; i < 4; i++) {
        v = lc_buf_grow(&b, sizeof(long));
        cr_assert_not_null(v);
        cr_assert_eq(*v, 0);
        *v = i;
    }
    cr_assert_null(lc_buf_grow(&b, sizeof(long)));
    cr_assert_eq(((long *)(void *)b.data)[3], 3);
    lc_buf_release(&b);
}
