#!/usr/bin/env python3
"""The action run as GitHub's runner runs it (action_runner.py), on this
machine, against a kernel served over loopback HTTP. Every job starts like a
GitHub job: an empty RUNNER_TEMP and workspace; what survives between jobs
is only what the action saved with actions/cache (the stub keeps it in a
store the jobs of this test share, as a repository's cache). The build
cache is seeded with an install of the build tree, as an earlier job of the
same source would have left it (action_build_test.py builds from source).

  cold job:  restores the build, downloads the kernel (one 200 with the
             whole file), boots it, writes the summary and the outputs;
  warm job:  the same inputs: no build, no download (the kernel is only
             revalidated: 304s, no body), nothing installed by apt;
  then a failing command (exit 3: the step fails with 3), bad inputs
  (exit 2 before anything boots), an aarch64 guest on its own root
  filesystem (`arch` and `rootfs`), and a vmtest.toml with filter and shard.

Usage: action_run_test.py SCRATCH_DIR BUILD_DIR  (SCRATCH_DIR is emptied)
"""
import json
import os
import shutil
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ElementTree

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from action_jobs import Jobs, KernelServer, host_release  # noqa: E402

SCRATCH = None
BUILD_DIR = None
READ_MARKDOWN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "support", "read_markdown.py")


def read_markdown(path):
    """The summary as GitHub shows it (rendered by cmark-gfm)."""
    return json.loads(subprocess.run(["python3", READ_MARKDOWN, path], check=True,
                                     capture_output=True).stdout)


def seed_build_cache(key, entry):
    """An earlier job of the same source saved its build: the stub finds an
    install of the build tree under the action's build key (the build from
    source itself is action_build_test.py's)."""
    if key.startswith("vmtest-build-") and not os.path.isdir(entry):
        subprocess.run(["cmake", "--install", BUILD_DIR, "--strip", "--prefix",
                        os.path.join(entry, "0")],
                       check=True, stdout=subprocess.DEVNULL)


class ActionRuns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(SCRATCH, ignore_errors=True)
        os.makedirs(SCRATCH)
        cls.server = KernelServer(os.path.join(SCRATCH, "served"))
        cls.kernel_url = cls.server.url
        cls.jobs = Jobs(SCRATCH, before_restore=seed_build_cache)
        # The cold and the warm job, shared by the tests below.
        inputs = {"kernel_url": cls.kernel_url, "command": cls.command()}
        cls.cold, cls.cold_job = cls.jobs.run(inputs)
        cls.cold_requests = cls.server.take_requests()
        cls.warm, cls.warm_job = cls.jobs.run(inputs)
        cls.warm_requests = cls.server.take_requests()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    @staticmethod
    def command():
        # Runs in the workspace (the project directory), like the user's checkout.
        return 'uname -r > release.txt && echo "quotes \\" and \\\\ and $((6 * 7))"'

    @classmethod
    def job(cls, inputs):
        return cls.jobs.run(inputs)

    def assertSucceeded(self, result):
        self.assertEqual(result.status, 0, result.log)

    # ---- cold and warm -------------------------------------------------------

    def test_cold_job_restores_the_build_and_saves_the_download(self):
        self.assertSucceeded(self.cold)
        outcomes = {s["id"]: s["outcome"] for s in self.cold.steps}
        self.assertEqual(outcomes["build"], "skipped")
        restore = [c for c in self.cold.cache_calls if c["uses"] == "actions/cache/restore@v4"]
        self.assertTrue(restore[0]["key"].startswith("vmtest-build-Linux-"), restore[0])
        self.assertEqual([c["hit"] for c in restore], [True, False])
        saved = [c for c in self.cold.cache_calls if c.get("saved")]
        self.assertEqual([c["key"].split("-")[1] for c in saved], ["downloads"])

    def test_cold_job_downloads_the_kernel_once(self):
        bodies = [r for r in self.cold_requests if r["status"] == 200]
        self.assertEqual(len(bodies), 1, self.cold_requests)
        self.assertEqual(bodies[0]["body_bytes"], self.server.size)

    def test_the_command_ran_in_the_workspace_on_the_served_kernel(self):
        with open(os.path.join(self.cold_job["workspace"], "release.txt")) as f:
            release = f.read().strip()
        self.assertEqual(release, host_release())
        self.assertIn('quotes " and \\ and 42', self.cold.log)
        # The generated vmtest.toml is gone from the workspace.
        self.assertEqual(sorted(os.listdir(self.cold_job["workspace"])), ["release.txt"])

    def test_outputs_and_the_summary_on_the_run_page(self):
        outputs = self.cold.outputs
        self.assertEqual(outputs["exit-code"], "0")
        temp = self.cold_job["runner_temp"]
        self.assertEqual(outputs["junit"], os.path.join(temp, "vmtest-action/reports/junit.xml"))
        self.assertEqual(outputs["summary"], os.path.join(temp, "vmtest-action/reports/summary.md"))
        suites = ElementTree.parse(outputs["junit"]).getroot()
        self.assertEqual([s.get("name") for s in suites.iter("testsuite")], ["vmtest-action target"])
        page = read_markdown(self.cold_job["runner"].summary)
        self.assertEqual(page["headings"], ["vmtest: 1 passed"])
        self.assertEqual(page["tables"][0]["rows"],
                         [["vmtest-action target", "✅ pass", page["tables"][0]["rows"][0][2],
                           host_release(), ""]])
        self.assertRegex(page["tables"][0]["rows"][0][2], r"^\d+\.\d s$")

    def test_vmtest_is_on_path_for_later_steps(self):
        runner = self.cold_job["runner"]
        self.assertTrue(os.path.isfile(os.path.join(runner.env["PATH"].split(":")[0], "vmtest")))
        self.assertTrue(runner.env["VMTEST_CACHE_DIR"].startswith(self.cold_job["runner_temp"]))

    def test_warm_job_neither_builds_nor_downloads(self):
        self.assertSucceeded(self.warm)
        outcomes = {s["id"]: s["outcome"] for s in self.warm.steps}
        self.assertEqual(outcomes["build"], "skipped")
        self.assertEqual(outcomes["save-build"], "skipped")
        self.assertEqual(outcomes["save-downloads"], "skipped")
        self.assertIn("the runtime packages are installed already", self.warm.log)
        self.assertTrue(all(c["hit"] for c in self.warm.cache_calls if "hit" in c))
        # vmtest asks whether the kernel changed (a conditional GET); the
        # server says 304 and sends no body.
        self.assertEqual([r for r in self.warm_requests if r["status"] != 304], [],
                         self.warm_requests)
        self.assertEqual(sum(r["body_bytes"] for r in self.warm_requests), 0)
        print(f"cold job {self.cold.seconds:.1f} s, warm job {self.warm.seconds:.1f} s; "
              f"warm requests {self.warm_requests}", file=sys.stderr)

    # ---- failures ------------------------------------------------------------

    def test_a_failing_command_fails_the_step_with_its_status(self):
        result, job = self.job({"kernel_url": self.kernel_url, "command": "echo about to fail; exit 3",
                                "name": "fails | <b>here</b>"})
        self.assertEqual(result.status, 3, result.log)
        self.assertEqual(result.step("run")["outcome"], "failure")
        self.assertEqual(result.step("run")["status"], 3)
        self.assertEqual(result.outputs["exit-code"], "3")
        self.assertIn("::error title=vmtest::vmtest exited with status 3", result.log)
        page = read_markdown(job["runner"].summary)
        self.assertEqual(page["tables"][0]["rows"][0][:2],
                         ["fails | <b>here</b>", "❌ fail: command exited with status 3"])
        self.assertEqual(page["details"][0]["code"], "about to fail\n")

    def test_bad_inputs_fail_before_anything_boots(self):
        for inputs, message in [
            ({"kernel": "k", "kernel_url": self.kernel_url, "command": "true"},
             "give either 'kernel' or 'kernel_url', not both"),
            ({"kernel_url": self.kernel_url}, "'command' is required"),
            ({"config": "vmtest.toml", "command": "true"}, "'command' is for the one target"),
            ({"kernel_url": "ftp://x/k", "command": "true"}, "'kernel_url' must be an http"),
        ]:
            with self.subTest(inputs=inputs):
                result, _ = self.job(inputs)
                self.assertEqual(result.status, 2, result.log)
                self.assertEqual(result.step("prepare")["outcome"], "failure")
                self.assertEqual(result.step("run")["outcome"], "skipped")
                self.assertIn(message, result.log)

    def test_an_unknown_input_is_refused_by_the_runner(self):
        from action_runner import ActionError
        with self.assertRaises(ActionError):
            self.job({"kernel_urls": self.kernel_url, "command": "true"})

    # ---- another architecture ------------------------------------------------

    @unittest.skipUnless(os.environ.get("VMTEST_E2E_ARM64_ROOTFS"),
                         "VMTEST_E2E_ARM64_ROOTFS is not set (.ci/run sets it from "
                         ".ci/arm64-rootfs: an arm64 Debian root filesystem)")
    def test_arch_aarch64_with_its_rootfs_boots_an_arm64_guest(self):
        rootfs = os.environ["VMTEST_E2E_ARM64_ROOTFS"]
        result, job = self.job({"kernel": rootfs, "rootfs": rootfs, "arch": "aarch64",
                                "name": "arm64", "command": "uname -m > machine.txt"})
        self.assertSucceeded(result)
        with open(os.path.join(job["workspace"], "machine.txt")) as f:
            self.assertEqual(f.read(), "aarch64\n")
        page = read_markdown(job["runner"].summary)
        self.assertEqual(page["tables"][0]["rows"][0][:2], ["arm64", "✅ pass"])
        self.assertTrue(page["tables"][0]["rows"][0][3].endswith("-arm64"), page)

    def test_arch_aarch64_without_rootfs_fails_before_anything_boots(self):
        result, _ = self.job({"kernel_url": self.kernel_url, "arch": "aarch64", "command": "true"})
        self.assertEqual(result.status, 2, result.log)
        self.assertIn("cannot run the host's own root", result.log)

    # ---- a vmtest.toml -------------------------------------------------------

    def test_a_config_with_filter_and_shard_and_extra_reporters(self):
        runner_root = os.path.join(SCRATCH, "config-project")
        os.makedirs(runner_root, exist_ok=True)
        config = os.path.join(runner_root, "vmtest.toml")
        with open(config, "w") as f:
            for name in ("a one", "a two", "b three"):
                f.write(f'[[target]]\nname = "{name}"\nkernel = "{self.kernel_url}"\n'
                        f'command = "echo ran {name}"\n\n')
        tap = os.path.join(runner_root, "reports", "run.tap")
        result, job = self.job({"config": config, "filter": "^a ", "shard": "2/2",
                                "reporters": f"junit\ntap={tap}", "timeout": "120"})
        self.assertSucceeded(result)
        self.assertIn("ran a two", result.log)
        self.assertNotIn("ran a one", result.log)
        self.assertNotIn("ran b three", result.log)
        with open(tap) as f:
            self.assertIn("ok 1 - a two", f.read())
        suites = ElementTree.parse(result.outputs["junit"]).getroot()
        self.assertEqual([s.get("name") for s in suites.iter("testsuite")], ["a two"])
        # Same URL as the other jobs: the same download cache entry.
        keys = {c["key"] for c in result.cache_calls if "downloads" in c["key"]}
        self.assertEqual(keys, {c["key"] for c in self.cold.cache_calls if "downloads" in c["key"]})


def main():
    global SCRATCH, BUILD_DIR
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    SCRATCH = os.path.abspath(sys.argv.pop(1))
    BUILD_DIR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
