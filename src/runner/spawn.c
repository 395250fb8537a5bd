#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int lc_spawn_wait(char *const argv[], char *const *env, const char *log)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd =
            log ? open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
                : -1;

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        for (; env && *env; env++)
            putenv(*env);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
