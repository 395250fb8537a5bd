/*
 * wire.h - what crosses the process boundary between the runner and its
 * workers, and how.
 *
 * Everything travels as records: a 16-byte header, then the payload.
 *
 *   offset  size  field
 *        0     4  magic "LCWR"
 *        4     2  version (LC_WIRE_VERSION); another version is refused
 *        6     2  type (enum lc_wire_type)
 *        8     4  payload length in bytes, at most LC_WIRE_PAYLOAD_MAX
 *       12     4  CRC-32 (IEEE) of bytes 0..11 and the payload
 *
 * in the byte order of the host (both ends are this program). A reader
 * takes a record only when all of it arrived and its checksum holds; bytes
 * that are not a record (a case that wrote into the channel) are refused,
 * never read as a verdict.
 *
 * The runner sends one JOB record on the job descriptor and closes it; the
 * worker answers on the result descriptor: PHASE records as it goes, then
 * a RESULT record for a verdict job, a JSON then a TEXT record for an
 * explain job; a suite slice's job answers a RESULT record per test, and
 * may give the tests it has not begun back to the runner (RETURN, lend.h)
 * after a slot was lent to it. Both descriptors are
 * given on the worker's command line (`leakcheck __worker JOBFD RESULTFD`)
 * and the worker marks them close-on-exec at once, so a case's children
 * never hold them.
 */
#ifndef LC_WIRE_H
#define LC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "result.h"

#define LC_WIRE_MAGIC 0x5257434cu /* "LCWR" read as a little-endian word */
#define LC_WIRE_VERSION 1
#define LC_WIRE_HEADER_SIZE 16

/* Bytes a runner keeps of a suite job's channel: a whole RESULT record
 * (the result as it is in memory) per test of the largest slice, and room
 * for its PHASE records. Sized from the record, so a result that grows
 * (its readings) cannot overflow it: a fixed 10 KiB a test did once the
 * readings came, and every slice of over 220 tests was lost. */
#define LC_WIRE_SUITE_CHANNEL_MAX                                             \
    (LC_SUITE_SLICE_MAX * (LC_WIRE_HEADER_SIZE + sizeof(struct lc_result)) +  \
     64 * 1024)

enum lc_wire_type {
    LC_WIRE_JOB = 1, /* struct lc_job (job.h) */
    LC_WIRE_RESULT,  /* struct lc_result, its pointers NULL */
    LC_WIRE_JSON,    /* the explain pass's JSON object, UTF-8 */
    LC_WIRE_TEXT,    /* the explain pass's report for people, UTF-8 */
    LC_WIRE_PHASE,   /* struct lc_wire_phase: where the worker is now */
    LC_WIRE_RETURN,  /* struct lc_wire_return: a slice gives tests back */
};

/* Sent by a worker as it enters each phase, before the answer: a timeout
 * then says where the case hung. */
struct lc_wire_phase {
    enum lc_phase phase;
};

/* Sent by a suite slice's worker that took a slot the runner lent
 * (lend.h): it answers for its first `keep` tests only (1 or more, fewer
 * than it answered for), and the runner judges the rest in another
 * worker, in the lent slot. */
struct lc_wire_return {
    long keep;
};

/* A record found in a buffer; payload points into it. */
struct lc_wire_record {
    enum lc_wire_type type;
    const char *payload;
    size_t len;  /* payload bytes */
    size_t used; /* header + payload: where the next record starts */
};

/* Write one record to fd, whole, retrying on EINTR. 0 or -LC_EIO. */
int lc_wire_send(int fd, enum lc_wire_type type, const void *payload,
                 size_t len);

/* The record at buf[0..len). 0 with *rec filled; -LC_EAGAIN when it has
 * not all arrived yet; -LC_EWIRE when the bytes are not a record (wrong
 * magic, version or type, a length over the maximum, a bad checksum). */
int lc_wire_parse(const char *buf, size_t len, struct lc_wire_record *rec);

/* Read fd to its end into b (bounded by b->max), then parse the one
 * record it must hold, of type want. 0, -LC_EIO, -LC_EWIRE. */
int lc_wire_recv(int fd, struct lc_buf *b, enum lc_wire_type want,
                 struct lc_wire_record *rec);

/* The record's payload as a value of exactly size bytes: 0 or -LC_EWIRE. */
int lc_wire_copy(const struct lc_wire_record *rec, enum lc_wire_type want,
                 void *out, size_t size);

/* Call fn(ctx, rec) for each whole record at the start of buf[0..len);
 * stops at the first that has not all arrived. Returns the bytes that
 * were whole records, or -LC_EWIRE when bytes there are not a record. */
long lc_wire_each(const char *buf, size_t len,
                  void (*fn)(void *ctx, const struct lc_wire_record *rec),
                  void *ctx);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of p[0..n). */
uint32_t lc_wire_crc32(const void *p, size_t n);

#endif
