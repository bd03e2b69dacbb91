#!/usr/bin/env python3
"""examples/github-actions: valid YAML; every use of this action passes
only inputs action.yml declares (and what a target needs); the sharded
workflow's merge step, run as GitHub would run it, merges JUnit files."""
import glob
import os
import re
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(SOURCE, "examples", "github-actions")


def load(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return yaml.safe_load(f)


def steps_of(workflow):
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SOURCE, "action.yml")) as f:
            cls.inputs = yaml.safe_load(f)["inputs"]
        cls.workflows = sorted(os.path.basename(p) for p in glob.glob(os.path.join(EXAMPLES, "*.yml")))

    def test_the_examples_are_there(self):
        self.assertEqual(self.workflows, ["kernel-matrix.yml", "sharded.yml"])
        self.assertTrue(os.path.isfile(os.path.join(EXAMPLES, ".gitlab-ci.yml")))

    def test_workflows_use_the_action_with_declared_inputs_only(self):
        uses_of_action = 0
        for name in self.workflows:
            workflow = load(name)
            self.assertIn("jobs", workflow, name)
            for job_name, step in steps_of(workflow):
                uses = step.get("uses", "")
                if not re.fullmatch(r"[A-Za-z0-9_.-]+/vmtest@\S+", uses):
                    continue
                uses_of_action += 1
                given = step.get("with") or {}
                self.assertEqual(set(given) - set(self.inputs), set(), f"{name} {job_name}")
                if given.get("setup_only") is not True:
                    self.assertTrue("command" in given or "config" in given, f"{name} {job_name}")
        self.assertEqual(uses_of_action, 3)

    def test_the_matrix_example_is_danobis_workflow_with_a_matrix(self):
        job = load("kernel-matrix.yml")["jobs"]["build-test"]
        self.assertEqual(len(job["strategy"]["matrix"]["kernel"]), 3)
        step = next(s for s in job["steps"] if "vmtest@" in s.get("uses", ""))
        self.assertIn("${{ matrix.kernel }}", step["with"]["kernel_url"])

    def test_gitlab_jobs_run_vmtest_with_junit_reports(self):
        pipeline = load(".gitlab-ci.yml")
        for job in ("kernel-matrix", "sharded"):
            self.assertEqual(pipeline[job]["extends"], ".vmtest")
            script = " ".join(pipeline[job]["script"])
            self.assertIn("vmtest ", script)
            self.assertIn("--reporter junit=reports/vmtest", script.replace('"', ""))
        self.assertIn("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\"", " ".join(pipeline["sharded"]["script"]))

    def test_the_sharded_merge_step_merges_junit_files(self):
        step = next(s for _, s in steps_of(load("sharded.yml")) if s.get("name", "").startswith("Merge"))
        self.assertEqual(step["shell"], "python3 {0}")
        with tempfile.TemporaryDirectory() as work:
            os.makedirs(os.path.join(work, "reports"))
            for shard, (name, failures) in enumerate([("a", 0), ("b", 1)], start=1):
                with open(os.path.join(work, "reports", f"vmtest-{shard}.xml"), "w") as f:
                    f.write(f'<?xml version="1.0"?><testsuites tests="1" failures="{failures}">'
                            f'<testsuite name="{name}" tests="1" failures="{failures}" errors="0" '
                            f'skipped="0" time="1.5"><testcase name="{name}"/></testsuite>'
                            f'</testsuites>')
            script = os.path.join(work, "merge.py")
            with open(script, "w") as f:
                f.write(step["run"])
            subprocess.run(["python3", script], cwd=work, check=True)
            merged = ElementTree.parse(os.path.join(work, "reports", "vmtest.xml")).getroot()
            self.assertEqual([s.get("name") for s in merged.iter("testsuite")], ["a", "b"])
            self.assertEqual((merged.get("tests"), merged.get("failures"), merged.get("time")),
                             ("2", "1", "3.000"))

    def test_the_shard_count_step_caps_the_matrix(self):
        step = next(s for _, s in steps_of(load("sharded.yml")) if s.get("id") == "shards")
        for targets, expected in [(0, "[1]"), (3, "[1,2,3]"), (9, "[1,2,3,4]")]:
            with tempfile.TemporaryDirectory() as work:
                fake = os.path.join(work, "vmtest")
                with open(fake, "w") as f:
                    f.write("#!/bin/sh\necho '[" + ",".join(['{"name":"t"}'] * targets) + "]'\n")
                os.chmod(fake, 0o755)
                output = os.path.join(work, "output")
                env = dict(os.environ, PATH=work + ":" + os.environ["PATH"], GITHUB_OUTPUT=output,
                           MAX_SHARDS="4")
                subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], env=env, check=True)
                with open(output) as f:
                    self.assertIn(f"shards={expected}\n", f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
