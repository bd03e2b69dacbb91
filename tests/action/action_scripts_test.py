#!/usr/bin/env python3
"""The action scripts' helpers (.github/action/lib.sh), without a job:
inputs written into the generated vmtest.toml read back as themselves, and
bad inputs refused with one line and status 2."""
import os
import subprocess
import tomllib
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(os.path.dirname(os.path.dirname(HERE)), ".github", "action", "lib.sh")


def bash(script, env=None):
    return subprocess.run(["bash", "-c", f'source "{LIB}"; {script}'], capture_output=True,
                          env=dict(env or {}, PATH=os.environ["PATH"], RUNNER_TEMP="/tmp"))


class TomlString(unittest.TestCase):
    def round_trip(self, text):
        written = bash('printf "value = %s\\n" "$(toml_string "$VALUE")"', {"VALUE": text})
        self.assertEqual(written.returncode, 0, written.stderr)
        return tomllib.loads(written.stdout.decode())["value"]

    def test_every_ascii_character_reads_back_as_itself(self):
        # All but NUL, which no environment variable can hold.
        for code in range(1, 128):
            text = f"a{chr(code)}b{chr(code)}"
            with self.subTest(code=code):
                self.assertEqual(self.round_trip(text), text)

    def test_commands_and_utf8(self):
        for text in ['echo "a \\"b\\"" \\\\ $HOME; exit 3', "multi\nline\n", "é ü 日本 🚀",
                     "'''", '"""', "\\u0041"]:
            with self.subTest(text=text):
                self.assertEqual(self.round_trip(text), text)


class CheckInputs(unittest.TestCase):
    def check(self, **inputs):
        env = {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
        return bash("check_inputs", env)

    def assertRefused(self, message, **inputs):
        result = self.check(**inputs)
        self.assertEqual(result.returncode, 2, result)
        self.assertIn(message, result.stderr.decode())
        self.assertIn(f"::error title=vmtest::", result.stdout.decode())

    def test_valid_inputs_pass(self):
        self.assertEqual(self.check(kernel_url="https://x/k", command="true").returncode, 0)
        self.assertEqual(self.check(image="disk.qcow2", uefi="true", command="true").returncode, 0)
        self.assertEqual(self.check(config=LIB, filter="a", shard="1/2").returncode, 0)

    def test_each_conflict_is_refused_with_its_reason(self):
        self.assertRefused("either 'kernel' or 'kernel_url'", kernel="k", kernel_url="https://x", command="c")
        self.assertRefused("either 'image' or 'image_url'", image="i", image_url="https://x", command="c")
        self.assertRefused("a kernel ('kernel', 'kernel_url') or an image", kernel="k", image="i", command="c")
        self.assertRefused("'image_url' must be an http", image_url="file:///x", command="c")
        self.assertRefused("'uefi' must be true or false", uefi="yes", command="c")
        self.assertRefused("'command' is required", kernel="k")
        self.assertRefused("'filter' selects targets of a 'config' file", command="c", filter="x")
        self.assertRefused("'cpus' is for the one target", config=LIB, cpus="2")
        self.assertRefused("'uefi' is for the one target", config=LIB, uefi="true")
        self.assertRefused("'config': no such file", config="/nonexistent.toml")
        self.assertRefused("'cpus' must be a number", command="c", cpus="two")


if __name__ == "__main__":
    unittest.main(verbosity=2)
