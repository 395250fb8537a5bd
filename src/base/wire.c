#include "wire.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

struct header {
    uint32_t magic;
    uint16_t version;
    uint16_t type;
    uint32_t len;
    uint32_t crc;
};

_Static_assert(sizeof(struct header) == LC_WIRE_HEADER_SIZE,
               "the record header is 16 bytes");

/* CRC-32 over more bytes: crc is the running value, ~0 to start; the
 * final value is its complement. */
static uint32_t crc_update(uint32_t crc, const void *p, size_t n)
{
    static uint32_t table[256];
    const unsigned char *s = p;

    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    while (n--)
        crc = table[(crc ^ *s++) & 0xff] ^ (crc >> 8);
    return crc;
}

uint32_t lc_wire_crc32(const void *p, size_t n)
{
    return crc_update(0xffffffffu, p, n) ^ 0xffffffffu;
}

/* The record's checksum: its header up to the checksum, then the payload,
 * so a flipped type or length is caught like a flipped payload byte. */
static uint32_t record_crc(const struct header *h, const void *payload)
{
    uint32_t crc = crc_update(0xffffffffu, h, offsetof(struct header, crc));

    return crc_update(crc, payload, h->len) ^ 0xffffffffu;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -LC_EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int lc_wire_send(int fd, enum lc_wire_type type, const void *payload,
                 size_t len)
{
    struct header h = {LC_WIRE_MAGIC, LC_WIRE_VERSION, (uint16_t)type,
                       (uint32_t)len, 0};

    if (len > LC_WIRE_PAYLOAD_MAX)
        return -LC_ETOOBIG;
    h.crc = record_crc(&h, payload);
    if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, payload, len) < 0)
        return -LC_EIO;
    return 0;
}

int lc_wire_parse(const char *buf, size_t len, struct lc_wire_record *rec)
{
    struct header h;

    if (len < sizeof(h)) {
        /* Even a partial header must begin like one. */
        uint32_t magic = LC_WIRE_MAGIC;

        return memcmp(buf, &magic, len < 4 ? len : 4) ? -LC_EWIRE : -LC_EAGAIN;
    }
    memcpy(&h, buf, sizeof(h));
    if (h.magic != LC_WIRE_MAGIC || h.version != LC_WIRE_VERSION ||
        h.type < LC_WIRE_JOB || h.type > LC_WIRE_RETURN ||
        h.len > LC_WIRE_PAYLOAD_MAX)
        return -LC_EWIRE;
    if (len - sizeof(h) < h.len)
        return -LC_EAGAIN;
    if (record_crc(&h, buf + sizeof(h)) != h.crc)
        return -LC_EWIRE;
    rec->type = (enum lc_wire_type)h.type;
    rec->payload = buf + sizeof(h);
    rec->len = h.len;
    rec->used = sizeof(h) + h.len;
    return 0;
}

int lc_wire_recv(int fd, struct lc_buf *b, enum lc_wire_type want,
                 struct lc_wire_record *rec)
{
    for (;;) {
        size_t room = b->max - b->len, ask = room < 4096 ? room : 4096;
        char extra;
        ssize_t n;

        if (ask == 0) {
            /* Full: only the end of the stream may follow. */
            while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR)
                ;
            if (n != 0)
                return n < 0 ? -LC_EIO : -LC_EWIRE;
            break;
        }
        if (lc_buf_reserve(b, ask) < 0)
            return -LC_ENOMEM;
        n = read(fd, b->data + b->len, ask);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -LC_EIO;
        if (n == 0)
            break;
        b->len += (size_t)n;
    }
    if (lc_wire_parse(b->data ? b->data : "", b->len, rec) < 0 ||
        rec->used != b->len || rec->type != want)
        return -LC_EWIRE;
    return 0;
}

int lc_wire_copy(const struct lc_wire_record *rec, enum lc_wire_type want,
                 void *out, size_t size)
{
    if (rec->type != want || rec->len != size)
        return -LC_EWIRE;
    memcpy(out, rec->payload, size);
    return 0;
}

long lc_wire_each(const char *buf, size_t len,
                  void (*fn)(void *ctx, const struct lc_wire_record *rec),
                  void *ctx)
{
    size_t pos = 0;

    while (pos < len) {
        struct lc_wire_record rec;
        int rc = lc_wire_parse(buf + pos, len - pos, &rec);

        if (rc == -LC_EAGAIN)
            break;
        if (rc < 0)
            return -LC_EWIRE;
        fn(ctx, &rec);
        pos += rec.used;
    }
    return (long)pos;
}
