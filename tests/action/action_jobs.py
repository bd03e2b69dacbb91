"""What the tests that run the action share: a kernel served over loopback
HTTP that counts what it sends, and GitHub jobs (fresh RUNNER_TEMP and
workspace each, a cache store shared by the jobs of one test)."""
import glob
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ACTION_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from action_runner import ActionRunner  # noqa: E402


def host_kernel():
    """The host's newest readable /boot/vmlinuz-* (never named: discovered)."""
    def version_key(path):
        return [int(part) if part.isdigit() else part
                for part in re.split(r"(\d+)", os.path.basename(path))]
    kernels = [k for k in glob.glob("/boot/vmlinuz-*") if os.access(k, os.R_OK)]
    if not kernels:
        raise unittest.SkipTest("no readable /boot/vmlinuz-* to serve")
    return sorted(kernels, key=version_key)[-1]


def host_release():
    return host_kernel().split("vmlinuz-", 1)[1]


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Python's file server (Last-Modified; If-Modified-Since answered 304),
    recording each request's status and the body bytes it sent."""
    requests = []
    server_root = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=self.server_root, **kwargs)

    def send_response(self, code, message=None):
        self._status = code
        super().send_response(code, message)

    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        self._body = source.tell() - before

    def handle_one_request(self):
        self._status, self._body = None, 0
        super().handle_one_request()
        if self._status is not None:
            CountingHandler.requests.append(
                {"path": self.path, "status": self._status, "body_bytes": self._body})

    def log_message(self, *args):
        pass


class KernelServer:
    """A copy of the host's kernel at http://127.0.0.1:PORT/bzImage."""

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        shutil.copy2(host_kernel(), os.path.join(directory, "bzImage"))
        self.size = os.path.getsize(host_kernel())
        CountingHandler.server_root = directory
        CountingHandler.requests.clear()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bzImage"

    def take_requests(self):
        taken = list(CountingHandler.requests)
        CountingHandler.requests.clear()
        return taken

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Jobs:
    """GitHub jobs using the action once each, under `scratch`."""

    def __init__(self, scratch, before_restore=None):
        self.scratch = scratch
        self.store = os.path.join(scratch, "cache-store")
        os.makedirs(self.store, exist_ok=True)
        self.count = 0
        self.before_restore = before_restore

    def run(self, inputs):
        self.count += 1
        root = os.path.join(self.scratch, f"job-{self.count}")
        job = {"runner_temp": os.path.join(root, "_temp"), "workspace": os.path.join(root, "workspace")}
        os.makedirs(job["runner_temp"])
        os.makedirs(job["workspace"])
        env = dict(os.environ)
        env.setdefault("VMTEST_ACTION_BUILD_JOBS", "2")
        # ccache's own cache stays where it is (it defaults to one in $HOME),
        # so a build from source is cheap after the first one.
        if "CCACHE_DIR" not in env and shutil.which("ccache"):
            env["CCACHE_DIR"] = subprocess.run(["ccache", "-k", "cache_dir"], capture_output=True,
                                               text=True).stdout.strip()
        env["HOME"] = root  # nothing else of this machine's own caches
        for name in ("VMTEST_CACHE_DIR", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env.pop(name, None)
        runner = ActionRunner(ACTION_DIR, self.store, job["runner_temp"], job["workspace"], env,
                              before_restore=self.before_restore)
        job["runner"] = runner
        started = time.monotonic()
        result = runner.run(inputs)
        result.seconds = time.monotonic() - started
        print(f"job {self.count} {json.dumps(inputs)}: status {result.status} in "
              f"{result.seconds:.1f} s; steps " +
              ", ".join(f"{s['id']} {s['outcome']} {s['seconds']:.1f}s" for s in result.steps),
              file=sys.stderr)
        return result, job
