/*
 * fake_worker - stands in for `leakcheck __worker JOBFD RESULTFD` in
 * tests/test_runner.c. It reads its job as the real worker does and then
 * misbehaves as the last component of the job's case path says:
 *
 *   good       answer a leak verdict with 7 iterations, properly framed
 *   hang       never answer (the runner's timeout must kill it)
 *   crash      abort()
 *   exit3      exit with status 3 without answering
 *   garbage    write bytes that are not a record, exit 0
 *   badcrc     a whole result record with one payload byte flipped
 *   flood      write 4 MiB to the result channel and 1 MiB to stderr
 *   twice      two result records
 *   child      answer, leaving a child that holds stderr for 1 s
 *   span       a suite job (job.suite.count tests): a verdict each, leak,
 *              clean, leak, ... in turn
 *   explain    an explain job: answer JSON and TEXT records (a test's,
 *              when the case has an id: its id and suite fields in both)
 *   meet:DIR   a span's verdicts as span; each explain job of it enters
 *              DIR and waits, up to 5 s, for another to enter: its text
 *              says "met" when one did, "alone" when none came
 *   early:DIR  a span's verdicts as span, but after the first (a leak) it
 *              waits, up to 5 s, for that test's explain job to enter DIR
 *              (which it does first): the next verdict's message says
 *              "t0 explained meanwhile" when it did, "t0 not explained
 *              meanwhile" when not
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "job.h"
#include "result.h"
#include "wire.h"

static struct lc_job job;
static struct lc_result r;

static void answer_as(int fd, enum lc_verdict v)
{
    memset(&r, 0, sizeof(r));
    r.magic = LC_RESULT_MAGIC;
    r.verdict = v;
    r.iterations = 7;
    snprintf(r.message, sizeof(r.message), "fake %s", job.c.path);
    lc_wire_send(fd, LC_WIRE_RESULT, &r, sizeof(r));
}

static void answer(int fd)
{
    answer_as(fd, LC_VERDICT_LEAK);
}

/* Entries in dir besides . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* DIR/ID, made empty. */
static void enter(const char *dir, const char *id)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, id);
    close(open(path, O_CREAT | O_WRONLY, 0600));
}

/* early:DIR's span: t0, then the others once t0's explain job came. */
static void early(int fd, const char *dir)
{
    const struct timespec tick = {0, 10 * 1000 * 1000};
    bool came = false;

    answer_as(fd, LC_VERDICT_LEAK);
    for (int i = 0; i < 500 && !came; i++) {
        came = entries(dir) >= 1;
        if (!came)
            nanosleep(&tick, NULL);
    }
    for (long i = 1; i < job.suite.count; i++) {
        memset(&r, 0, sizeof(r));
        r.magic = LC_RESULT_MAGIC;
        r.verdict = i % 2 ? LC_VERDICT_CLEAN : LC_VERDICT_LEAK;
        snprintf(r.message, sizeof(r.message), "t0 %sexplained meanwhile",
                 came ? "" : "not ");
        lc_wire_send(fd, LC_WIRE_RESULT, &r, sizeof(r));
    }
}

/* meet:DIR's explain job: enter DIR, then wait for a second entrant. */
static void meet(int fd, const char *dir)
{
    const struct timespec tick = {0, 10 * 1000 * 1000};
    const char *how = "alone";

    enter(dir, job.c.id);
    for (int i = 0; i < 500; i++) {
        if (entries(dir) >= 2) {
            how = "met";
            break;
        }
        nanosleep(&tick, NULL);
    }
    lc_wire_send(fd, LC_WIRE_JSON, "{}", 2);
    lc_wire_send(fd, LC_WIRE_TEXT, how, strlen(how));
}

/* An explain job's two records; a test's name it and its suite fields. */
static void explain(int fd)
{
    char json[LC_TEST_ID_MAX + 64], text[LC_TEST_ID_MAX + 128];

    if (!job.c.id[0]) {
        lc_wire_send(fd, LC_WIRE_JSON, "{\"ok\": 1}", 9);
        lc_wire_send(fd, LC_WIRE_TEXT, "fake explanation", 16);
        return;
    }
    snprintf(json, sizeof(json), "{\"test\": \"%s\"}", job.c.id);
    snprintf(text, sizeof(text),
             "fake explanation of %s (first %ld, "
             "count %ld)",
             job.c.id, job.suite.first, job.suite.count);
    lc_wire_send(fd, LC_WIRE_JSON, json, strlen(json));
    lc_wire_send(fd, LC_WIRE_TEXT, text, strlen(text));
}

static void flood(int fd)
{
    static char junk[65536];

    memset(junk, 'x', sizeof(junk));
    for (int i = 0; i < 16; i++)
        if (write(2, junk, sizeof(junk)) < 0)
            break;
    for (int i = 0; i < 64; i++)
        if (write(fd, junk, sizeof(junk)) < 0)
            break;
}

static int misbehave(const char *mode, int fd)
{
    if (strcmp(mode, "good") == 0) {
        answer(fd);
    } else if (strcmp(mode, "hang") == 0) {
        for (;;)
            pause();
    } else if (strcmp(mode, "crash") == 0) {
        abort();
    } else if (strcmp(mode, "exit3") == 0) {
        return 3;
    } else if (strcmp(mode, "garbage") == 0) {
        return write(fd, "clean\n", 6) == 6 ? 0 : 1;
    } else if (strcmp(mode, "badcrc") == 0) {
        /* A forged "clean": a whole record whose checksum does not hold
         * (header: magic, version | type << 16, length, CRC). */
        uint32_t h[4];

        memset(&r, 0, sizeof(r));
        r.magic = LC_RESULT_MAGIC;
        r.verdict = LC_VERDICT_CLEAN;
        h[0] = LC_WIRE_MAGIC;
        h[1] = LC_WIRE_VERSION | (uint32_t)LC_WIRE_RESULT << 16;
        h[2] = sizeof(r);
        h[3] = 0; /* any: it cannot match, as the real one covers h too */
        if (write(fd, h, sizeof(h)) != sizeof(h) ||
            write(fd, &r, sizeof(r)) != sizeof(r))
            return 1;
    } else if (strcmp(mode, "flood") == 0) {
        flood(fd);
    } else if (strcmp(mode, "twice") == 0) {
        answer(fd);
        answer(fd);
    } else if (strcmp(mode, "child") == 0) {
        answer(fd);
        close(fd);
        if (fork() == 0) {
            sleep(1);
            _exit(0);
        }
    } else if (strcmp(mode, "span") == 0 || strncmp(mode, "meet:", 5) == 0) {
        for (long i = 0; i < job.suite.count; i++)
            answer_as(fd, i % 2 ? LC_VERDICT_CLEAN : LC_VERDICT_LEAK);
    } else if (strncmp(mode, "early:", 6) == 0) {
        early(fd, mode + 6);
    } else if (strcmp(mode, "explain") == 0) {
        if (strncmp(job.c.path, "meet:", 5) == 0) {
            meet(fd, job.c.path + 5);
        } else {
            if (strncmp(job.c.path, "early:", 6) == 0)
                enter(job.c.path + 6, job.c.id);
            explain(fd);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct lc_wire_record rec;
    struct lc_buf b;
    const char *mode;
    int job_fd, res_fd;

    if (argc != 4 || strcmp(argv[1], "__worker") != 0)
        return 2;
    job_fd = atoi(argv[2]);
    res_fd = atoi(argv[3]);
    lc_buf_init(&b, LC_WIRE_HEADER_SIZE + sizeof(job));
    if (lc_wire_recv(job_fd, &b, LC_WIRE_JOB, &rec) ||
        lc_wire_copy(&rec, LC_WIRE_JOB, &job, sizeof(job)))
        return 4;
    lc_buf_release(&b);
    mode = job.kind == LC_JOB_EXPLAIN ? "explain" : job.c.path;
    return misbehave(mode, res_fd);
}
