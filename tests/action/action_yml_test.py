#!/usr/bin/env python3
"""action.yml itself: valid YAML for a composite action whose inputs,
steps and outputs agree with each other and with the scripts it runs.
No job is run (action_run_test.py does that)."""
import os
import re
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ACTION_DIR = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from action_runner import Expression  # noqa: E402

# What the stubbed actions/cache steps set (and GitHub's actions/cache does).
CACHE_OUTPUTS = {"cache-hit", "cache-primary-key", "cache-matched-key"}


def strings_in(node, where=""):
    """Every string value in the YAML tree, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings_in(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings_in(value, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


def expressions_in(action):
    """(where, expression text) for every ${{ }} and every `if:`."""
    for where, text in strings_in(action):
        for match in re.finditer(r"\$\{\{(.*?)\}\}", text, flags=re.S):
            yield where, match.group(1)
    for index, step in enumerate(action["runs"]["steps"]):
        if "if" in step:
            text = step["if"]
            match = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", text, flags=re.S)
            if not match:
                yield f".runs.steps[{index}].if", text


def references(expression):
    """The context references an expression makes, as the simulator parses it."""
    seen = []
    Expression(expression, lambda ref: seen.append(ref) or "", "success").evaluate()
    return seen


class ActionYml(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ACTION_DIR, "action.yml")) as f:
            cls.text = f.read()
        cls.action = yaml.safe_load(cls.text)
        cls.steps = cls.action["runs"]["steps"]
        cls.refs = [(where, ref) for where, expression in expressions_in(cls.action)
                    for ref in references(expression)]

    def test_is_a_composite_action_with_name_and_description(self):
        self.assertEqual(self.action["runs"]["using"], "composite")
        self.assertTrue(self.action["name"])
        self.assertTrue(self.action["description"])

    def test_every_input_used_is_declared_and_every_declared_input_is_used(self):
        declared = set(self.action["inputs"])
        used = {ref.split(".")[1] for _, ref in self.refs if ref.startswith("inputs.")}
        self.assertEqual(used - declared, set(), "used but not declared")
        self.assertEqual(declared - used, set(), "declared but never used")

    def test_danobi_vmtest_action_inputs_are_all_there_with_their_defaults(self):
        # danobi/vmtest-action's action.yml: a workflow that switches to this
        # action keeps its `with:` as it is.
        inputs = self.action["inputs"]
        for name in ("name", "image", "image_url", "uefi", "kernel", "kernel_url",
                     "kernel_args", "command"):
            self.assertIn(name, inputs)
        self.assertEqual(inputs["name"]["default"], "vmtest-action target")
        self.assertEqual(inputs["uefi"]["default"], "false")

    def test_every_expression_is_one_the_runner_simulation_understands(self):
        # references() raises on anything else; contexts are checked here.
        allowed = re.compile(r"^(inputs\.[a-z_]+|steps\.[a-z-]+\.outputs\.[a-z-]+|"
                             r"github\.action_path|runner\.(temp|os))$")
        for where, ref in self.refs:
            self.assertRegex(ref, allowed, where)

    def test_steps_referenced_exist_before_the_reference(self):
        ids = [step.get("id") for step in self.steps]
        self.assertEqual(len(ids), len(set(ids)), "step ids are unique")
        self.assertNotIn(None, ids, "every step has an id")
        for where, ref in self.refs:
            if not ref.startswith("steps."):
                continue
            step_id = ref.split(".")[1]
            self.assertIn(step_id, ids, where)
            match = re.match(r"\.runs\.steps\[(\d+)\]", where)
            if match:
                self.assertLess(ids.index(step_id), int(match.group(1)),
                                f"{where} uses {ref} of a later step")

    def test_step_outputs_referenced_are_ones_the_step_sets(self):
        by_id = {step["id"]: step for step in self.steps}
        for where, ref in self.refs:
            if not ref.startswith("steps."):
                continue
            _, step_id, _, output = ref.split(".")
            step = by_id[step_id]
            if "uses" in step:
                self.assertIn(output, CACHE_OUTPUTS, where)
            else:
                script = self.script_of(step)
                with open(script) as f:
                    self.assertRegex(f.read(), rf"set_output {re.escape(output)} ",
                                     f"{where}: {script} never sets {output}")

    def test_action_outputs_come_from_steps(self):
        for name, spec in self.action["outputs"].items():
            self.assertRegex(spec["value"], r"^\$\{\{ steps\.[a-z-]+\.outputs\.[a-z-]+ \}\}$", name)

    def test_run_steps_run_an_executable_script_with_bash_and_no_input_in_the_script(self):
        for step in self.steps:
            if "run" not in step:
                self.assertIn(step["uses"], ("actions/cache/restore@v4", "actions/cache/save@v4"))
                continue
            self.assertEqual(step["shell"], "bash", step["id"])
            # Inputs go through env: pasted into the script they would be code.
            self.assertNotIn("inputs.", step["run"], step["id"])
            self.assertTrue(os.access(self.script_of(step), os.X_OK), step["id"])

    @staticmethod
    def script_of(step):
        match = re.fullmatch(r'"\$\{\{ github\.action_path \}\}/(\S+)"', step["run"].strip())
        assert match, f"step {step['id']}: run is not one script of the action: {step['run']!r}"
        return os.path.join(ACTION_DIR, match.group(1))

    def test_the_inputs_each_script_reads_are_given_to_its_step(self):
        for step in self.steps:
            if "run" not in step:
                continue
            env = step.get("env") or {}
            with open(self.script_of(step)) as f:
                text = f.read()
            with open(os.path.join(ACTION_DIR, ".github/action/lib.sh")) as f:
                lib = f.read()
            # lib.sh's check_inputs reads them all; a script that calls it needs them all.
            read = set(re.findall(r"INPUT_[A-Z_]+", text))
            if "check_inputs" in text:
                read |= set(re.findall(r"INPUT_[A-Z_]+", lib))
            read = {name for name in read if not name.endswith("_")}
            self.assertEqual(read - set(env), set(), f"step {step['id']} lacks")
            for name, value in env.items():
                if name.startswith("INPUT_"):
                    self.assertEqual(value, "${{ inputs.%s }}" % name[len("INPUT_"):].lower(), name)


class RunnerSimulation(unittest.TestCase):
    """The simulation refuses what it does not understand, so the test of
    the action cannot pass on an expression nobody evaluated."""

    def evaluate(self, text, values=None, status="success"):
        values = values or {}

        def lookup(ref):
            if ref not in values:
                raise KeyError(ref)
            return values[ref]
        return Expression(text, lookup, status).evaluate()

    def test_comparisons_ignore_case_as_github_does(self):
        self.assertTrue(self.evaluate("inputs.cache == 'true'", {"inputs.cache": "True"}))
        self.assertTrue(self.evaluate("inputs.x != 'a' && !(inputs.x == 'b')", {"inputs.x": "c"}))
        self.assertEqual(self.evaluate("inputs.x || 'default'", {"inputs.x": ""}), "default")

    def test_status_functions(self):
        self.assertTrue(self.evaluate("always()", status="failure"))
        self.assertFalse(self.evaluate("success()", status="failure"))
        self.assertTrue(self.evaluate("failure()", status="failure"))

    def test_anything_else_is_refused(self):
        from action_runner import ActionError
        for text in ("hashFiles('**/x')", "contains(inputs.x, 'y')", "inputs.x > 1",
                     "fromJSON(inputs.x)", "inputs['x']", "1 == 1", "inputs.x == \"y\""):
            with self.subTest(text=text), self.assertRaises(ActionError):
                self.evaluate(text, {"inputs.x": "y"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
