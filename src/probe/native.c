#include "native.h"

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <link.h>
#include <libunwind.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"

int lc_native_tracking;
bool lc_native_interposed;

/* A live block: its address, the stack it was allocated on, its size and
 * the part of it that existed before start (a realloc of an untracked
 * block). ptr 0 is an empty slot. */
struct live {
    uintptr_t ptr;  /* block address; 0: empty */
    uint32_t stack; /* index into stacks */
    uint32_t kind;  /* enum lc_native_kind */
    uint64_t size;  /* requested bytes */
    uint64_t base;  /* bytes of it that existed before start */
};

/* A distinct call stack, from unw_backtrace's first frame outwards. */
struct stack {
    uint64_t hash; /* of ip[0..depth); 0: empty slot */
    uint32_t depth;
    uint32_t pad;
    uintptr_t ip[LC_NATIVE_DEPTH];
};

/* The live table's slots: LC_NATIVE_LIVE_MAX, or LC_NATIVE_PY_LIVE_MAX
 * for Python's blocks only (lc_native_start_py). A power of two. */
static size_t live_slots = LC_NATIVE_LIVE_MAX;
#define LIVE_SLOTS live_slots
#define LIVE_FILL (LIVE_SLOTS / 4 * 3)
#define STACK_SLOTS LC_NATIVE_STACKS_MAX
#define STACK_FILL (STACK_SLOTS / 4 * 3)

/* One lock for both tables: taken for a table update only, never while
 * unwinding. A pthread mutex allocates nothing. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct live *live;     /* LIVE_SLOTS, mmap'd at start */
static struct stack *stacks;  /* STACK_SLOTS, mmap'd at start */
static size_t nlive, nstacks; /* slots used */
static int64_t untracked;     /* allocations a full table dropped */
static bool started;

/* Set while this thread records: what libunwind allocates then is ours. */
static __thread int busy;

static inline size_t live_home(uintptr_t p)
{
    return (size_t)(((uint64_t)p >> 4) * 0x9e3779b97f4a7c15ull >> 11) &
           (LIVE_SLOTS - 1);
}

static uint64_t stack_hash(const uintptr_t *ip, int n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (int i = 0; i < n; i++) {
        h ^= (uint64_t)ip[i];
        h *= 0x100000001b3ull;
    }
    return h ? h : 1;
}

/* The stack's index, added when new; UINT32_MAX when the table is full.
 * Lock held. */
static uint32_t stack_index(const uintptr_t *ip, int n, uint64_t h)
{
    size_t i = (size_t)(h & (STACK_SLOTS - 1));

    for (;; i = (i + 1) & (STACK_SLOTS - 1)) {
        struct stack *s = &stacks[i];

        if (s->hash == 0)
            break;
        if (s->hash == h && s->depth == (uint32_t)n &&
            memcmp(s->ip, ip, (size_t)n * sizeof(*ip)) == 0)
            return (uint32_t)i;
    }
    if (nstacks >= STACK_FILL)
        return UINT32_MAX;
    stacks[i].hash = h;
    stacks[i].depth = (uint32_t)n;
    memcpy(stacks[i].ip, ip, (size_t)n * sizeof(*ip));
    nstacks++;
    return (uint32_t)i;
}

static void note(void *p, size_t size, size_t base, uint32_t kind)
{
    uintptr_t ip[LC_NATIVE_DEPTH];
    int n;

    if (busy)
        return;
    busy = 1;
    n = unw_backtrace((void **)ip, LC_NATIVE_DEPTH);
    pthread_mutex_lock(&lock);
    if (__atomic_load_n(&lc_native_tracking, __ATOMIC_RELAXED)) {
        uint32_t si =
            n > 0 ? stack_index(ip, n, stack_hash(ip, n)) : UINT32_MAX;

        if (si == UINT32_MAX || nlive >= LIVE_FILL) {
            untracked++;
        } else {
            size_t i = live_home((uintptr_t)p);

            while (live[i].ptr && live[i].ptr != (uintptr_t)p)
                i = (i + 1) & (LIVE_SLOTS - 1);
            if (!live[i].ptr)
                nlive++;
            live[i] = (struct live){.ptr = (uintptr_t)p,
                                    .stack = si,
                                    .kind = kind,
                                    .size = size,
                                    .base = base};
        }
    }
    pthread_mutex_unlock(&lock);
    busy = 0;
}

void lc_native_note_alloc(void *p, size_t size, size_t base)
{
    note(p, size, base, LC_NATIVE_MALLOC);
}

void lc_native_note_py(void *p, size_t size, enum lc_native_kind kind)
{
    note(p, size, 0, (uint32_t)kind);
}

/* Empty slot i of the live table, shifting later entries of its run back
 * (linear probing keeps no tombstones). Lock held. */
static void live_remove(size_t i)
{
    size_t j = i;

    for (;;) {
        size_t k;

        j = (j + 1) & (LIVE_SLOTS - 1);
        if (!live[j].ptr)
            break;
        k = live_home(live[j].ptr);
        /* move j into the hole i unless its home lies cyclically in (i, j] */
        if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
            live[i] = live[j];
            i = j;
        }
    }
    live[i].ptr = 0;
    nlive--;
}

bool lc_native_note_free(void *p, size_t *size, size_t *base)
{
    bool found = false;

    pthread_mutex_lock(&lock);
    if (__atomic_load_n(&lc_native_tracking, __ATOMIC_RELAXED)) {
        size_t i = live_home((uintptr_t)p);

        for (; live[i].ptr; i = (i + 1) & (LIVE_SLOTS - 1)) {
            if (live[i].ptr == (uintptr_t)p) {
                *size = live[i].size;
                *base = live[i].base;
                live_remove(i);
                found = true;
                break;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

bool lc_native_available(void)
{
    return lc_native_interposed;
}

/* A fork while on: the child must not wait on a lock another thread of
 * the parent held, nor keep recording. */
static void child_after_fork(void)
{
    __atomic_store_n(&lc_native_tracking, 0, __ATOMIC_RELAXED);
    pthread_mutex_init(&lock, NULL);
}

static void *map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

void lc_native_prepare(void)
{
    void *ip[4];

    unw_backtrace(ip, 4);
}

/* Map the tables and switch recording on (need_malloc: only when this
 * program carries the malloc family). */
static int start(bool need_malloc)
{
    static bool atfork;

    if ((need_malloc && !lc_native_interposed) || started)
        return -LC_EINTERP;
    live_slots = need_malloc ? LC_NATIVE_LIVE_MAX : LC_NATIVE_PY_LIVE_MAX;
    live = map(LIVE_SLOTS * sizeof(*live));
    stacks = map(STACK_SLOTS * sizeof(*stacks));
    if (!live || !stacks) {
        if (live)
            munmap(live, LIVE_SLOTS * sizeof(*live));
        if (stacks)
            munmap(stacks, STACK_SLOTS * sizeof(*stacks));
        live = NULL;
        stacks = NULL;
        return -LC_ENOMEM;
    }
    if (!atfork)
        atfork = pthread_atfork(NULL, NULL, child_after_fork) == 0;
    /* libunwind's caches are made on its first use: before recording. */
    {
        void *ip[4];

        unw_backtrace(ip, 4);
    }
    nlive = nstacks = 0;
    untracked = 0;
    started = true;
    __atomic_store_n(&lc_native_tracking, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int lc_native_start(void)
{
    return start(true);
}

int lc_native_start_py(void)
{
    return start(false);
}

/* --- After stop: grouping and symbols (tracking off, malloc is plain) --- */

struct group {
    int64_t bytes, blocks;
    uint32_t depth;
    uint32_t kind; /* enum lc_native_kind */
    uint32_t id;   /* its index before sorting */
    int site;      /* its site in its report, or -1 */
    uintptr_t ip[LC_NATIVE_DEPTH];
};

static int by_bytes(const void *a, const void *b)
{
    const struct group *x = a, *y = b;

    return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static const char *basename_of(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;

    return s ? s + 1 : path ? path : "";
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

/* What kind of object a frame is in. */
enum where { W_OTHER, W_PROGRAM, W_UNWIND, W_LIBC, W_PYTHON };

static enum where where_of(const char *object)
{
    if (strncmp(object, "libpython", 9) == 0)
        return W_PYTHON;
    if (strncmp(object, "libc.so", 7) == 0)
        return W_LIBC;
    if (strncmp(object, "libunwind", 9) == 0)
        return W_UNWIND;
    return W_OTHER;
}

/* Offset in its object of the first byte of the function holding addr:
 * the symbol's, else the unwind table's (.eh_frame_hdr, which a stripped
 * library keeps for every function, static ones too); 0 unknown. */
static uint64_t function_start(uintptr_t addr, uintptr_t sym, uintptr_t base,
                               bool named)
{
    unw_proc_info_t pi;

    if (!base)
        return 0;
    if (named)
        return sym - base;
    memset(&pi, 0, sizeof(pi));
    if (unw_get_proc_info_by_ip(unw_local_addr_space, addr, &pi, NULL) != 0 ||
        pi.start_ip < base || pi.start_ip > addr)
        return 0;
    return pi.start_ip - base;
}

struct sym {
    struct lc_native_frame f;
    enum where where;
    uintptr_t key; /* symbol start, or the address without a symbol */
};

static void symbolize(Dwfl *dwfl, uintptr_t ip, bool first, struct sym *out,
                      const char *program)
{
    /* a return address points past the call: look up the call itself */
    Dwarf_Addr addr = first ? ip : ip - 1, start = 0;
    Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
    const char *name = NULL, *modname = NULL;
    GElf_Off off = 0;
    GElf_Sym sym;

    memset(out, 0, sizeof(*out));
    out->key = ip;
    if (mod) {
        modname =
            dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
        name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
        if (name && sym.st_size && off >= sym.st_size)
            name = NULL; /* a neighbour's name, not this code's */
    }
    copy(out->f.object, sizeof(out->f.object), basename_of(modname));
    if (name) {
        copy(out->f.function, sizeof(out->f.function), name);
        out->f.offset = off;
        out->key = (uintptr_t)(addr - off);
    } else {
        out->f.offset = addr - start;
    }
    out->f.start = function_start(addr, out->key, start, name != NULL);
    if (mod) {
        Dwfl_Line *l = dwfl_module_getsrc(mod, addr);
        int line = 0;
        const char *file =
            l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;

        if (file) {
            copy(out->f.file, sizeof(out->f.file), file);
            out->f.line = line;
        }
    }
    out->where = where_of(out->f.object);
    if (modname && program && strcmp(modname, program) == 0)
        out->where = W_PROGRAM;
}

struct func_acc {
    uintptr_t key;
    int64_t bytes, blocks;
    int sites;
    int outer; /* frames between it and the interpreter, least seen */
    struct lc_native_frame frame;
};

static int by_func(const void *a, const void *b)
{
    const struct func_acc *x = a, *y = b;

    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->outer - y->outer; /* the library's entry point first */
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The frames worth reading of one stack: from the allocator's caller to
 * the first interpreter frame after a library's, symbolized into syms.
 * Returns how many; *more: frames were left out. */
static int frames_of(Dwfl *dwfl, const struct group *g, struct sym *syms,
                     int max, bool *more, const char *program)
{
    int n = 0;
    bool seen_lib = false, leading = true;

    *more = false;
    for (uint32_t i = 0; i < g->depth; i++) {
        struct sym s;

        symbolize(dwfl, g->ip[i], i == 0, &s, program);
        /* our own allocator functions and libunwind come first */
        if (leading && (s.where == W_PROGRAM || s.where == W_UNWIND))
            continue;
        leading = false;
        if (n == max) {
            *more = true;
            break;
        }
        syms[n++] = s;
        if (s.where == W_PYTHON || s.where == W_PROGRAM) {
            if (seen_lib) {
                *more = i + 1 < g->depth;
                break;
            }
        } else {
            seen_lib = true;
        }
    }
    return n;
}

/* tracemalloc's own tables: its hashtables call malloc directly, not
 * through the RAW hook. By function, or by source file: Debian's LTO
 * build inlines _PyTraceMalloc_NewReference into _Py_NewReference, whose
 * frame then reads "_Py_NewReference at ../Modules/_tracemalloc.c" (a
 * pytest test's explain pass showed +129 B/it of them as native sites). */
static bool tracemalloc_own(const struct sym *syms, int n)
{
    for (int k = 0; k < n; k++)
        if (syms[k].where == W_PYTHON &&
            (strstr(syms[k].f.function, "tracemalloc") ||
             strstr(syms[k].f.file, "/_tracemalloc.c")))
            return true;
    return false;
}

/* A block of tracemalloc's own tables told before reading any DWARF
 * (tracemalloc_own needs the names, and libpython's DWARF costs seconds:
 * 4.4 s of a pytest test's explain pass went to symbolizing them): a
 * _Py_hashtable_* function among its first frames, by the dynamic symbol
 * table (dladdr). Only tracemalloc keeps those tables' blocks past a call
 * (marshal frees its own before returning). */
static bool tracemalloc_table(const struct group *g)
{
    for (uint32_t i = 0; i < g->depth && i < 4; i++) {
        Dl_info info;

        if (dladdr((void *)g->ip[i], &info) && info.dli_sname &&
            strncmp(info.dli_sname, "_Py_hashtable_", 14) == 0)
            return true;
    }
    return false;
}

/* The Python-allocator survivors, listed by take_groups (group: the
 * group's id until lc_native_stop_all() makes it a site index). */
static struct lc_native_block *pyblocks;
static size_t npyblocks;

/* Turn recording off and take one group per stack and kind with
 * survivors, the tables unmapped; *n groups, in a malloc'd array (NULL:
 * out of memory). Python-allocator survivors also go to pyblocks. */
static struct group *take_groups(size_t *n, int64_t *dropped)
{
    uint32_t *gi;
    struct group *groups;
    size_t pycap = 0;

    pthread_mutex_lock(&lock);
    __atomic_store_n(&lc_native_tracking, 0, __ATOMIC_SEQ_CST);
    started = false;
    *n = 0;
    *dropped = untracked;
    gi = calloc((size_t)STACK_SLOTS * LC_NATIVE_KINDS, sizeof(*gi));
    groups = calloc(nstacks ? LC_NATIVE_KINDS * nstacks : 1, sizeof(*groups));
    for (size_t i = 0; i < LIVE_SLOTS; i++)
        pycap += live[i].ptr && live[i].kind != LC_NATIVE_MALLOC;
    pyblocks = calloc(pycap ? pycap : 1, sizeof(*pyblocks));
    npyblocks = 0;
    for (size_t i = 0; gi && groups && pyblocks && i < LIVE_SLOTS; i++) {
        struct live *l = &live[i];
        size_t key = (size_t)l->stack * LC_NATIVE_KINDS + l->kind;
        struct group *g;
        int64_t b;

        if (!l->ptr)
            continue;
        if (!gi[key]) {
            g = &groups[(*n)++];
            gi[key] = (uint32_t)*n;
            g->depth = stacks[l->stack].depth;
            g->kind = l->kind;
            g->id = (uint32_t)(*n - 1);
            memcpy(g->ip, stacks[l->stack].ip, sizeof(g->ip));
        }
        g = &groups[gi[key] - 1];
        b = (int64_t)l->size - (int64_t)l->base;
        g->bytes += b > 0 ? b : 0;
        g->blocks += l->base ? 0 : 1;
        if (l->kind != LC_NATIVE_MALLOC)
            pyblocks[npyblocks++] = (struct lc_native_block){
                .ptr = l->ptr, .size = l->size, .site = (int)(gi[key] - 1)};
    }
    munmap(live, LIVE_SLOTS * sizeof(*live));
    munmap(stacks, STACK_SLOTS * sizeof(*stacks));
    live = NULL;
    stacks = NULL;
    pthread_mutex_unlock(&lock);
    free(gi);
    if (!pyblocks) {
        free(groups);
        groups = NULL;
    }
    return groups;
}

/* The process's modules as libdw sees them, or NULL. */
static Dwfl *open_dwfl(void)
{
    static const Dwfl_Callbacks cb = {
        .find_elf = dwfl_linux_proc_find_elf,
        .find_debuginfo = dwfl_standard_find_debuginfo,
    };
    Dwfl *dwfl = dwfl_begin(&cb);

    if (dwfl && (dwfl_linux_proc_report(dwfl, getpid()) != 0 ||
                 dwfl_report_end(dwfl, NULL, NULL) != 0)) {
        dwfl_end(dwfl);
        dwfl = NULL;
    }
    return dwfl;
}

/* lc_native_keep_symbols(): libdw's view of the process, kept between
 * stops; NULL when not kept. */
static bool keep_symbols;
static Dwfl *kept_dwfl;

void lc_native_keep_symbols(bool on)
{
    keep_symbols = on;
    if (!on && kept_dwfl) {
        dwfl_end(kept_dwfl);
        kept_dwfl = NULL;
    }
}

/* The Dwfl of one stop: a new one, or the kept one with the modules
 * loaded since added (the ones it knows keep their symbol tables and
 * line tables: reading them is what symbolizing costs). */
static Dwfl *stop_dwfl(void)
{
    if (!keep_symbols)
        return open_dwfl();
    if (kept_dwfl) {
        dwfl_report_begin_add(kept_dwfl);
        if (dwfl_linux_proc_report(kept_dwfl, getpid()) != 0 ||
            dwfl_report_end(kept_dwfl, NULL, NULL) != 0) {
            dwfl_end(kept_dwfl);
            kept_dwfl = NULL;
        }
    }
    if (!kept_dwfl)
        kept_dwfl = open_dwfl();
    return kept_dwfl;
}

struct funcs {
    struct func_acc *v;
    size_t n, cap;
};

/* Count group g's bytes for every named library function on its stack,
 * once per function. */
static void add_funcs(struct funcs *acc, const struct group *g,
                      const struct sym *syms, int n)
{
    for (int k = 0; k < n; k++) {
        struct func_acc *f = NULL;
        bool dup = false;

        /* named functions only: an address is no lead to follow */
        if (syms[k].where != W_OTHER || !syms[k].f.function[0])
            continue;
        for (int j = 0; j < k; j++)
            dup = dup || syms[j].key == syms[k].key;
        for (size_t j = 0; j < acc->n && !f && !dup; j++)
            if (acc->v[j].key == syms[k].key)
                f = &acc->v[j];
        if (dup)
            continue;
        if (!f) {
            if (acc->n == acc->cap) {
                size_t cap = acc->cap ? 2 * acc->cap : 64;
                struct func_acc *nv = realloc(acc->v, cap * sizeof(*nv));

                if (!nv)
                    continue;
                acc->v = nv;
                acc->cap = cap;
            }
            f = &acc->v[acc->n++];
            memset(f, 0, sizeof(*f));
            f->key = syms[k].key;
            f->frame = syms[k].f;
            f->outer = n - k;
        }
        f->bytes += g->bytes;
        f->blocks += g->blocks;
        f->sites++;
        if (n - k < f->outer)
            f->outer = n - k;
    }
}

static void put_site(struct lc_native_report *out, struct group *g,
                     const struct sym *syms, int n, bool more)
{
    struct lc_native_site *s;

    g->site = -1;
    if (out->nsites >= LC_NATIVE_SITES_SHOWN)
        return;
    g->site = out->nsites;
    s = &out->sites[out->nsites++];
    s->bytes = g->bytes;
    s->blocks = g->blocks;
    s->nframes = n < LC_NATIVE_FRAMES_SHOWN ? n : LC_NATIVE_FRAMES_SHOWN;
    s->truncated = more || n > s->nframes;
    for (int k = 0; k < s->nframes; k++)
        s->frames[k] = syms[k].f;
    s->nlib = 0;
    for (int k = 0; k < n && s->nlib < LC_NATIVE_LIB_FRAMES; k++)
        if (syms[k].where == W_OTHER)
            s->lib[s->nlib++] = syms[k].f;
        else if (s->nlib)
            break;
}

static void put_funcs(struct lc_native_report *out, struct funcs *acc)
{
    if (acc->n)
        qsort(acc->v, acc->n, sizeof(*acc->v), by_func);
    for (size_t j = 0; j < acc->n && out->nfuncs < LC_NATIVE_FUNCS_SHOWN;
         j++) {
        struct lc_native_func *f = &out->funcs[out->nfuncs++];

        f->bytes = acc->v[j].bytes;
        f->blocks = acc->v[j].blocks;
        f->sites = acc->v[j].sites;
        f->frame = acc->v[j].frame;
    }
}

/* Whether a stack has a frame in a library: not the interpreter, libc,
 * libunwind, the loader or the program. By _dl_find_object (glibc 2.35),
 * which finds an address's object without the symbol search of dladdr:
 * a stop looks at every frame of every stack, and dladdr's linear search
 * of libpython's symbols cost the leak fuzzer 0.1 s a signature. */
static bool has_library_frame(const struct group *g)
{
    struct dl_find_object self, obj;

    if (_dl_find_object((void *)has_library_frame, &self) != 0)
        self.dlfo_link_map = NULL;
    for (uint32_t i = 0; i < g->depth; i++) {
        const char *base;

        if (_dl_find_object((void *)g->ip[i], &obj) != 0 ||
            !obj.dlfo_link_map || obj.dlfo_link_map == self.dlfo_link_map ||
            !obj.dlfo_link_map->l_name || !obj.dlfo_link_map->l_name[0])
            continue;
        base = basename_of(obj.dlfo_link_map->l_name);
        if (where_of(base) == W_OTHER && strncmp(base, "ld-linux", 8) != 0)
            return true;
    }
    return false;
}

/* Group i into its kind's report. Python blocks allocated by the
 * interpreter alone are counted but not symbolized (tracemalloc's sites
 * say more; reading libpython's DWARF for them would cost the pass
 * seconds). */
static void report_group(Dwfl *dwfl, struct group *g, const char *program,
                         struct lc_native_report *out, struct funcs *acc)
{
    struct sym syms[LC_NATIVE_DEPTH];
    bool more;
    int n;

    g->site = -1;
    if (g->kind != LC_NATIVE_MALLOC && !has_library_frame(g)) {
        out->stacks++;
        out->bytes += g->bytes;
        out->blocks += g->blocks;
        return;
    }
    if (g->kind == LC_NATIVE_MALLOC && tracemalloc_table(g))
        return;
    n = frames_of(dwfl, g, syms, LC_NATIVE_DEPTH, &more, program);
    if (g->kind == LC_NATIVE_MALLOC && tracemalloc_own(syms, n))
        return;
    out->stacks++;
    out->bytes += g->bytes;
    out->blocks += g->blocks;
    put_site(out, g, syms, n, more);
    add_funcs(acc, g, syms, n);
}

int lc_native_stop_all(struct lc_native_report *out,
                       struct lc_native_report *py,
                       struct lc_native_block **blocks, size_t *nblocks)
{
    struct funcs acc[2] = {{0}, {0}};
    struct group *groups;
    size_t ngroups;
    int *site_of;
    Dwfl *dwfl;
    char program[LC_PATH_MAX];
    ssize_t plen;
    double t0 = now_s();

    memset(out, 0, sizeof(*out));
    memset(py, 0, sizeof(*py));
    *blocks = NULL;
    *nblocks = 0;
    if (!started)
        return -LC_EINTERP;
    groups = take_groups(&ngroups, &out->untracked);
    site_of =
        groups ? malloc((ngroups ? ngroups : 1) * sizeof(*site_of)) : NULL;
    if (!site_of) {
        free(groups);
        free(pyblocks);
        pyblocks = NULL;
        return -LC_ENOMEM;
    }
    py->untracked = out->untracked;
    qsort(groups, ngroups, sizeof(*groups), by_bytes);
    plen = readlink("/proc/self/exe", program, sizeof(program) - 1);
    program[plen > 0 ? plen : 0] = '\0';
    dwfl = stop_dwfl();
    for (size_t i = 0; i < ngroups; i++) {
        bool isnat = groups[i].kind == LC_NATIVE_MALLOC;

        groups[i].site = -1;
        if (groups[i].bytes || groups[i].blocks)
            report_group(dwfl, &groups[i], program, isnat ? out : py,
                         &acc[!isnat]);
        site_of[groups[i].id] = groups[i].site;
    }
    put_funcs(out, &acc[0]);
    put_funcs(py, &acc[1]);
    if (dwfl && dwfl != kept_dwfl)
        dwfl_end(dwfl);
    for (size_t i = 0; i < npyblocks; i++)
        pyblocks[i].site = site_of[pyblocks[i].site];
    *blocks = pyblocks;
    *nblocks = npyblocks;
    pyblocks = NULL;
    free(acc[0].v);
    free(acc[1].v);
    free(site_of);
    free(groups);
    out->elapsed_s = py->elapsed_s = now_s() - t0;
    return 0;
}

int lc_native_stop(struct lc_native_report *out)
{
    static struct lc_native_report py;
    struct lc_native_block *blocks;
    size_t n;
    int rc = lc_native_stop_all(out, &py, &blocks, &n);

    free(blocks);
    return rc;
}
