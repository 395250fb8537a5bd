/*
 * leakcheck __worker JOBFD RESULTFD - the hidden command the runner starts
 * each case in (worker.h, wire.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "errors.h"
#include "worker.h"

static int parse_fd(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return *s && !*end && v >= 0 && v < 1 << 20 ? (int)v : -1;
}

int lc_cmd_worker(int argc, char **argv)
{
    int job_fd, result_fd, rc;

    if (argc != 3 || (job_fd = parse_fd(argv[1])) < 0 ||
        (result_fd = parse_fd(argv[2])) < 0) {
        fprintf(stderr, "leakcheck __worker: expected JOBFD RESULTFD (the "
                        "runner starts workers; this is not for people)\n");
        return -LC_EUSAGE;
    }
    rc = lc_worker_main(job_fd, result_fd);
    if (rc < 0)
        fprintf(stderr, "leakcheck __worker: %s\n", lc_strerror(rc));
    return rc;
}
