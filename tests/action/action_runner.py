"""Runs a composite action's steps the way GitHub's runner does, on this
machine, so the action can be tested without GitHub.

What it does as the runner does (docs.github.com, "Metadata syntax for
GitHub Actions", "Workflow commands", "Evaluate expressions"):
  - inputs: the `with:` values given, else each input's `default`;
  - `${{ <expression> }}` in `run:`, `env:`, `with:` and `outputs:` values,
    and `if:` as an expression (with `success() && (...)` implied when it
    calls no status function); strings compare case-insensitively;
  - steps in order; a failed step makes later steps without `always()` or
    `failure()` skipped, and the action fails with that step's status;
  - `run:` steps written to a file and run with their `shell:` (bash:
    `bash --noprofile --norc -eo pipefail FILE`), with the job's environment,
    the step's `env:`, and a fresh GITHUB_OUTPUT file per step, read back as
    `name=value` or `name<<DELIMITER` blocks; GITHUB_ENV and GITHUB_PATH
    change the environment of later steps; GITHUB_STEP_SUMMARY accumulates.
  - `uses: actions/cache/restore@v4` and `actions/cache/save@v4`: stubs that
    record their inputs and keep `path:` (one or more lines) in a directory
    per `key:` (an exact key only: the action uses no restore-keys), with
    `cache-hit` as output; a key saved once is not saved again (GitHub
    refuses to overwrite a cache entry, with a warning).

Anything else it does not understand (another `uses:`, an expression
function, context or operator it does not know) raises ActionError instead
of guessing, so a test can never pass on something that was not run.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

import yaml


class ActionError(Exception):
    pass


# ---- expressions -----------------------------------------------------------

TOKEN = re.compile(r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<op>==|!=|&&|\|\||!|\(|\))
  | (?P<call>[A-Za-z_][A-Za-z0-9_]*)\(\)
  | (?P<bool>true|false)(?![A-Za-z0-9_.-])
  | (?P<ref>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)
)""", re.X)


def tokenize(text):
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = TOKEN.match(text, pos)
        if not match:
            raise ActionError(f"expression not understood at {text[pos:]!r} in {text!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def truthy(value):
    return value not in ("", None, False, 0)


class Expression:
    """The subset of GitHub's expression language the action uses:
    literals, context references, == != ! && || and parentheses, and the
    status functions always(), success(), failure()."""

    FUNCTIONS = ("always", "success", "failure")

    def __init__(self, text, lookup, status):
        self.tokens = tokenize(text)
        self.text = text
        self.lookup = lookup
        self.status = status  # "success" or "failure": the job so far
        self.pos = 0

    def calls_status_function(self):
        return any(kind == "call" for kind, _ in self.tokens)

    def evaluate(self):
        value = self.parse_or()
        if self.pos != len(self.tokens):
            raise ActionError(f"unexpected {self.tokens[self.pos][1]!r} in {self.text!r}")
        return value

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, op=None):
        token = self.peek()
        if op is not None and token != ("op", op):
            raise ActionError(f"expected {op!r} in {self.text!r}")
        self.pos += 1
        return token

    def parse_or(self):
        value = self.parse_and()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.parse_and()
            value = value if truthy(value) else right
        return value

    def parse_and(self):
        value = self.parse_comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.parse_comparison()
            value = right if truthy(value) else value
        return value

    def parse_comparison(self):
        value = self.parse_unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            _, op = self.take()
            right = self.parse_unary()
            equal = compare(value, right)
            value = equal if op == "==" else not equal
        return value

    def parse_unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.parse_unary())
        return self.parse_primary()

    def parse_primary(self):
        kind, text = self.take()
        if kind == "op" and text == "(":
            value = self.parse_or()
            self.take(")")
            return value
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "bool":
            return text == "true"
        if kind == "call":
            if text not in self.FUNCTIONS:
                raise ActionError(f"function {text}() not supported in {self.text!r}")
            return {"always": True, "success": self.status == "success",
                    "failure": self.status == "failure"}[text]
        if kind == "ref":
            if self.peek() == ("op", "("):
                raise ActionError(f"function {text}() not supported in {self.text!r}")
            return self.lookup(text)
        raise ActionError(f"unexpected {text!r} in {self.text!r}")


def compare(left, right):
    # GitHub: strings compare ignoring case; other types are coerced to numbers.
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if isinstance(left, bool) or isinstance(right, bool):
        return number(left) == number(right)
    return left == right


def number(value):
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, str):
        if value.strip() == "":
            return 0
        try:
            return float(value)
        except ValueError:
            return float("nan")
    return value


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# ---- the runner -------------------------------------------------------------

class ActionResult:
    def __init__(self):
        self.outputs = {}          # the action's outputs
        self.steps = []            # [{"id", "outcome": success|failure|skipped, "status", "seconds"}]
        self.cache_calls = []      # [{"uses", "path", "key", "hit"}]
        self.status = 0            # of the failed step, 0 when none failed
        self.log = ""

    def step(self, step_id):
        for step in self.steps:
            if step["id"] == step_id:
                return step
        raise KeyError(step_id)


class ActionRunner:
    """One job that uses the action once. `runner_temp` and `workspace` are
    the job's; `cache_store` is shared by the jobs of one test, like a
    repository's cache."""

    def __init__(self, action_dir, cache_store, runner_temp, workspace, env=None,
                 before_restore=None):
        # before_restore(key, entry_dir): lets a test play an earlier job
        # that saved `key` (the stub then restores entry_dir/0, entry_dir/1...).
        self.before_restore = before_restore
        self.action_dir = os.path.abspath(action_dir)
        self.cache_store = cache_store
        self.runner_temp = runner_temp
        self.workspace = workspace
        with open(os.path.join(self.action_dir, "action.yml")) as f:
            self.action = yaml.safe_load(f)
        self.summary = os.path.join(runner_temp, "_runner_file_commands", "step_summary")
        os.makedirs(os.path.dirname(self.summary), exist_ok=True)
        open(self.summary, "a").close()
        self.env = dict(env if env is not None else os.environ)
        self.env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
            "RUNNER_TEMP": runner_temp, "GITHUB_WORKSPACE": workspace,
            "GITHUB_STEP_SUMMARY": self.summary, "GITHUB_ACTION_PATH": self.action_dir,
        })

    def run(self, with_inputs):
        declared = self.action.get("inputs") or {}
        for name in with_inputs:
            if name not in declared:
                raise ActionError(f"input {name!r} is not declared in action.yml")
        inputs = {}
        for name, spec in declared.items():
            spec = spec or {}
            if name in with_inputs:
                inputs[name] = as_text(with_inputs[name])
            elif spec.get("required") and "default" not in spec:
                raise ActionError(f"input {name!r} is required")
            else:
                inputs[name] = as_text(spec.get("default", ""))
        result = ActionResult()
        step_outputs = {}
        status = "success"

        def lookup(ref):
            parts = ref.split(".")
            head = parts[0]
            if head == "inputs" and len(parts) == 2:
                if parts[1] not in inputs:
                    raise ActionError(f"inputs.{parts[1]} is not declared")
                return inputs[parts[1]]
            if head == "steps" and len(parts) == 4 and parts[2] == "outputs":
                # A step that was skipped or has not run has no outputs: ''.
                return step_outputs.get(parts[1], {}).get(parts[3], "")
            if head == "steps" and len(parts) == 3 and parts[2] in ("outcome", "conclusion"):
                return next((s["outcome"] for s in result.steps if s["id"] == parts[1]), "")
            if ref == "github.action_path":
                return self.action_dir
            if ref == "github.workspace":
                return self.workspace
            if ref == "runner.temp":
                return self.runner_temp
            if ref == "runner.os":
                return "Linux"
            if head == "env" and len(parts) == 2:
                return self.env.get(parts[1], "")
            raise ActionError(f"context {ref!r} not supported")

        def substitute(text):
            def one(match):
                return as_text(Expression(match.group(1), lookup, status).evaluate())
            if not isinstance(text, str):
                return as_text(text)
            substituted = re.sub(r"\$\{\{(.*?)\}\}", one, text, flags=re.S)
            if "${{" in substituted:
                raise ActionError(f"unterminated expression in {text!r}")
            return substituted

        steps = (self.action.get("runs") or {}).get("steps") or []
        if (self.action.get("runs") or {}).get("using") != "composite":
            raise ActionError("not a composite action")
        for index, step in enumerate(steps):
            known = {"id", "name", "if", "shell", "run", "env", "uses", "with", "working-directory"}
            unknown = set(step) - known
            if unknown:
                raise ActionError(f"step {index}: keys not supported: {sorted(unknown)}")
            step_id = step.get("id", f"step{index}")
            condition = step.get("if", None)
            if condition is None:
                run_it = status == "success"
            else:
                text = condition.strip() if isinstance(condition, str) else as_text(condition)
                match = re.fullmatch(r"\$\{\{(.*)\}\}", text, flags=re.S)
                if match:
                    text = match.group(1)
                expression = Expression(text, lookup, status)
                value = expression.evaluate()
                run_it = truthy(value) and (expression.calls_status_function() or status == "success")
            if not run_it:
                result.steps.append({"id": step_id, "outcome": "skipped", "status": None, "seconds": 0})
                continue
            started = time.monotonic()
            if "uses" in step:
                outputs, code = self.run_uses(step, substitute, result)
            elif "run" in step:
                outputs, code = self.run_shell(step, substitute, result)
            else:
                raise ActionError(f"step {step_id}: neither run nor uses")
            step_outputs[step_id] = outputs
            outcome = "success" if code == 0 else "failure"
            result.steps.append({"id": step_id, "outcome": outcome, "status": code,
                                 "seconds": time.monotonic() - started})
            if code != 0 and status == "success":
                status = "failure"
                result.status = code
        for name, spec in (self.action.get("outputs") or {}).items():
            result.outputs[name] = substitute((spec or {}).get("value", ""))
        return result

    def run_shell(self, step, substitute, result):
        shell = step.get("shell")
        if shell != "bash":
            raise ActionError(f"shell {shell!r} not supported (composite run steps need one; the action uses bash)")
        script = substitute(step["run"])
        commands = os.path.join(self.runner_temp, "_runner_file_commands")
        output_file = tempfile.mktemp(prefix="set_output_", dir=commands)
        env_file = tempfile.mktemp(prefix="set_env_", dir=commands)
        path_file = tempfile.mktemp(prefix="add_path_", dir=commands)
        for name in (output_file, env_file, path_file):
            open(name, "w").close()
        script_file = os.path.join(self.runner_temp, f"step-{len(result.steps)}.sh")
        with open(script_file, "w") as f:
            f.write(script)
        env = dict(self.env)
        for name, value in (step.get("env") or {}).items():
            env[name] = substitute(value)
        env.update({"GITHUB_OUTPUT": output_file, "GITHUB_ENV": env_file, "GITHUB_PATH": path_file})
        cwd = self.workspace
        if "working-directory" in step:
            cwd = substitute(step["working-directory"])
        completed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file],
                                   cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        result.log += f"--- step {step.get('id')}\n" + completed.stdout.decode(errors="replace")
        self.env.update(read_file_command(env_file))
        with open(path_file) as f:
            for line in f.read().splitlines():
                if line:
                    self.env["PATH"] = line + os.pathsep + self.env["PATH"]
        return read_file_command(output_file), completed.returncode

    def run_uses(self, step, substitute, result):
        uses = step["uses"]
        given = {name: substitute(value) for name, value in (step.get("with") or {}).items()}
        if uses not in ("actions/cache/restore@v4", "actions/cache/save@v4"):
            raise ActionError(f"uses: {uses} has no stub")
        allowed = {"path", "key"}
        if set(given) - allowed:
            raise ActionError(f"{uses}: inputs not supported: {sorted(set(given) - allowed)}")
        if not given.get("key") or not given.get("path"):
            raise ActionError(f"{uses}: path and key are required")
        key = given["key"]
        paths = [os.path.expanduser(p.strip()) for p in given["path"].splitlines() if p.strip()]
        entry = os.path.join(self.cache_store, key.replace("/", "_"))
        call = {"uses": uses, "path": paths, "key": key}
        result.cache_calls.append(call)
        if uses.startswith("actions/cache/restore"):
            if self.before_restore:
                self.before_restore(key, entry)
            hit = os.path.isdir(entry)
            if hit:
                for i, path in enumerate(paths):
                    saved = os.path.join(entry, str(i))
                    if os.path.exists(saved):
                        if os.path.exists(path):
                            shutil.rmtree(path)
                        os.makedirs(os.path.dirname(path), exist_ok=True)
                        shutil.copytree(saved, path, symlinks=True)
            call["hit"] = hit
            result.log += f"--- {uses}: key {key}: {'hit' if hit else 'miss'}\n"
            return {"cache-hit": "true" if hit else "false", "cache-primary-key": key,
                    "cache-matched-key": key if hit else ""}, 0
        if os.path.isdir(entry):
            result.log += f"--- {uses}: key {key} exists, not saved (warning)\n"
            call["saved"] = False
            return {}, 0
        existing = [(i, p) for i, p in enumerate(paths) if os.path.exists(p)]
        if not existing:
            result.log += f"--- {uses}: no path exists, nothing saved (warning)\n"
            call["saved"] = False
            return {}, 0
        os.makedirs(entry)
        for i, path in existing:
            shutil.copytree(path, os.path.join(entry, str(i)), symlinks=True)
        call["saved"] = True
        result.log += f"--- {uses}: key {key}: saved\n"
        return {}, 0


def read_file_command(path):
    """`name=value` lines and `name<<DELIMITER` ... `DELIMITER` blocks."""
    values = {}
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise ActionError(f"{path}: no closing {delimiter!r} for {name!r}")
            i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ActionError(f"{path}: line not understood: {line!r}")
    return values
