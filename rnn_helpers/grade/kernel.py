"""The grader's kernel: an ipykernel started with limits and a guard, one per submitted notebook.

    python -m rnn_helpers.grade.kernel --memory-mb 1024 --cpu-seconds 180 --folder DIR --results FILE \
        -- -f CONNECTION_FILE

Before ipykernel starts, this process:
- limits itself with resource.setrlimit: its address space (RLIMIT_AS, so a memory bomb gets a
  MemoryError instead of taking the machine), its CPU time (RLIMIT_CPU, a backstop behind the
  grader's wall-clock limit), the size of any file it writes (RLIMIT_FSIZE) and core dumps (none);
- installs an audit hook (sys.addaudithook: it cannot be removed from Python) that, once the
  grader's preamble has run (the audit event "rnn_helpers.grade.lock"), refuses with an OSError and
  logs: writing, creating, renaming or deleting any file outside DIR (the run's own temporary folder);
  any network use (connect, name lookups, bind, sendto); starting processes (subprocess, os.system,
  exec, fork, spawn); and replacing a function's code (__code__). The grader reads the log with
  sys.audit("rnn_helpers.grade.report", a_list), which appends the entries to a_list;
- opens the results file (--results, outside the run's folder) and hands its descriptor to the hook
  only: the grader's judge writes each result with sys.audit("rnn_helpers.grade.result", text).

Not a sandbox: code can still reach the operating system through ctypes, or read any file the user
may read. Run the grader in a container to contain that (see the README).
"""

import argparse
import os
import resource
import sys

__all__ = ["LOCK_EVENT", "REPORT_EVENT", "RESULT_EVENT", "make_guard", "main"]

LOCK_EVENT = "rnn_helpers.grade.lock"
REPORT_EVENT = "rnn_helpers.grade.report"
RESULT_EVENT = "rnn_helpers.grade.result"

_NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
            "socket.gethostbyaddr", "socket.getnameinfo", "socket.bind", "socket.sendto",
            "socket.sendmsg", "urllib.Request"}
_PROCESS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
            "os.forkpty", "pty.spawn", "os.startfile", "os.kill", "os.killpg"}
_PATH_EVENTS = {"os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.mkdir": (0,),
                "os.chmod": (0,), "os.chown": (0,), "os.link": (0, 1), "os.symlink": (0, 1),
                "os.truncate": (0,), "os.utime": (0,), "shutil.rmtree": (0,),
                "shutil.copyfile": (1,), "shutil.copytree": (1,), "shutil.make_archive": (0,),
                "os.mkfifo": (0,), "os.mknod": (0,), "os.removexattr": (0,), "os.setxattr": (0,)}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_MAX_LOG = 50


def make_guard(folder, results_fd=None):
    """The audit hook for a run in folder (an absolute path). Returns hook(event, args).

    results_fd: a file descriptor opened before any learner code ran; the event RESULT_EVENT with
    one str writes that str and a newline to it (the grader's channel for its results, which goes
    around the kernel's messaging that a notebook could patch)."""
    root = os.path.normpath(folder)
    state = {"locked": False}
    log = []

    def inside(path):
        if isinstance(path, int):                 # an open file descriptor: already allowed
            return True
        try:
            path = os.fsdecode(path)
        except TypeError:
            return False
        full = os.path.normpath(os.path.join(os.getcwd(), path))
        return full == root or full.startswith(root + os.sep) or full == os.devnull

    def refuse(kind, what):
        if len(log) < _MAX_LOG:
            log.append({"kind": kind, "what": what})
        raise PermissionError(f"the grader blocks {kind} ({what}): a graded notebook may only compute, "
                              "and write files in its own folder")

    def hook(event, args):
        if event == REPORT_EVENT:
            if args and isinstance(args[0], list):
                args[0].extend(dict(entry) for entry in log)
            return
        if event == LOCK_EVENT:
            state["locked"] = True
            return
        if event == RESULT_EVENT:
            if results_fd is not None and args and isinstance(args[0], str):
                os.write(results_fd, args[0].replace("\n", " ").encode("utf-8") + b"\n")
            return
        if not state["locked"]:
            return
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writes and not inside(path):
                refuse("writing files outside its folder", f"open {_short(path)!r} for writing")
        elif event in _PATH_EVENTS:
            for i in _PATH_EVENTS[event]:
                if i < len(args) and not inside(args[i]):
                    refuse("changing files outside its folder", f"{event} {_short(args[i])!r}")
            if event == "os.symlink":
                refuse("changing files outside its folder", f"{event} {_short(args[0])!r}")
        elif event in _NETWORK:
            refuse("network access", f"{event} {_short(args[0] if args else '')}")
        elif event in _PROCESS:
            refuse("starting processes", f"{event} {_short(args[0] if args else '')}")
        elif event == "object.__setattr__" and len(args) > 1 and args[1] == "__code__":
            refuse("replacing a function's code", f"{getattr(args[0], '__qualname__', '?')}.__code__")

    return hook


def _short(value):
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "..."


def _limit(which, value):
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--" in argv:
        ours, rest = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    else:
        ours, rest = argv, []
    parser = argparse.ArgumentParser(prog="python -m rnn_helpers.grade.kernel")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--results", required=True)
    args = parser.parse_args(ours)
    _limit(resource.RLIMIT_AS, args.memory_mb * 2**20)
    _limit(resource.RLIMIT_CPU, args.cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, args.file_mb * 2**20)
    _limit(resource.RLIMIT_CORE, 0)
    results_fd = os.open(args.results, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    sys.addaudithook(make_guard(os.path.abspath(args.folder), results_fd))
    sys.argv = [sys.argv[0]] + rest
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
