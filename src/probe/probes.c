#include "probes.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "refs.h"

/* The record getdents64(2) fills, as the kernel lays it out. */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Entries of a /proc directory, "." and ".." left out. */
static long count_entries(const char *dir)
{
    char buf[4096] __attribute__((aligned(8)));
    long count = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

        if (n < 0) {
            count = -1;
            break;
        }
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            const char *name = d->d_name;

            if (!(name[0] == '.' &&
                  (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
                count++;
            off += d->d_reclen;
        }
    }
    close(fd);
    return count;
}

long lc_probes_fds(void)
{
    long n = count_entries("/proc/self/fd");

    return n < 0 ? -1 : n - 1; /* the descriptor that read the folder */
}

long lc_probes_threads(void)
{
    return count_entries("/proc/self/task");
}

long long lc_probes_heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return (long long)mi.uordblks + (long long)mi.hblkhd;
}

/* The readers of the signal table (signals.h), one per row. Each gets the
 * allocator counters read once at the sample point. */
static int64_t read_py_blocks(const struct lc_alloc_counts *c)
{
    return lc_alloc_blocks(c);
}

static int64_t read_py_bytes(const struct lc_alloc_counts *c)
{
    return lc_alloc_bytes(c);
}

static int64_t read_native_bytes(const struct lc_alloc_counts *c)
{
    return lc_probes_heap_in_use() - c->raw_chunk_bytes;
}

static int64_t read_fds(const struct lc_alloc_counts *c)
{
    (void)c;
    return lc_probes_fds();
}

static int64_t read_threads(const struct lc_alloc_counts *c)
{
    (void)c;
    return lc_probes_threads();
}

static int64_t read_refs(const struct lc_alloc_counts *c)
{
    (void)c;
    return lc_refs_total();
}

static int64_t (*const readers[LC_SIG_COUNT])(
    const struct lc_alloc_counts *) = {
#define LC_SIG_READER(id, name, unit, floor, horizon, costly, fuzz, memory,   \
                      reader)                                                 \
    [LC_SIG_##id] = reader,
    LC_SIGNAL_MAP(LC_SIG_READER)
#undef LC_SIG_READER
};

void lc_probes_read(struct lc_sample *out, unsigned mask)
{
    struct lc_alloc_counts c;

    lc_alloc_read(&c);
    for (int s = 0; s < LC_SIG_COUNT; s++)
        out->v[s] = (mask >> s) & 1u ? readers[s](&c) : 0;
}
