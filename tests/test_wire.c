/*
 * test_wire.c - records between the runner and its workers: what passes
 * whole, and every way a corrupt or partial record is refused.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "wire.h"

/* One record written through a pipe, read back into buf. */
static size_t framed(enum lc_wire_type type, const void *p, size_t n,
                     char *buf, size_t cap)
{
    int fds[2];
    ssize_t got;

    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(lc_wire_send(fds[1], type, p, n), 0);
    close(fds[1]);
    got = read(fds[0], buf, cap);
    close(fds[0]);
    cr_assert_eq((size_t)got, LC_WIRE_HEADER_SIZE + n);
    return (size_t)got;
}

Test(wire, crc32_is_zlibs)
{
    cr_assert_eq(lc_wire_crc32("123456789", 9), 0xcbf43926u);
    cr_assert_eq(lc_wire_crc32("", 0), 0u);
}

Test(wire, a_record_round_trips)
{
    char buf[256];
    size_t n = framed(LC_WIRE_TEXT, "hello", 5, buf, sizeof(buf));
    struct lc_wire_record rec;

    cr_assert_eq(lc_wire_parse(buf, n, &rec), 0);
    cr_assert_eq(rec.type, LC_WIRE_TEXT);
    cr_assert_eq(rec.len, 5);
    cr_assert_eq(rec.used, n);
    cr_assert_eq(memcmp(rec.payload, "hello", 5), 0);
}

Test(wire, a_partial_record_waits_and_a_wrong_start_is_refused)
{
    char buf[256];
    size_t n = framed(LC_WIRE_JSON, "{}", 2, buf, sizeof(buf));
    struct lc_wire_record rec;

    for (size_t k = 0; k < n; k++)
        cr_assert_eq(lc_wire_parse(buf, k, &rec), -LC_EAGAIN, "%zu bytes", k);
    cr_assert_eq(lc_wire_parse("clean", 5, &rec), -LC_EWIRE);
    cr_assert_eq(lc_wire_parse("L", 1, &rec), -LC_EAGAIN);
    cr_assert_eq(lc_wire_parse("X", 1, &rec), -LC_EWIRE);
}

Test(wire, every_flipped_bit_is_caught)
{
    char buf[256], bad[256];
    size_t n = framed(LC_WIRE_TEXT, "verdict", 7, buf, sizeof(buf));
    struct lc_wire_record rec;

    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            int rc;

            memcpy(bad, buf, n);
            bad[i] ^= (char)(1 << bit);
            rc = lc_wire_parse(bad, n, &rec);
            /* A flipped length bit may make the record look longer. */
            cr_assert(rc == -LC_EWIRE || rc == -LC_EAGAIN,
                      "byte %zu bit %d read as a record", i, bit);
            cr_assert(rc == -LC_EWIRE || (i >= 8 && i < 12),
                      "byte %zu bit %d: only the length may look partial", i,
                      bit);
        }
}

Test(wire, a_payload_is_taken_only_at_its_exact_size)
{
    char buf[256];
    size_t n = framed(LC_WIRE_RESULT, "12345678", 8, buf, sizeof(buf));
    struct lc_wire_record rec;
    char out[8];
    long small;

    cr_assert_eq(lc_wire_parse(buf, n, &rec), 0);
    cr_assert_eq(lc_wire_copy(&rec, LC_WIRE_RESULT, out, sizeof(out)), 0);
    cr_assert_eq(lc_wire_copy(&rec, LC_WIRE_RESULT, &small, 4), -LC_EWIRE);
    cr_assert_eq(lc_wire_copy(&rec, LC_WIRE_JOB, out, 8), -LC_EWIRE);
}

Test(wire, recv_wants_one_whole_record_and_nothing_after)
{
    int fds[2];
    struct lc_buf b;
    struct lc_wire_record rec;

    cr_assert_eq(pipe(fds), 0);
    lc_wire_send(fds[1], LC_WIRE_JOB, "job", 3);
    cr_assert_eq(write(fds[1], "!", 1), 1);
    close(fds[1]);
    lc_buf_init(&b, 1024);
    cr_assert_eq(lc_wire_recv(fds[0], &b, LC_WIRE_JOB, &rec), -LC_EWIRE);
    close(fds[0]);
    lc_buf_release(&b);

    cr_assert_eq(pipe(fds), 0);
    lc_wire_send(fds[1], LC_WIRE_JOB, "job", 3);
    close(fds[1]);
    lc_buf_init(&b, 1024);
    cr_assert_eq(lc_wire_recv(fds[0], &b, LC_WIRE_JOB, &rec), 0);
    cr_assert_eq(rec.len, 3);
    close(fds[0]);
    lc_buf_release(&b);
}
