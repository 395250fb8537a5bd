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

void lc_probes_read(struct lc_sample *out)
{
    struct lc_alloc_counts c;

    lc_alloc_read(&c);
    out->v[LC_SIG_PY_BLOCKS] = lc_alloc_blocks(&c);
    out->v[LC_SIG_PY_BYTES] = lc_alloc_bytes(&c);
    out->v[LC_SIG_NATIVE] = lc_probes_heap_in_use() - c.raw_chunk_bytes;
    out->v[LC_SIG_FDS] = lc_probes_fds();
    out->v[LC_SIG_THREADS] = lc_probes_threads();
    out->v[LC_SIG_REFS] = lc_refs_total();
}
