#!/usr/bin/env python3
"""The action's default way to get vmtest, without any cache: a job that
builds vmtest from the action's own source (real cmake, ninja and the
compiler, with ccache when installed), saves the install to the cache, puts
it on PATH and boots a kernel with it. A second job with the same source
does not build: it restores what the first saved.

Usage: action_build_test.py SCRATCH_DIR  (emptied first; keep it at the same
place from run to run so that ccache finds the earlier compilations)
"""
import os
import shutil
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from action_jobs import Jobs, KernelServer, host_release  # noqa: E402

SCRATCH = None


class BuildFromSource(unittest.TestCase):
    def test_a_cold_job_builds_from_source_and_a_warm_job_restores_the_build(self):
        shutil.rmtree(SCRATCH, ignore_errors=True)
        os.makedirs(SCRATCH)
        server = KernelServer(os.path.join(SCRATCH, "served"))
        self.addCleanup(server.stop)
        jobs = Jobs(SCRATCH)
        inputs = {"kernel_url": server.url, "command": "uname -r > release.txt"}

        cold, job = jobs.run(inputs)
        self.assertEqual(cold.status, 0, cold.log)
        self.assertEqual(cold.step("build")["outcome"], "success")
        self.assertEqual(cold.step("save-build")["outcome"], "success")
        prefix = next(c["path"][0] for c in cold.cache_calls if c["key"].startswith("vmtest-build-"))
        self.assertTrue(os.access(os.path.join(prefix, "bin", "vmtest"), os.X_OK))
        with open(os.path.join(job["workspace"], "release.txt")) as f:
            self.assertEqual(f.read().strip(), host_release())
        print(f"build from source: {cold.step('build')['seconds']:.1f} s", file=sys.stderr)

        warm, _ = jobs.run(inputs)
        self.assertEqual(warm.status, 0, warm.log)
        self.assertEqual(warm.step("build")["outcome"], "skipped")


def main():
    global SCRATCH
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    SCRATCH = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
