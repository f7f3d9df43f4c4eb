from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.shell_calls import PROGRAM, SHELL, ShellCall, shell_calls
from tests.conftest import assert_time_bounded


def found(source: str) -> list[tuple[int, str, str, str]]:
    """(line, kind, function, program) of each call the scan finds."""
    return [(c.line, c.kind, c.detail, c.program) for c in shell_calls(source.encode())]


def test_calls_that_always_run_a_shell() -> None:
    source = (
        "import os, subprocess, asyncio\n"
        "os.system('mkdir -p /tmp/x')\n"
        "out = os.popen('ls').read()\n"
        "subprocess.getoutput('date')\n"
        "status, out = subprocess.getstatusoutput('date')\n"
        "asyncio.create_subprocess_shell('ls')\n"
    )
    assert found(source) == [
        (2, SHELL, "os.system", ""),
        (3, SHELL, "os.popen", ""),
        (4, SHELL, "subprocess.getoutput", ""),
        (5, SHELL, "subprocess.getstatusoutput", ""),
        (6, SHELL, "asyncio.create_subprocess_shell", ""),
    ]


def test_shell_true_counts_only_among_the_calls_own_arguments() -> None:
    source = (
        "import subprocess\n"
        "subprocess.run('ls | wc', shell=True)\n"
        "subprocess.Popen(['ls'], env=dict(shell=True))\n"
        "subprocess.check_output(make(shell=True), text=True)\n"
        "subprocess.call('ls', shell=False)\n"
    )
    assert found(source) == [
        (2, SHELL, "subprocess.run(shell=True)", ""),
        (3, PROGRAM, "subprocess.Popen", "ls"),
        (5, PROGRAM, "subprocess.call", "ls"),
    ]


def test_the_literal_program_of_a_call_without_a_shell() -> None:
    source = (
        "import os, subprocess, asyncio, pty\n"
        'subprocess.run(["curl", "-f", url])\n'
        "subprocess.check_call(('git', 'fetch'))\n"
        'subprocess.run("curl -f x", shell=False)\n'
        "os.execvp('ls', ['ls'])\n"
        "os.execv('/usr/bin/git', ['git'])\n"
        "asyncio.create_subprocess_exec('git', 'status')\n"
        "pty.spawn('/bin/bash')\n"
        "pty.spawn(['sh', '-c', 'x'])\n"
        "pty.spawn('my tool')\n"
    )
    assert found(source) == [
        (2, PROGRAM, "subprocess.run", "curl"),
        (3, PROGRAM, "subprocess.check_call", "git"),
        (4, PROGRAM, "subprocess.run", "curl"),
        (5, PROGRAM, "os.execvp", "ls"),
        (6, PROGRAM, "os.execv", "/usr/bin/git"),
        (7, PROGRAM, "asyncio.create_subprocess_exec", "git"),
        (8, PROGRAM, "pty.spawn", "/bin/bash"),
        (9, PROGRAM, "pty.spawn", "sh"),
        # pty runs a string as argv[0], whole.
        (10, PROGRAM, "pty.spawn", "my tool"),
    ]


@pytest.mark.parametrize(
    "call",
    [
        "subprocess.run(cmd)",
        "subprocess.run(['a' + b])",
        "subprocess.run(prefix + ['git'])",
        "subprocess.run([f'git{x}'])",
        "subprocess.run(['\\\\x'])",
        "subprocess.run(args=['git'])",
        "subprocess.run(['git'], executable='/usr/bin/git2')",
        "subprocess.run('ls', shell=True, executable='/busybox/sh')",
        "subprocess.run(*argv)",
        "subprocess.run(cmd, **options)",
        "subprocess.run(['git'], shell=use_shell)",
        "os.execv('git', ['git'])",  # a file of the working directory
        "self.run(['git'])",
        "runner.subprocess.run(['git'])",
        "'os.system(1)'",
        "x = 1  # os.system('ls')",
    ],
)
def test_what_does_not_say_what_it_runs(call: str) -> None:
    assert found(f"import os, subprocess\n{call}\n") == []


def test_names_resolve_through_the_imports() -> None:
    source = (
        "import subprocess as sp\n"
        "from os import system, popen as shell_out\n"
        "from subprocess import run, Popen as P\n"
        "from asyncio.subprocess import create_subprocess_shell\n"
        "from asyncio import subprocess as asp\n"
        "sp.run(['git'])\n"
        "system('a')\n"
        "shell_out('b')\n"
        "run(['curl'])\n"
        "P('x', shell=True)\n"
        "create_subprocess_shell('y')\n"
        "asp.create_subprocess_exec('git')\n"
        "def system(x): pass\n"
        "getoutput('z')\n"
    )
    assert found(source) == [
        (6, PROGRAM, "subprocess.run", "git"),
        (7, SHELL, "os.system", ""),
        (8, SHELL, "os.popen", ""),
        (9, PROGRAM, "subprocess.run", "curl"),
        (10, SHELL, "subprocess.Popen(shell=True)", ""),
        (11, SHELL, "asyncio.create_subprocess_shell", ""),
        (12, PROGRAM, "asyncio.create_subprocess_exec", "git"),
    ]


def test_blocks_that_do_not_run_or_guard_the_call() -> None:
    source = (
        "import os, sys, shutil, subprocess\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    os.system('a')\n"
        "else:\n"
        "    os.system('b')\n"
        "if sys.platform == 'win32':\n"
        "    os.system('cls')\n"
        "else:\n"
        "    os.system('clear')\n"
        "if os.name == 'nt': os.system('cls')\n"
        "if shutil.which('git'):\n"
        "    subprocess.run(['git'])\n"
        "if not TYPE_CHECKING:\n"
        "    os.system('c')\n"
        "if False:\n"
        "    os.system('d')\n"
    )
    assert found(source) == [(6, SHELL, "os.system", ""), (15, SHELL, "os.system", "")]


def test_a_try_that_catches_the_failure() -> None:
    source = (
        "import os, subprocess\n"
        "try:\n"
        "    subprocess.run(['git'])\n"
        "except (FileNotFoundError, ValueError):\n"
        "    pass\n"
        "try:\n"
        "    subprocess.run(['hg'])\n"
        "except ValueError:\n"
        "    subprocess.run(['svn'])\n"
        "except OSError:\n"
        "    pass\n"
        "try:\n"
        "    subprocess.run(['bzr'])\n"
        "except subprocess.CalledProcessError:\n"
        "    pass\n"
        "try: os.popen('x')\n"
        "except: pass\n"
        "try:\n"
        "    os.system('y')  # returns 127, raises nothing\n"
        "except Exception:\n"
        "    pass\n"
    )
    assert found(source) == [
        (9, PROGRAM, "subprocess.run", "svn"),
        (13, PROGRAM, "subprocess.run", "bzr"),
        (19, SHELL, "os.system", ""),
    ]


def test_functions_lambdas_and_the_main_block() -> None:
    source = (
        "import os\n"
        "class Tools:\n"
        "    os.system('a')\n"
        "    def run(self):\n"
        "        os.system('b')\n"
        "async def go():\n"
        "    os.system('c')\n"
        "later = lambda: os.system('d')\n"
        "if __name__ == '__main__':\n"
        "    os.system('e')\n"
        "    def inner(): os.system('f')\n"
    )
    flags = [(c.line, c.deferred, c.main_only) for c in shell_calls(source.encode())]
    assert flags == [
        (3, False, False),
        (5, True, False),
        (7, True, False),
        (8, True, False),
        (10, False, True),
        (11, True, True),
    ]


def test_position_of_the_call() -> None:
    source = "import os\nif x:\n    y = [os.system(\n        'a'\n    )]\n"
    assert shell_calls(source.encode()) == [ShellCall(3, 10, SHELL, "os.system")]


def test_a_file_without_a_trigger_is_not_tokenized() -> None:
    # An unterminated string: tokenizing would fail, no search word is there.
    assert shell_calls(b"import os\nx = '''\n") == []


@pytest.mark.parametrize(
    "data",
    [
        b"import os\nos.system('a')\nx = '''never closed\nos.system('b')\n",
        b"import os\nos.system('a')\nx = (\n",
        b"import os\nos.system('a')\n\x00\x00 os.system('b')\n",
        b"import os\nos.system('a')\n  bad indent\n os.system('b')\n",
        b"# -*- coding: no-such-codec -*-\nimport os\nos.system('a')\n",
        b"import os\nos.system('a')\n\xff\xfe os.system('b')\n",
        b"\xef\xbb\xbfimport os\nos.system('a')\n",
    ],
)
def test_a_file_that_does_not_tokenize_gives_what_came_before(data: bytes) -> None:
    calls = shell_calls(data)
    assert all(isinstance(call, ShellCall) for call in calls)
    assert [call.line for call in calls][:1] in ([], [2], [3])


def test_hostile_shapes() -> None:
    deep = b"import os\nos.system(" + b"(" * 5000 + b"1" + b")" * 5000 + b")\n"
    assert [c.line for c in shell_calls(deep)] in ([], [2])
    nested = b"import os\n" + b"os.system(" * 3000 + b"1" + b")" * 3000 + b"\n"
    assert len(shell_calls(nested)) in (0, 3000)
    long_line = b"import subprocess\nsubprocess.run(['git', " + b"'x', " * 20_000 + b"])\n"
    assert [c.program for c in shell_calls(long_line)] == ["git"]


def test_linear_time() -> None:
    unit = "def f():\n    subprocess.run(['git', 'x'], check=True)\n    os.system('a')\n"
    small = ("import os, subprocess\n" + unit * 100).encode()
    large = ("import os, subprocess\n" + unit * 1000).encode()
    assert_time_bounded(lambda: shell_calls(small), lambda: shell_calls(large), 25, 0.01)
    wide = b"import os\nos.system(" + b"[" * 200 + b"]" * 200 + b")\n"
    wider = b"import os\nos.system(" + b"[" * 2000 + b"]" * 2000 + b")\n"
    assert_time_bounded(lambda: shell_calls(wide), lambda: shell_calls(wider), 25, 0.01)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes(data: bytes) -> None:
    assert isinstance(shell_calls(b"import os\nos.system(" + data), list)
