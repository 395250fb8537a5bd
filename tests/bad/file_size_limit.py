# Writes past RLIMIT_FSIZE: OSError (EFBIG), not death by SIGXFSZ.
# e2e: verdict=clean
import errno
import os
import resource
import tempfile

old = None
fd = None


def setup():
    global old, fd
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, old[1]))
    fd, path = tempfile.mkstemp(prefix="lc-bad-")
    os.unlink(path)


def run():
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        os.write(fd, b"x" * 4096)
        os.write(fd, b"x" * 4096)
    except OSError as e:
        assert e.errno == errno.EFBIG, e
    else:
        raise AssertionError("wrote past RLIMIT_FSIZE")


def teardown():
    os.close(fd)
    resource.setrlimit(resource.RLIMIT_FSIZE, old)
