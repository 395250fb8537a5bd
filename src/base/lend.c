#include "lend.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int lc_lend_create(struct lc_lend **out, int *fd)
{
    void *p;

    *out = NULL;
    *fd = memfd_create("leakcheck-lend", MFD_CLOEXEC);
    if (*fd < 0)
        return -1;
    if (ftruncate(*fd, sizeof(struct lc_lend)) < 0)
        goto fail;
    p = mmap(NULL, sizeof(struct lc_lend), PROT_READ | PROT_WRITE, MAP_SHARED,
             *fd, 0);
    if (p == MAP_FAILED)
        goto fail;
    *out = p; /* zeroed by ftruncate */
    return 0;
fail:
    close(*fd);
    *fd = -1;
    return -1;
}

struct lc_lend *lc_lend_map(int pid, int fd)
{
    char path[64];
    void *p;

    if (pid <= 0 || fd < 0)
        return NULL;
    snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    p = mmap(NULL, sizeof(struct lc_lend), PROT_READ | PROT_WRITE, MAP_SHARED,
             fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

int lc_lend_withdraw(struct lc_lend *l, int jobs)
{
    int lent = 0;

    if (!l)
        return 0;
    __atomic_store_n(&l->idle, 0, __ATOMIC_SEQ_CST);
    for (int s = 0; s < jobs && s < LC_JOBS_MAX; s++)
        lent += __atomic_load_n(&l->lent[s], __ATOMIC_SEQ_CST);
    return lent;
}

void lc_lend_offer(struct lc_lend *l, int n)
{
    if (l)
        __atomic_store_n(&l->idle, n, __ATOMIC_SEQ_CST);
}

void lc_lend_forget(struct lc_lend *l, int s)
{
    if (l && s >= 0 && s < LC_JOBS_MAX)
        __atomic_store_n(&l->lent[s], 0, __ATOMIC_SEQ_CST);
}

bool lc_lend_claim(struct lc_lend *l, int s)
{
    int idle;

    if (!l || s < 0 || s >= LC_JOBS_MAX ||
        __atomic_load_n(&l->idle, __ATOMIC_RELAXED) <= 0)
        return false;
    /* counted as lent first: the runner withdraws, then counts */
    __atomic_add_fetch(&l->lent[s], 1, __ATOMIC_SEQ_CST);
    idle = __atomic_load_n(&l->idle, __ATOMIC_SEQ_CST);
    while (idle > 0)
        if (__atomic_compare_exchange_n(&l->idle, &idle, idle - 1, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    __atomic_sub_fetch(&l->lent[s], 1, __ATOMIC_SEQ_CST);
    return false;
}

void lc_lend_return(struct lc_lend *l, int s)
{
    if (l && s >= 0 && s < LC_JOBS_MAX)
        __atomic_sub_fetch(&l->lent[s], 1, __ATOMIC_SEQ_CST);
}

void lc_lend_unmap(struct lc_lend *l)
{
    if (l)
        munmap(l, sizeof(*l));
}
