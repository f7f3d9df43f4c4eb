"""Shared test helpers: file trees in tmp_path, real git repositories."""

from __future__ import annotations

import functools
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    # As `git -c` for every git the tests start, runners and hooks included:
    # no signing prompt, and no `git maintenance` process after each commit.
    "GIT_CONFIG_COUNT": "2",
    "GIT_CONFIG_KEY_0": "commit.gpgsign",
    "GIT_CONFIG_VALUE_0": "false",
    "GIT_CONFIG_KEY_1": "maintenance.auto",
    "GIT_CONFIG_VALUE_1": "false",
}


UNDECODABLE = os.fsdecode(b"\xff.py")

ODD_NAMES = [
    "with space.py",
    "new\nline.py",
    "[brackets].py",
    "$dollar.py",
    "a=b.py",
    "ünïcödé.py",
    "..dots.py",
    "-dash.py",
    "semi;colon.py",
]


# The tests write and delete thousands of small trees; on a disk mounted with
# `discard` that costs twice the tests themselves (sys time), on tmpfs nothing.
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_NEEDED = 2 * 1024**3  # ten times what one run holds at its peak
MEMORY_BASETEMP = pytest.StashKey[Path]()


def memory_basetemp() -> Path | None:
    """A fresh folder on the machine's memory file system, if it has room."""
    try:
        usage = shutil.disk_usage(MEMORY_FOLDER)
    except OSError:
        return None
    if usage.free < MEMORY_NEEDED or not os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        return None
    forget_old_trees()
    return Path(tempfile.mkdtemp(prefix="lucid-hooks-tests-", dir=MEMORY_FOLDER))


def forget_old_trees() -> None:
    """Memory is not a disk: the trees a failed run kept go after half a day
    (no run lasts that long; its top folder's time does not change)."""
    for folder in MEMORY_FOLDER.glob("lucid-hooks-tests-*"):
        try:
            if time.time() - folder.stat().st_mtime > 12 * 3600:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp is None and not is_xdist_worker(config):
        folder = memory_basetemp()
        if folder is not None:
            config.option.basetemp = str(folder)
            config.stash[MEMORY_BASETEMP] = folder


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    folder = session.config.stash.get(MEMORY_BASETEMP, None)
    if folder is None:
        return
    if exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"\nthe test trees are kept in {folder} (memory: remove it when done)")


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code under test calls git with the environment as it is: a test run
    from inside a git hook must not leak that hook's index or repository."""
    for name in ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


def isolate_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No personal or system git configuration (an excludes file, say)
    decides what the hooks under test find ignored."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)


def make_file(folder: Path, name: str) -> Path:
    """Create ``folder/name``; skip when the file system refuses the name."""
    path = folder / name
    try:
        path.write_bytes(b"")
    except (OSError, UnicodeEncodeError):
        pytest.skip(f"the file system refuses the name {name!r}")
    return path


def has_git_above(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in (path, *path.parents))


def fastest(action: Callable[[], object], runs: int = 3) -> float:
    """The fastest of ``runs`` runs of ``action``, in seconds, with the
    cycle collector off: its passes grow with everything alive in the test
    process, not with the work measured, and made linear-time checks flaky
    on a busy machine."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(runs):
            started = time.perf_counter()
            action()
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


# The closing line a hook writes to stderr when it found something.
SUMMARY = re.compile(rb"Found \d+ findings?(?: \(\d+ fixed, \d+ remaining\))?\.\n")


def assert_time_bounded(
    small: Callable[[], object],
    large: Callable[[], object],
    bound: float,
    floor: float = 0.0,
    runs: int = 3,
) -> None:
    """Assert that ``large`` takes less than ``bound`` times what ``small``
    takes, plus ``floor`` seconds, in one of three rounds of `fastest`
    measurements. A superlinear cost breaks the bound in every round; a busy
    CI machine (other workers, other jobs) slows a round now and then, and
    once failed a check that held everywhere else."""
    rounds = []
    for _ in range(3):
        small_time, large_time = fastest(small, runs), fastest(large, runs)
        if large_time < bound * small_time + floor:
            return
        rounds.append(f"{small_time * 1000:.2f} ms, then {large_time * 1000:.2f} ms")
    raise AssertionError(f"over {bound} times plus {floor} s: " + "; ".join(rounds))


def pyenv_python(minor: str) -> str | None:
    """pyenv's newest interpreter of ``minor`` ("3.9"), if the machine has it."""
    found = sorted(Path.home().glob(f".pyenv/versions/{minor}.*/bin/python{minor}"))
    return str(found[-1]) if found else None


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (repo-relative path -> content) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    env.pop("GIT_INDEX_FILE", None)
    completed = subprocess.run(
        ("git", *args), cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return completed.stdout


def init_repo(repo: Path, *, commit: bool = True) -> Path:
    git(repo, "init", "-q", "-b", "main")
    if commit:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--no-verify", "-m", "initial")
    return repo


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hooks keep their disk cache in the user's cache folder: each test
    gets one of its own, so no test sees another's entries. The hooks a test
    starts as processes load their bytecode as on a user's machine, rather
    than compiling every module each time (some CI machines forbid .pyc)."""
    monkeypatch.setenv("LUCID_HOOKS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the current directory (not a git repo)."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


# --- end to end through real pre-commit and prek ----------------------------
# Each runner installs this repository, named by `repo:` and `rev:` in a
# `.pre-commit-config.yaml`, into a virtual environment in its store. The
# session shares one snapshot commit of the working tree and one store per
# runner, so each runner builds that environment once; both build in the
# background from the session's start, while the unit tests run. Packages come
# only from the local wheelhouse (see README), never from the network:
# pre-commit installs with pip, prek with uv, each told so below.

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "examples" / "lucid-monorepo"
WHEELHOUSE = Path(os.environ.get("LUCID_HOOKS_WHEELHOUSE", PROJECT / ".wheelhouse"))
# Where this interpreter's console scripts are: prek, uv and the hooks' own.
SCRIPTS = Path(sysconfig.get_path("scripts"))
# prek first: its store is ready in about 2 s, pre-commit's in about 5, so
# the prek scenarios can run while pre-commit still installs.
RUNNERS = ("prek", "pre-commit")

# A finding as every hook prints it; prek indents a hook's output.
FINDING = re.compile(r"^[ \t]*(\S[^\n]*?:\d+:\d+: LH\d{3} [^\n]*?)[ \t\r]*$", re.MULTILINE)

# Whatever the caller's environment says about package indexes, caches or
# stores, only the settings below decide where packages come from.
INHERITED = ("PIP_", "UV_", "VIRTUALENV_", "PRE_COMMIT_", "PREK_")
PIP_OFFLINE = {
    "PIP_CONFIG_FILE": os.devnull,
    "PIP_NO_INDEX": "1",
    "PIP_FIND_LINKS": str(WHEELHOUSE),
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
}
UV_OFFLINE = {
    # prek runs uv (next to prek or on PATH) and, without one, downloads it;
    # `none` makes a missing uv an error instead.
    "PREK_UV_SOURCE": "none",
    "UV_NO_CONFIG": "1",
    "UV_OFFLINE": "1",
    "UV_NO_INDEX": "1",
    "UV_FIND_LINKS": str(WHEELHOUSE),
    # prek retries `uv venv` with downloads allowed when uv offers a managed
    # Python; offline, uv must take an installed interpreter or fail.
    "UV_PYTHON_DOWNLOADS": "never",
}

Completed = subprocess.CompletedProcess[str]


@functools.cache
def manifest() -> tuple[Mapping[str, object], ...]:
    """The hooks of `.pre-commit-hooks.yaml`, in order."""
    # PyYAML comes with pre-commit; only the end-to-end tests need it.
    import yaml

    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return tuple(hooks)


def hook_ids() -> tuple[str, ...]:
    """The hooks a commit or `run --all-files` runs (not the manual-stage report)."""
    return tuple(str(hook["id"]) for hook in manifest() if hook.get("stages") != ["manual"])


@dataclass(frozen=True)
class HookRepo:
    """A published hook repository, as `repo:` and `rev:` name it."""

    path: Path
    rev: str


def snapshot_of_project(snapshot: Path) -> HookRepo | str:
    """This project's working tree (tracked and untracked files, not the
    ignored ones) as one commit in ``snapshot``, like a published hook repo;
    or why there is none."""
    listed = subprocess.run(
        ("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"),
        cwd=PROJECT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        return "the project is not a git checkout"
    for name in os.fsdecode(listed.stdout).split("\0"):
        source = PROJECT / name
        if name and source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    init_repo(snapshot)
    return HookRepo(snapshot, git(snapshot, "rev-parse", "HEAD").strip())


def hooks_config(hook_repo: HookRepo, args: Mapping[str, Sequence[str]] | None = None) -> str:
    """A `.pre-commit-config.yaml` with every hook of ``hook_repo``, ``args``
    by hook id."""
    lines = ["repos:", f"  - repo: {json.dumps(str(hook_repo.path))}"]
    lines += [f"    rev: {hook_repo.rev}", "    hooks:"]
    for hook_id in (str(hook["id"]) for hook in manifest()):
        lines.append(f"      - id: {hook_id}")
        if args and hook_id in args:
            lines.append(f"        args: {json.dumps(list(args[hook_id]))}")
    return "\n".join(lines) + "\n"


def demo_repo(destination: Path, config: str | None = None) -> Path:
    """A fresh git repository of the demo monorepo; ``config``, if given, is
    its `.pre-commit-config.yaml`, committed with it: pre-commit refuses to
    run on staged files with an unstaged config, and the scenarios expect a
    clean `git status`."""
    shutil.copytree(DEMO, destination)
    if config is not None:
        (destination / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    return init_repo(destination)


# Bound once: the runners also run in background threads while unit tests
# run, and those may patch module attributes.
_run = subprocess.run


@dataclass(frozen=True)
class Runner:
    """pre-commit or prek, with the session's store and offline settings."""

    name: str
    command: tuple[str, ...]
    env: Mapping[str, str]
    hook_repo: HookRepo

    def __call__(self, cwd: Path, *args: str) -> Completed:
        return _run(
            (*self.command, *args),
            cwd=cwd,
            env=dict(self.env),
            capture_output=True,
            text=True,
            check=False,
        )

    def demo(self, destination: Path, args: Mapping[str, Sequence[str]] | None = None) -> Path:
        """A fresh demo repository whose config uses the session's hook repo."""
        return demo_repo(destination, hooks_config(self.hook_repo, args))

    def install_hooks(self, cwd: Path) -> Completed:
        # prek's own name for it (`install-hooks` is an alias).
        return self(cwd, "install-hooks" if self.name == "pre-commit" else "prepare-hooks")


def runner_env(**settings: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(INHERITED)
        # A machine's PYTHONDONTWRITEBYTECODE (CI images set it) would make
        # every pip and hook process of the hook environments compile its
        # modules again, which no user's installs do.
        and name not in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "PYTHONDONTWRITEBYTECODE")
    }
    # This interpreter first on PATH: the Python that uv finds for prek's
    # hook environment is then this one, as it is for pre-commit's.
    env["PATH"] = os.pathsep.join((str(SCRIPTS), env.get("PATH", os.defpath)))
    return {**env, **GIT_ENV, **settings}


def make_runner(name: str, home: Path, hook_repo: HookRepo) -> Runner | str:
    """The runner called ``name`` with its store in ``home``, or why it cannot run here."""
    # The temporary folder goes with the session's other files (in memory,
    # see memory_basetemp): pip's build environments, try-repo's store and
    # uv's lock files are written there, at twice the cost on a disk.
    scratch = home / "tmp"
    scratch.mkdir()
    if name == "pre-commit":
        env = runner_env(
            PRE_COMMIT_HOME=str(home),
            PRE_COMMIT_COLOR="never",
            LUCID_HOOKS_CACHE_DIR=str(home / "lucid-hooks-cache"),
            TMPDIR=str(scratch),
            **PIP_OFFLINE,
        )
        return Runner(name, (sys.executable, "-m", "pre_commit"), env, hook_repo)
    prek = shutil.which("prek", path=str(SCRIPTS)) or shutil.which("prek")
    if prek is None:
        return "prek is not installed (`pip install -e '.[test]'` installs it)"
    env = runner_env(
        PREK_HOME=str(home),
        PREK_COLOR="never",
        # The hooks' own cache stays with the session, out of the user's.
        LUCID_HOOKS_CACHE_DIR=str(home / "lucid-hooks-cache"),
        # uv takes a Python it manages before any other: with none to find,
        # it takes this interpreter, first on PATH.
        UV_PYTHON_INSTALL_DIR=str(home / "no-managed-python"),
        TMPDIR=str(scratch),
        **UV_OFFLINE,
    )
    # prek takes the uv beside its own (resolved) binary, then one on PATH.
    search = os.pathsep.join((str(Path(prek).resolve().parent), env["PATH"]))
    if shutil.which("uv", path=search) is None:
        return (
            "prek installs `language: python` hooks with uv and, finding none, would"
            " download it, which these offline tests forbid: install the `uv` package"
        )
    return Runner(name, (prek,), env, hook_repo)


def runners_of(session: pytest.Session, test: str | None = None) -> set[str]:
    """The runners that the selected tests (or those of ``test``) run under."""
    return {
        str(item.callspec.params["runner"])
        for item in session.items
        if isinstance(item, pytest.Function)
        and hasattr(item, "callspec")
        and "runner" in item.callspec.params
        and test in (None, item.originalname)
    }


@pytest.fixture(scope="session")
def background() -> Iterator[ThreadPoolExecutor]:
    """Where slow runner calls that do not depend on each other run at once:
    one worker per runner (these tests are sized for two cores)."""
    with ThreadPoolExecutor(max_workers=len(RUNNERS)) as pool:
        yield pool


@pytest.fixture(scope="session")
def runners(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Runner | str]:
    """Every runner, each with an empty store for the session; or why it
    cannot run here (a reason, not a skip: the session's start asks for this,
    whatever test comes first)."""
    if not any(WHEELHOUSE.glob("*.whl")):
        return dict.fromkeys(
            RUNNERS,
            f"no wheelhouse at {WHEELHOUSE}: run `pip wheel -w .wheelhouse . flit_core"
            " tomli` once (README, Tests) so the end-to-end tests install offline",
        )
    hook_repo = snapshot_of_project(tmp_path_factory.mktemp("hook-repo"))
    if isinstance(hook_repo, str):
        return dict.fromkeys(RUNNERS, hook_repo)
    return {
        name: make_runner(name, tmp_path_factory.mktemp(f"{name}-home"), hook_repo)
        for name in RUNNERS
    }


@pytest.fixture(scope="session")
def installs(
    request: pytest.FixtureRequest,
    background: ThreadPoolExecutor,
    runners: Mapping[str, Runner | str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Mapping[str, Future[Completed]]:
    """Each runner that a selected test needs building the hook environment
    in its store, in the background: the installs are most of the end-to-end
    tests' time."""
    needed = runners_of(request.session)
    started = {}
    for name, runner in runners.items():
        if isinstance(runner, Runner) and name in needed:
            demo = runner.demo(tmp_path_factory.mktemp(f"{name}-install") / "demo")
            started[name] = background.submit(runner.install_hooks, demo)
    return started


TRY_REPO_TEST = "test_try_repo_fixes_the_demo"


def try_repo(runner: Runner, demo: Path) -> Completed:
    """What a user runs first: this repository's check-init-files over a
    fresh demo that has no config of its own."""
    assert not (demo / "wallet/walletd/__init__.py").exists()
    return runner(demo, "try-repo", str(runner.hook_repo.path), "check-init-files", "--all-files")


@pytest.fixture(scope="session")
def first_tries(
    request: pytest.FixtureRequest,
    background: ThreadPoolExecutor,
    runners: Mapping[str, Runner | str],
    installs: Mapping[str, Future[Completed]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Mapping[str, tuple[Path, Future[Completed]]]:
    """`try_repo` once per runner, in the background, for test_e2e's
    TRY_REPO_TEST: try-repo builds a store of its own on every call (both
    runners do), as slow as an install, so it too starts with the session,
    queued behind the installs."""
    needed = runners_of(request.session, TRY_REPO_TEST)
    started = {}
    for name, runner in runners.items():
        if isinstance(runner, Runner) and name in needed:
            demo = demo_repo(tmp_path_factory.mktemp("try-repo") / "demo")
            started[name] = (demo, background.submit(try_repo, runner, demo))
    return started


@pytest.fixture(scope="session", autouse=True)
def end_to_end_head_start(request: pytest.FixtureRequest) -> None:
    """Starts the installs and try-repos with the session, when an
    end-to-end test is selected, so that they run on the second core while
    the unit tests run on the first. Under xdist every worker sees every
    test: there the worker given the end-to-end tests (first in its queue,
    see pytest_collection_modifyitems) starts them with its first one."""
    if not is_xdist_worker(request.config) and runners_of(request.session):
        request.getfixturevalue("first_tries")


def is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (`--dist loadfile`: a file's tests run in one worker) the
    end-to-end tests come first: their worker builds the stores while the
    others run unit tests."""
    if is_xdist_worker(config):
        items.sort(key=lambda item: "runner" not in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", params=RUNNERS)
def runner(
    request: pytest.FixtureRequest,
    runners: Mapping[str, Runner | str],
    installs: Mapping[str, Future[Completed]],
    first_tries: Mapping[str, tuple[Path, Future[Completed]]],
) -> Runner:
    """Each scenario under each runner, once its store holds the hook
    environment (a failed install fails here, as itself)."""
    selected = runners[request.param]
    if isinstance(selected, str):
        pytest.skip(selected)
    installed = installs[selected.name].result()
    assert installed.returncode == 0, (
        f"{selected.name} could not install the hooks:\n{installed.stdout}{installed.stderr}"
    )
    return selected


def finding_lines(output: str) -> set[str]:
    """The `path:line:col: CODE message` lines in a runner's output."""
    return set(FINDING.findall(output))
