"""The checks of check-distroless, on the images each Dockerfile builds.

Each Dockerfile is modelled once per build context it has (configuration,
compose, or its folder: `build_context`), every stage of it
(`image.model_stages`); the image checked is the final stage, or the
compose ``target``. Only what is built on a distroless image is judged:
the final image's base, the RUN and SHELL instructions of the stages it is
made of whose base is distroless, and the final image's command,
HEALTHCHECK and user. Whether a program exists is decided from the
distroless facts (`distroless_images`) and the files COPY and ADD put in
the image; where the model says files it cannot follow may be there (a
COPY from another image, an archive, a RUN that can run), a program may
exist and nothing is said. A venv a COPY brings from a builder is the one
exception followed further: the builder's RUN that made it says where its
interpreter links lead (LH514).
"""

from __future__ import annotations

import os
import posixpath
import re
from bisect import bisect_left
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import git
from lucid_hooks.base_images import DEFAULT_PATH, DEFAULT_SHELL
from lucid_hooks.build_context import COMPOSE, CONFIG, build_contexts, compose_builds
from lucid_hooks.check_distroless import (
    COPY_SOURCE_MISSING,
    DEBUG_BASE_IMAGE,
    FLOATING_BASE_IMAGE,
    INTERPRETER_TWICE,
    MISSING_EXECUTABLE,
    NONEXISTENT_BASE_IMAGE,
    NOT_DISTROLESS,
    NOT_EXECUTABLE,
    PACKAGES_NOT_ON_SYS_PATH,
    PYTHON_MISMATCH,
    RETIRED_BASE_IMAGE,
    ROOT_USER,
    SHELL_FORM_ON_DISTROLESS,
    UNDER_ROOT_HOME,
    UNKNOWN_USER,
    VENV_INTERPRETER_MISSING,
)
from lucid_hooks.commands import is_interpreter
from lucid_hooks.distroless_images import (
    ARCHITECTURES,
    CURRENT_DEBIAN,
    GROUPS,
    PYTHON_OF_DEBIAN,
    USERS,
    VARIANTS,
    executable_state,
    read_reference,
    replacement,
    retirement,
)
from lucid_hooks.dockerfile import MAX_LINE_BYTES, decode
from lucid_hooks.dockerfile_fixes import DockerfileEditor, exec_form_words
from lucid_hooks.findings import Finding, suppressed_codes, unreadable_file
from lucid_hooks.globs import GlobSet
from lucid_hooks.image import BASE, RUN, ImageCache, copy_arguments, model_stages
from lucid_hooks.patterns import go_clean, has_wildcards
from lucid_hooks.pip_installs import run_commands

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from lucid_hooks.build_context import ComposeBuilds
    from lucid_hooks.distroless_images import Distroless
    from lucid_hooks.dockerfile import Dockerfile, Instruction
    from lucid_hooks.dockerfile_fixes import Edit
    from lucid_hooks.image import Command, Image, ImageFile, Install, Opaque
    from lucid_hooks.runner import HookContext
    from lucid_hooks.snapshot import Snapshot

# A Dockerfile larger than this is not one a person wrote: not read.
MAX_DOCKERFILE_BYTES = 4 << 20
# What a word of advice per missing program says.
_ADVICE = {
    "sh": "there is no shell: use exec form",
    "bash": "there is no shell: use exec form",
    "pip": "install into a builder's venv and COPY it",
    "pip3": "install into a builder's venv and COPY it",
    "curl": "check health with python3 -c and urllib",
    "wget": "check health with python3 -c and urllib",
    "tini": "COPY it in, or run the container with --init",
}
# The longest value of the Dockerfile a finding's line shows whole.
_SHOWN = 48
_OCTAL_MODE = re.compile(r"[0-7]{3,4}")
# What is read of a copied program to see its `#!` line.
_HEAD_BYTES = 256
# git's mode of a regular file without an execute bit.
_GIT_REGULAR = "100644"
_FILE_WORK = frozenset({"chmod", "chown", "cp", "ln", "mkdir", "mv", "rm", "touch"})


class Tree(NamedTuple):
    """What the checks of every Dockerfile of a run share."""

    snapshot: Snapshot
    files: Sequence[str]
    read: Callable[[str], bytes | None]
    compose: ComposeBuilds
    contexts: Mapping[str, str]
    cache: ImageCache
    required: GlobSet


def check_dockerfiles(context: HookContext, paths: Sequence[str]) -> list[Finding]:
    """The findings of the Dockerfiles ``paths`` (passed to the hook)."""
    snapshot = context.snapshot
    files = snapshot.files(context.excludes)
    read = _reader(snapshot)
    contexts = dict(context.config.dockerfiles)
    required = GlobSet(context.strings("require-distroless"))
    compose = compose_builds(files, read)
    tree = Tree(snapshot, files, read, compose, contexts, ImageCache(), required)
    findings: list[Finding] = []
    for path in paths:
        findings.extend(_check_file(tree, path))
    return findings


def _reader(snapshot: Snapshot) -> Callable[[str], bytes | None]:
    def read(path: str) -> bytes | None:
        try:
            return snapshot.read(path, MAX_DOCKERFILE_BYTES)
        except OSError:
            return None

    return read


def _check_file(tree: Tree, path: str) -> list[Finding]:
    try:
        data = tree.snapshot.read(path, MAX_DOCKERFILE_BYTES)
    except OSError as error:
        return [unreadable_file(path, error)]
    if data is None or _has_overlong_line(data):
        return []
    dockerfile = tree.snapshot.dockerfile(path, data)
    if not dockerfile.stages:
        return []  # not a Dockerfile (or an empty one): nothing runs
    return DockerfileCheck(tree, path, data, dockerfile).findings()


def _has_overlong_line(data: bytes) -> bool:
    """Whether BuildKit stops reading the file at a line too long for it:
    nothing after that builds, so nothing is judged (and the shared RUN
    reader, shlex, takes quadratic time on such a word)."""
    return len(data) > MAX_LINE_BYTES and any(
        len(line) > MAX_LINE_BYTES for line in data.split(b"\n")
    )


class DockerfileCheck:
    """One Dockerfile: its images, once per build context, and its findings."""

    def __init__(self, tree: Tree, path: str, data: bytes, dockerfile: Dockerfile) -> None:
        self.tree = tree
        self.path = path
        self.dockerfile = dockerfile
        self.lines = decode(data).split("\n")
        self.editor = DockerfileEditor.of(tree.snapshot.root, path, data)
        self.edits: dict[int, Edit | None] = {}
        self.by_line = {i.line: i for i in dockerfile.instructions}
        self.named: dict[str, int] = {}  # the first stage of each name
        for stage in dockerfile.stages:
            if stage.name:
                self.named.setdefault(stage.name, stage.index)

    def findings(self) -> list[Finding]:
        tree = self.tree
        builds = build_contexts(
            self.path,
            self.dockerfile,
            tree.files,
            tree.read,
            mapping=tree.contexts,
            compose=tree.compose,
            cache=tree.cache,
        )
        found: dict[tuple[int, str, str], Finding] = {}
        for build in builds:
            images = model_stages(self.path, self.dockerfile, build, cache=tree.cache)
            final = images[self._target(build.target)]
            for finding in ImageCheck(self, images, final).findings():
                found.setdefault((finding.line, finding.code, finding.message), finding)
        return [finding for finding in found.values() if not self.suppressed(finding)]

    def _target(self, target: str | None) -> int:
        stages = self.dockerfile.stages
        named = [stage.index for stage in stages if target and stage.name == target.lower()]
        return named[0] if named else len(stages) - 1

    def finding(self, line: int, code: str, message: str, edit: Edit | None = None) -> Finding:
        instruction = self.by_line.get(line)
        column = instruction.column if instruction is not None else 1
        fix = self._fixer(edit) if edit is not None else None
        return Finding(self.path, code, message, line=line, column=column, fix=fix)

    def _fixer(self, edit: Edit) -> Callable[[], str | None]:
        editor = self.editor
        assert editor is not None

        def fix() -> str | None:
            return editor.apply(edit)

        return fix

    def edit(self, instruction: Instruction, words: Sequence[str] | None) -> Edit | None:
        """The one edit of an instruction (two findings on it share it)."""
        if instruction.line not in self.edits:
            made = None
            if self.editor is not None and words:
                made = self.editor.edit(instruction, words)
            self.edits[instruction.line] = made
        return self.edits[instruction.line]

    def flagged(self, line: int) -> bool:
        """Whether the CMD or ENTRYPOINT at ``line`` starts with a flag, which
        BuildKit refuses ("unknown flag": they take none), so that its words
        are not what would run: `CMD --port 8000` runs no program `8000`."""
        instruction = self.by_line.get(line)
        return (
            instruction is not None
            and instruction.keyword in ("CMD", "ENTRYPOINT")
            and bool(instruction.flags)
        )

    def head(self, file: ImageFile) -> bytes | None:
        """The first bytes of a file COPY or ADD put in the image (None:
        not known, or not readable)."""
        if file.content is not None:
            return file.content[:_HEAD_BYTES].encode("utf-8", "replace")
        if file.source is None:
            return None
        try:
            return self.tree.snapshot.head(file.source, _HEAD_BYTES)
        except OSError:
            return None

    def executable(self, file: ImageFile) -> bool:
        """Whether the file is executable in the image, as far as can be told
        (True when not: a COPY from a stage, whose RUN may chmod it)."""
        instruction = self.by_line.get(file.line)
        if instruction is None or instruction.flag("from") is not None:
            return True
        chmod = instruction.flag("chmod")
        if chmod is not None:
            # Octal modes only: a symbolic one (`u+x`) is not judged.
            octal = _OCTAL_MODE.fullmatch(chmod)
            return octal is None or bool(int(chmod, 8) & 0o111)
        if file.source is None:
            return False  # a heredoc is written 0644
        # git's mode for a tracked file: what a clone (CI's) holds, and what
        # `git update-index --chmod=+x` sets; the disk's for another.
        mode = self.tree.snapshot.index_mode(file.source)
        if mode is not None:
            return mode != _GIT_REGULAR  # 100755, or a link COPY follows: not judged
        info = self.tree.snapshot.lstat(file.source)
        return info is None or bool(info.st_mode & 0o111)

    def suppressed(self, finding: Finding) -> bool:
        """Whether a `# lucid: ignore[...]` comment in the comment lines
        just above the instruction switches the finding off (the runner
        reads the instruction's own line)."""
        number = finding.line - 1
        while number >= 1 and self.lines[number - 1].lstrip().startswith("#"):
            codes = suppressed_codes(self.lines[number - 1].encode("utf-8", "replace"))
            if any(finding.code.startswith(code) for code in codes):
                return True
            number -= 1
        return False


def distroless_of(image: Image) -> Distroless | None:
    """The distroless image an image is built on (None: another, or one
    whose name has variables not known)."""
    base = image.base
    if "$" in base.reference:
        return None
    return read_reference(base.name, base.tag, base.digest)


class ImageCheck:
    """The checks of one final image."""

    def __init__(self, check: DockerfileCheck, images: Sequence[Image], final: Image) -> None:
        self.check = check
        self.images = images
        self.final = final
        self.facts = distroless_of(final)
        # The SHELL instructions of each stage's chain, by line (`_shell_at`).
        self.shells: dict[int, tuple[list[int], list[tuple[str, ...]]]] = {}
        # What a RUN on a distroless image can run writes no program and no
        # /etc/passwd: its lines do not make files "may exist".
        self.distroless_runs = frozenset(
            instruction.line
            for image, stage in zip(images, check.dockerfile.stages)
            if distroless_of(image) is not None
            for instruction in stage.instructions
            if _runs(instruction)
        )

    def findings(self) -> list[Finding]:
        facts = self.facts
        if not self.final.chain:
            return []
        if facts is None:
            return list(self._required())
        found = list(self._base_findings(facts))
        if _nonexistent(facts) is not None:
            return found  # no such image: nothing else is known of it
        for index in self._stages_made_of():
            found.extend(self._stage_findings(index))
        found.extend(self._command_findings(facts))
        found.extend(self._user_findings(facts))
        found.extend(self._python_mismatches(facts))
        found.extend(self._venv_findings(facts))
        found.extend(self._missing_sources())
        found.extend(self._unreachable_packages(facts))
        return found

    # -- packages copied where Python does not look ------------------------------

    def _unreachable_packages(self, facts: Distroless) -> Iterator[Finding]:
        """LH516: a COPY --from brings what a builder's `pip install
        --target/--prefix` installed to a folder not on the final image's
        sys.path."""
        runtime = facts.python_version
        setting = self.final.env.get("PYTHONPATH")
        pythonpath = "" if setting is None else setting.value  # None: not known
        searched = self._searched_folders(runtime, pythonpath) if runtime is not None else None
        if runtime is None or searched is None:
            return
        said: set[tuple[int, str]] = set()
        for index in self.final.chain:
            for instruction in self.check.dockerfile.stages[index].instructions:
                builder = self._copied_stage(instruction, index)
                if builder is None:
                    continue
                for placed in _placed_packages(instruction, builder):
                    if placed in searched or (instruction.line, placed) in said:
                        continue
                    said.add((instruction.line, placed))
                    wanted = f"{pythonpath}:{placed}" if pythonpath else placed
                    message = (
                        f"this puts installed packages in {_cut(placed)}, which is not on"
                        f" sys.path: ENV PYTHONPATH={_cut(wanted)}"
                    )
                    yield self.check.finding(
                        instruction.line, PACKAGES_NOT_ON_SYS_PATH.code, message
                    )

    def _searched_folders(self, python: str, pythonpath: str | None) -> frozenset[str] | None:
        """The folders the final image's Python imports from, as far as they
        matter here: PYTHONPATH, the interpreter's site folders, the WORKDIR
        and the folder of a script its command runs; None when not known
        (variables, a venv's interpreter, no command)."""
        final = self.final
        command = final.command
        if pythonpath is None or "$" in pythonpath or not command:
            return None
        # The image's own interpreter only: a venv's finds its own
        # site-packages, and another program's imports are not followed.
        interpreter = command[0]
        if not (is_interpreter(interpreter) and interpreter.startswith(_SYSTEM_BIN)):
            return None
        script = next((word for word in command[1:] if word.endswith(".py")), None)
        if script is None and "-m" not in command[1:]:
            return None  # it runs no module of ours: what it could import is moot
        workdir = final.workdir.value or "/"
        folders = {go_clean(path) for path in pythonpath.split(":") if path.startswith("/")}
        folders.update(_site_folders(python))
        folders.add(go_clean(workdir))
        if script is not None:
            folders.add(posixpath.dirname(go_clean(posixpath.join(workdir, script))))
        return frozenset(folders)

    def _missing_sources(self) -> Iterator[Finding]:
        """LH515 for each build-context source the context lacks: one the
        `.dockerignore` leaves out, or one the disk lacks too and git does
        not ignore (else a build step makes it: a build output)."""
        problems = [problem for problem in self.final.problems if problem.missing]
        if not problems:
            return
        snapshot = self.check.tree.snapshot
        missing = {
            p.missing for p in problems if not os.path.lexists(snapshot.absolute(p.missing))
        }
        ignored = git.ignore_rules(snapshot.root, sorted(missing)) if snapshot.is_git else {}
        built = {path for path, rule in (ignored or {}).items() if not rule.negated}
        context = self.final.context
        where = ""
        if context is not None and context.how not in (CONFIG, COMPOSE):
            said = _context_said(context.root)
            where = f" ({said}; set `dockerfiles` if it is built from elsewhere)"
        for problem in problems:
            made = problem.missing not in missing or problem.missing in built
            if problem.excluded or not made:
                message = f"{problem.message}: the build stops here{where}"
                yield self.check.finding(problem.line, COPY_SOURCE_MISSING.code, message)

    # -- the base image ----------------------------------------------------------

    def _required(self) -> Iterator[Finding]:
        """LH513 for a Dockerfile `require-distroless` names."""
        reference = self.final.base.reference
        if "$" in reference or not self.check.tree.required.matches(self.check.path):
            return
        message = (
            f"the final stage is built on {_cut(reference)}, not distroless, which"
            " require-distroless asks for: use gcr.io/distroless/python3-debian13:nonroot"
        )
        yield self.check.finding(self._from_line(), NOT_DISTROLESS.code, message)

    def _from_line(self) -> int:
        return self.check.dockerfile.stages[self.final.chain[0]].line

    def _base_findings(self, facts: Distroless) -> Iterator[Finding]:
        line = self._from_line()
        problem = _nonexistent(facts)
        if problem is not None:
            yield self.check.finding(line, NONEXISTENT_BASE_IMAGE.code, problem)
            return
        ended = retirement(facts)
        if ended is not None and not ended.since:
            message = f"distroless builds no {_cut(facts.repository)}: use {replacement(facts)}"
            yield self.check.finding(line, NONEXISTENT_BASE_IMAGE.code, message)
        elif ended is not None:
            message = (
                f"{facts.repository} is not built since {ended.since}:"
                f" use {replacement(facts)}{_variant_tag(facts)}{_moving_python(facts)}"
            )
            yield self.check.finding(line, RETIRED_BASE_IMAGE.code, message)
        floating = _floating(facts)
        if floating:
            yield self.check.finding(line, FLOATING_BASE_IMAGE.code, floating)
        if facts.debug:
            message = (
                f"`:{facts.tag}` adds busybox for debugging by hand: ship"
                f" `:nonroot{_architecture(facts)}`"
            )
            yield self.check.finding(line, DEBUG_BASE_IMAGE.code, message)

    # -- RUN and SHELL in every distroless stage the image is made of ------------

    def _stages_made_of(self) -> list[int]:
        final = self.final
        wanted = {*final.chain, *final.copied_from}
        for index in final.copied_from:
            wanted.update(self.images[index].chain)
        return sorted(wanted)

    def _stage_findings(self, index: int) -> Iterator[Finding]:
        image = self.images[index]
        facts = distroless_of(image)
        if facts is None or facts.family is None:
            return
        presence = Presence(image, facts, self.distroless_runs)
        stage = self.check.dockerfile.stages[index]
        for instruction in (*self._triggers(image), *stage.instructions[1:]):
            if instruction.keyword == "RUN":
                yield from self._run(presence, instruction)
            elif instruction.keyword == "SHELL" and instruction.exec_form:
                yield from self._shell(presence, instruction)

    def _triggers(self, image: Image) -> list[Instruction]:
        """The ONBUILD triggers a stage runs: its parent stage's (at their lines)."""
        if len(image.chain) < 2:
            return []
        parent = self.check.dockerfile.stages[image.chain[-2]]
        held = (instruction.trigger for instruction in parent.instructions[1:])
        return [trigger for trigger in held if trigger is not None]

    def _run(self, presence: Presence, instruction: Instruction) -> Iterator[Finding]:
        if instruction.exec_form is not None:
            yield from self._exec_run(presence, instruction.line, instruction.exec_form)
            return
        line = instruction.line
        shell = self._shell_at(presence.image, line)
        if presence.program(shell[0], before=line) is not False:
            return
        what = "a RUN heredoc (even with #!)" if instruction.heredocs else "shell-form RUN"
        if self.check.by_line[line].keyword == "ONBUILD":
            what = f"ONBUILD {what.removeprefix('a ')}"
        message = (
            f"{what} needs {_cut(shell[0])}, which {presence.facts.repository} lacks:"
            " run it in a builder stage and COPY the result"
        )
        yield self.check.finding(line, SHELL_FORM_ON_DISTROLESS.code, message)

    def _exec_run(self, presence: Presence, line: int, argv: Sequence[str]) -> Iterator[Finding]:
        if not argv:
            return
        if presence.program(argv[0], before=line) is False:
            message = _missing("RUN", argv[0], presence)
            yield self.check.finding(line, MISSING_EXECUTABLE.code, message)
        elif is_interpreter(argv[0]) and list(argv[1:3]) == ["-m", "pip"]:
            if not presence.anything_unseen(line):
                message = (
                    f"RUN runs {_cut(argv[0])} -m pip, but {presence.facts.repository} has no"
                    f" pip module: {_advice('pip')}"
                )
                yield self.check.finding(line, MISSING_EXECUTABLE.code, message)
        else:
            yield from self._script("RUN", line, argv[0], presence, line)

    def _shell_at(self, image: Image, line: int) -> tuple[str, ...]:
        """The SHELL in effect at ``line`` of the image's chain: the last
        before it (the chain's stages come in the file's order)."""
        if image.stage not in self.shells:
            stages = self.check.dockerfile.stages
            found = [
                instruction
                for index in image.chain
                for instruction in stages[index].instructions
                if instruction.keyword == "SHELL" and instruction.exec_form
            ]
            self.shells[image.stage] = (
                [instruction.line for instruction in found],
                [tuple(instruction.exec_form or ()) for instruction in found],
            )
        lines, shells = self.shells[image.stage]
        position = bisect_left(lines, line)
        return shells[position - 1] if position else DEFAULT_SHELL

    def _shell(self, presence: Presence, instruction: Instruction) -> Iterator[Finding]:
        program = (instruction.exec_form or [""])[0]
        if program and presence.program(program, before=instruction.line) is False:
            message = (
                f"SHELL names {_cut(program)}, which {presence.facts.repository} lacks:"
                " every later shell form fails"
            )
            yield self.check.finding(instruction.line, SHELL_FORM_ON_DISTROLESS.code, message)

    # -- ENTRYPOINT, CMD and HEALTHCHECK of the final image -----------------------

    def _command_findings(self, facts: Distroless) -> Iterator[Finding]:
        final = self.final
        presence = Presence(final, facts, self.distroless_runs)
        entrypoint, cmd = final.entrypoint, final.cmd
        python_first = self._python_entrypoint(facts)
        yield from self._shell_command("ENTRYPOINT", entrypoint, presence, drop=False)
        yield from self._shell_command("CMD", cmd, presence, drop=python_first)
        if entrypoint.argv is not None:
            # An ENTRYPOINT runs its first word; without one, the CMD does.
            yield from self._program(entrypoint if entrypoint.argv else cmd, presence)
        if python_first:
            yield from self._interpreter_twice(cmd, presence)
        check = final.healthcheck
        yield from self._shell_command("HEALTHCHECK", check, presence, drop=False)
        yield from self._program(check, presence, "HEALTHCHECK")

    def _python_entrypoint(self, facts: Distroless) -> bool:
        """Whether the ENTRYPOINT in force is the interpreter alone (with
        options at most), so that the CMD holds its arguments; a shell form
        counts as the exec form its fix makes (so that a second run finds
        nothing new)."""
        entrypoint = self.final.entrypoint
        if entrypoint.argv is None:
            return facts.kind == "python3" and entrypoint.line is None
        argv: Sequence[str] | None = entrypoint.argv
        if entrypoint.shell_text is not None:
            argv = exec_form_words(entrypoint.shell_text)
        return (
            bool(argv)
            and argv is not None
            and is_interpreter(argv[0])
            and all(word.startswith("-") and word not in ("-m", "-c") for word in argv[1:])
        )

    def _shell_command(
        self, what: str, command: Command, presence: Presence, *, drop: bool
    ) -> Iterator[Finding]:
        text, argv, line = command.shell_text, command.argv, command.line
        if text is None or not argv or line is None:
            return
        if presence.program(argv[0]) is not False:
            return
        if self.check.flagged(line):
            yield self.check.finding(line, SHELL_FORM_ON_DISTROLESS.code, _flag_message(what))
            return
        written = exec_form_words(text)
        words = self._python_arguments(written, presence) if drop and written else written
        edit = self._command_edit(what, line, words)
        message = (
            f"shell-form {what} needs {_cut(argv[0])}, which {presence.facts.repository}"
            f" lacks: {_shown(what, edit)}"
        )
        if drop:
            message += " (the ENTRYPOINT is python)"
            first = (written or text.split() or [""])[0]
            if is_interpreter(first) and not self._entrypoint_interpreter(first, presence):
                message += f"; {self._other_interpreter(first)}"
            elif is_interpreter(first) and (edit is None or len(edit.rendered()) > _SHOWN):
                message += f"; leave {_cut(first)} out of the CMD: the ENTRYPOINT runs it"
        elif words and presence.program(words[0]) is False:
            message += f"; {_missing_word(words[0])}"
        yield self.check.finding(line, SHELL_FORM_ON_DISTROLESS.code, message, edit)

    def _python_arguments(self, words: Sequence[str], presence: Presence) -> list[str] | None:
        """A CMD's words as the python ENTRYPOINT's arguments: what follows
        a leading interpreter when it is the ENTRYPOINT's own (another one, a
        venv's say, would be replaced by the ENTRYPOINT's: no rewrite), else
        the words if they start with a script or an option (a program name
        would be taken for a script); None otherwise."""
        if not words:
            return None
        if is_interpreter(words[0]):
            same = self._entrypoint_interpreter(words[0], presence)
            return (list(words[1:]) or None) if same else None
        if words[0].startswith("-") or words[0].endswith(".py"):
            return list(words)
        return None

    def _entrypoint_interpreter(self, word: str, presence: Presence) -> bool:
        """Whether the interpreter ``word`` names is the one the ENTRYPOINT
        runs: the same word, or both the image's own python (`python`,
        `python3`, `python3.X`, `/usr/bin/python3`: links to one binary)."""
        entrypoint = _command_words(self.final.entrypoint)
        if not entrypoint:
            return False
        if word == entrypoint[0]:
            return True  # the same word on the same PATH: the same program
        return _own_interpreter(word, presence) and _own_interpreter(entrypoint[0], presence)

    def _other_interpreter(self, word: str) -> str:
        """What to do about a CMD that names an interpreter other than the
        ENTRYPOINT's, whose word cannot simply go."""
        shown = _cut(word)
        return (
            f"{shown} is not known to be the ENTRYPOINT's interpreter: to run it, write"
            f' ENTRYPOINT [] before the CMD, or make it the ENTRYPOINT (ENTRYPOINT ["{shown}"],'
            " and the CMD its arguments)"
        )

    def _command_edit(self, what: str, line: int, words: Sequence[str] | None) -> Edit | None:
        """The exec-form rewrite of a CMD or ENTRYPOINT (a HEALTHCHECK's
        options and `CMD` word are left to the author)."""
        instruction = self.check.by_line.get(line)
        if what not in ("CMD", "ENTRYPOINT") or instruction is None:
            return None
        if instruction.keyword != what:
            return None
        return self.check.edit(instruction, words)

    def _program(
        self, command: Command, presence: Presence, what: str | None = None
    ) -> Iterator[Finding]:
        argv, line = command.argv, command.line
        if not argv or command.shell_text is not None or line is None:
            return
        if self.check.flagged(line):
            return  # BuildKit refuses it: its first word is not what runs
        instruction = self.check.by_line.get(line)
        keyword = what or (instruction.keyword if instruction is not None else "command")
        if presence.program(argv[0]) is False:
            yield self.check.finding(
                line, MISSING_EXECUTABLE.code, _missing(keyword, argv[0], presence)
            )
        else:
            yield from self._script(keyword, line, argv[0], presence)

    def _script(
        self, keyword: str, line: int, word: str, presence: Presence, before: int | None = None
    ) -> Iterator[Finding]:
        """A program COPY or ADD put in the image: it must be executable, and
        the interpreter its `#!` line names must be there."""
        path = presence.located(word, before)
        file = presence.image.files.get(path) if path is not None else None
        if path is None or file is None:
            return
        if not self.check.executable(file):
            message = (
                f"{keyword} runs {_cut(path)}, which COPY puts there without an execute bit:"
                " chmod +x it in git, or COPY --chmod=755"
            )
            yield self.check.finding(line, NOT_EXECUTABLE.code, message)
        head = self.check.head(file)
        interpreter = _shebang(head) if head is not None else None
        if interpreter and presence.program(interpreter, before) is False:
            message = (
                f"{keyword} runs {_cut(path)}, whose #! line names {_cut(interpreter)}, which"
                f" {presence.facts.repository} lacks: {_advice(interpreter.rpartition('/')[2])}"
            )
            yield self.check.finding(line, MISSING_EXECUTABLE.code, message)

    def _interpreter_twice(self, cmd: Command, presence: Presence) -> Iterator[Finding]:
        """LH507: an exec-form CMD that starts with an interpreter under the
        python ENTRYPOINT (a shell form is LH505's, with its own fix)."""
        line, words = cmd.line, list(cmd.argv or ())
        if line is None or cmd.shell_text is not None or not words:
            return
        if not is_interpreter(words[0]) or self.check.flagged(line):
            return
        instruction = self.check.by_line.get(line)
        arguments = self._python_arguments(words, presence)
        edit = self.check.edit(instruction, arguments) if instruction is not None else None
        first = _cut(words[0])
        runs = " ".join(_command_words(self.final.entrypoint) or ["python3.X"])
        message = (
            f"CMD starts with {first} under a python ENTRYPOINT: this runs"
            f" `{_cut(runs)} {first} ...`; "
        )
        if self._entrypoint_interpreter(words[0], presence):
            message += f"drop {first} from the CMD"
        else:
            message += self._other_interpreter(words[0])
        yield self.check.finding(line, INTERPRETER_TWICE.code, message, edit)

    # -- the user ------------------------------------------------------------------

    def _user_findings(self, facts: Distroless) -> Iterator[Finding]:
        setting = self.final.user
        if setting.value is None:
            return
        name, _, group = setting.value.partition(":")
        if not name and setting.line is not None and self._expanded(setting.line):
            # `USER ${UID}` with no such variable: BuildKit would make it
            # empty (root), but the author means a value the build is given.
            return
        line = setting.line if setting.line is not None else self._from_line()
        if name in ("", "0", "root"):
            yield self.check.finding(line, ROOT_USER.code, _root_message(facts, setting.line))
            return
        yield from self._under_root_home(name)
        if setting.line is None or self._passwd_may_differ():
            return
        for kind, value, known in (("user", name, USERS), ("group", group, GROUPS)):
            if value and not value.isdigit() and value not in known:
                table = "passwd" if kind == "user" else "group"
                message = (
                    f"distroless's /etc/{table} has no {kind} {_cut(value)} (only"
                    f" {', '.join(known)}): use nonroot or a numeric id"
                )
                yield self.check.finding(line, UNKNOWN_USER.code, message)

    def _expanded(self, line: int) -> bool:
        """Whether the instruction at ``line`` names a variable."""
        instruction = self.check.by_line.get(line)
        return instruction is not None and "$" in instruction.arguments

    def _under_root_home(self, user: str) -> Iterator[Finding]:
        """The COPY and ADD lines that put files under /root, which a
        non-root user cannot enter."""
        final = self.final
        lines = {file.line for path, file in final.files.items() if path.startswith("/root/")}
        lines.update(
            region.line
            for region in final.opaque
            if region.line is not None
            and region.line not in self.distroless_runs
            and (region.path == "/root" or region.path.startswith("/root/"))
        )
        for line in sorted(lines):
            message = (
                f"this puts files under /root (mode 0700), which user {_cut(user)} cannot"
                " read: install into a venv or --target folder elsewhere"
            )
            yield self.check.finding(line, UNDER_ROOT_HOME.code, message)

    def _passwd_may_differ(self) -> bool:
        final = self.final
        paths = ("/etc/passwd", "/etc/group")
        if any(path in final.files for path in paths):
            return True
        return any(
            region.kind != BASE or region.line is not None
            for path in paths
            for region in final.covering(path)
            if region.line not in self.distroless_runs
        )

    # -- packages of another Python ------------------------------------------------

    def _python_mismatches(self, facts: Distroless) -> Iterator[Finding]:
        """COPY --from a stage that installed packages with another Python
        minor version than the final image's."""
        runtime = facts.python_version
        if runtime is None:
            return
        for index in self.final.chain:
            for instruction in self.check.dockerfile.stages[index].instructions:
                builder = self._copied_stage(instruction, index)
                built = builder.python_version if builder is not None else None
                if builder is None or built is None or built == runtime:
                    continue
                if not _installs_packages(builder):
                    continue
                message = (
                    f"COPY --from={_cut(instruction.flag('from') or '')} brings packages"
                    f" installed with Python {built} into Python {runtime}:"
                    f" build on python:{runtime}"
                )
                yield self.check.finding(instruction.line, PYTHON_MISMATCH.code, message)

    def _copied_stage(self, instruction: Instruction, index: int) -> Image | None:
        """The image of the earlier stage a COPY --from names."""
        reference = instruction.flag("from") if instruction.keyword == "COPY" else None
        if not reference:
            return None
        # A name, looked up (a final stage may copy from thousands); an index
        # as the parser reads one.
        source = self.check.named.get(reference.lower())
        if source is None and reference.isascii() and reference.isdigit():
            stage = self.check.dockerfile.stage(reference)
            source = stage.index if stage is not None else None
        if source is None or source >= index:
            return None
        return self.images[source]

    # -- venv interpreters ---------------------------------------------------------

    def _venv_findings(self, facts: Distroless) -> Iterator[Finding]:
        """LH514: the final image runs the interpreter of a venv a builder
        made, whose link (or copy) needs a path the final image lacks."""
        final = self.final
        presence = Presence(final, facts, self.distroless_runs)
        commands = [final.healthcheck]
        if final.entrypoint.argv is not None:
            # An ENTRYPOINT runs its first word; without one, the CMD does.
            commands.insert(0, final.entrypoint if final.entrypoint.argv else final.cmd)
        for command in commands:
            yield from self._venv_interpreter(command, presence)

    def _venv_interpreter(self, command: Command, presence: Presence) -> Iterator[Finding]:
        argv, line = command.argv, command.line
        if not argv or command.shell_text is not None or line is None:
            return  # a shell form is LH505's
        if self.check.flagged(line):
            return
        path = presence.unlisted(argv[0])
        if path is None or not is_interpreter(path):
            return
        found = self._copied_venv(path, presence)
        if found is None:
            return
        builder, venv = found
        instruction = self.check.by_line.get(line)
        keyword = instruction.keyword if instruction is not None else "command"
        message = _venv_message(keyword, path, venv, builder, presence)
        if message is not None:
            yield self.check.finding(line, VENV_INTERPRETER_MISSING.code, message)

    def _copied_venv(self, path: str, presence: Presence) -> tuple[Image, Venv] | None:
        """The builder and the venv whose interpreter ``path`` is, when
        only one `COPY --from=<stage>` of a venv folder can have put it there."""
        lines = {region.line for region in presence.hiding(path)}
        line = lines.pop() if len(lines) == 1 else None
        instruction = self.check.by_line.get(line) if line is not None else None
        index = self._stage_holding(line) if line is not None else None
        if instruction is None or index is None or instruction.keyword != "COPY":
            return None
        builder = self._copied_stage(instruction, index)
        source = self._copied_path(instruction, path, self.images[index])
        if builder is None or source is None:
            return None
        venv = self._venv_at(builder, source)
        return None if venv is None else (builder, venv)

    def _stage_holding(self, line: int) -> int | None:
        stages = self.check.dockerfile.stages
        for index in self.final.chain:
            if any(instruction.line == line for instruction in stages[index].instructions):
                return index
        return None

    def _copied_path(self, instruction: Instruction, path: str, image: Image) -> str | None:
        """The builder's path a one-source COPY put at ``path`` (None: not
        one the model can follow: wildcards, variables, --parents, a file)."""
        sources, dest, heredocs = copy_arguments(instruction)
        if (
            len(sources) != 1
            or dest is None
            or heredocs
            or instruction.flag("parents") is not None
        ):
            return None
        source = sources[0]
        if any("$" in word or has_wildcards(word) for word in (source, dest)):
            return None
        if not dest.startswith("/"):
            workdir = self._workdir_at(image, instruction.line)
            if workdir is None:
                return None
            dest = posixpath.join(workdir, dest)
        inside = go_clean(dest).rstrip("/") + "/"
        if not path.startswith(inside):
            return None  # the file itself: COPY follows its link, not judged
        return go_clean(posixpath.join("/" + source, path[len(inside) :]))

    def _workdir_at(self, image: Image, line: int) -> str | None:
        """The WORKDIR the instruction at ``line`` of the image's chain sees."""
        workdir = image.base.workdir
        for index in image.chain:
            for instruction in self.check.dockerfile.stages[index].instructions:
                if instruction.line >= line:
                    return workdir
                if instruction.keyword == "WORKDIR":
                    value = instruction.arguments.strip()
                    if "$" in value or (workdir is None and not value.startswith("/")):
                        workdir = None
                    else:
                        workdir = go_clean(posixpath.join(workdir or "/", value))
        return workdir

    def _venv_at(self, builder: Image, path: str) -> Venv | None:
        """The venv of the builder that ``path`` is an interpreter of."""
        bin_folder, name = posixpath.split(path)
        folder = posixpath.dirname(bin_folder)
        if posixpath.basename(bin_folder) != "bin" or not is_interpreter(name):
            return None
        if not all(self._ran_there(region) for region in builder.covering(path)):
            return None  # something else (a COPY, an archive) may be there
        venv = self._venvs(builder).get(folder)
        if venv is None:
            return None
        # venv writes python, python3, python3.X and the name it ran as.
        names = {"python", "python3", venv.interpreter.rpartition("/")[2]}
        if builder.python_version is not None:
            names.add(f"python{builder.python_version}")
        return venv if name in names else None

    def _ran_there(self, region: Opaque) -> bool:
        """Whether an opaque region of a builder is its base image's files
        or what one of its RUNs wrote."""
        if region.line is None:
            return region.kind == BASE
        instruction = self.check.by_line.get(region.line)
        return instruction is not None and _runs(instruction)

    def _venvs(self, builder: Image) -> dict[str, Venv]:
        """The venvs the RUNs of the builder's chain made, by folder, as the
        builder ends; none at all when one was made in a way not modelled."""
        made: dict[str, Venv] = {}
        for index in builder.chain:
            for instruction in self.check.dockerfile.stages[index].instructions[1:]:
                if instruction.keyword == "RUN" and not self._venv_run(builder, instruction, made):
                    return {}
        return made

    def _venv_run(self, builder: Image, instruction: Instruction, made: dict[str, Venv]) -> bool:
        """Adds the venvs one RUN makes; False when it makes one the model
        cannot follow. A later command that names a file of a venv's `bin`
        (`ln -sf /usr/bin/python3 /venv/bin/python3` relinks it) takes the
        venv out: it is not judged."""
        line = instruction.line
        path_set = self._path_set_before(builder, line)
        moved = False
        for words in run_commands(instruction):
            for touched in [f for f in made if any(w.startswith(f + "/bin/") for w in words[1:])]:
                del made[touched]
            command = venv_command(words)
            if command is None:
                moved = moved or words[:1] == ["cd"]
                path_set = path_set or _may_set_path(words)
                continue
            interpreter = _interpreter_path(builder, command.interpreter, path_set)
            if not command.understood or interpreter is None:
                return False
            for written in command.folders:
                folder = self._venv_folder(written, builder, line, moved)
                if folder is None:
                    return False
                made[folder] = Venv(folder, interpreter, command.copies, line, " ".join(words))
        return True

    def _path_set_before(self, builder: Image, line: int) -> bool:
        """Whether an ENV or ARG of the builder's chain may set PATH before ``line``."""
        stages = self.check.dockerfile.stages
        return any(
            instruction.keyword in ("ENV", "ARG") and _SETS_PATH.search(instruction.arguments)
            for index in builder.chain
            for instruction in stages[index].instructions
            if instruction.line < line
        )

    def _venv_folder(self, written: str, builder: Image, line: int, moved: bool) -> str | None:
        if written.startswith("/"):
            return go_clean(written)
        workdir = None if moved else self._workdir_at(builder, line)
        return None if workdir is None else go_clean(posixpath.join(workdir, written))


_SYSTEM_BIN = ("/usr/bin/", "/usr/local/bin/")


def _site_folders(python: str) -> tuple[str, ...]:
    """Where a Debian-built Python (distroless's) finds installed packages."""
    return (
        "/usr/lib/python3/dist-packages",
        f"/usr/local/lib/python{python}/dist-packages",
        f"/usr/lib/python{python}/site-packages",
        f"/usr/local/lib/python{python}/site-packages",
    )


def _placed_packages(instruction: Instruction, builder: Image) -> Iterator[str]:
    """Where this COPY --from puts what the builder's `pip install --target`
    or `--prefix` installed (absolute paths only: a relative or variable one
    is not judged)."""
    sources, destination, _ = copy_arguments(instruction)
    if destination is None or not destination.startswith("/") or "$" in destination:
        return
    installed = [_install_folder(i, builder.python_version) for i in builder.installs]
    for source in sources:
        if "$" in source or has_wildcards(source) or not source.startswith("/"):
            continue
        source = go_clean(source)
        for folder in installed:
            if folder is None:
                continue
            if folder == source or folder.startswith(source.rstrip("/") + "/"):
                below = folder[len(source) :].lstrip("/")
                yield (
                    go_clean(posixpath.join(destination, below))
                    if below
                    else go_clean(destination)
                )


def _install_folder(install: Install, python: str | None) -> str | None:
    """The folder a `pip install --target` or `--prefix` puts packages in."""
    if install.user or install.tool != "pip":
        return None
    if install.target and install.target.startswith("/") and "$" not in install.target:
        return go_clean(install.target)
    if install.prefix and install.prefix.startswith("/") and "$" not in install.prefix:
        if python is None:
            return None
        return go_clean(f"{install.prefix}/lib/python{python}/site-packages")
    return None


def _context_said(root: str) -> str:
    return f"built from {root}/" if root else "built from the repository root"


def _command_words(command: Command) -> list[str]:
    """The words a command runs as written: its exec form, or its shell
    text split on blanks (for a message, or a fix when `exec_form_words`
    accepts the text)."""
    if command.shell_text is not None:
        return exec_form_words(command.shell_text) or command.shell_text.split()
    return list(command.argv or ())


def _shebang(head: bytes) -> str | None:
    """The program a `#!` line runs (`/usr/bin/env python3` runs env)."""
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    return words[0] if words else None


def _runs(instruction: Instruction) -> bool:
    """A RUN, or an ONBUILD that holds one."""
    held = instruction.trigger
    return instruction.keyword == "RUN" or (held is not None and held.keyword == "RUN")


def _installs_packages(image: Image) -> bool:
    return any(install.stage in image.chain for install in image.installs)


class Hiding(NamedTuple):
    """What the opaque regions of one folder that may hold a program say:
    ``always``, one is there from the start (not the base image's own);
    ``first``, the earliest line of an instruction that put one there."""

    always: bool
    first: int | None

    def adding(self, line: int | None) -> Hiding:
        if line is None:
            return self._replace(always=True)
        return self._replace(first=line if self.first is None else min(self.first, line))

    def hides(self, before: int | None) -> bool:
        """Whether a region is there as the instruction at ``before`` (None:
        the finished image) sees the image."""
        if self.always:
            return True
        return self.first is not None and (before is None or self.first < before)


class Presence:
    """Whether a program is in an image: copied there, one of the distroless
    image's own, or possibly put there by what the model cannot follow."""

    def __init__(self, image: Image, facts: Distroless, distroless_runs: frozenset[int]) -> None:
        self.image = image
        self.facts = facts
        self.distroless_runs = distroless_runs
        self._hiding: dict[str, Hiding] | None = None
        self._anywhere = Hiding(always=False, first=None)

    def program(self, word: str, before: int | None = None) -> bool | None:
        """True, False, or None (may exist) for the program a command names,
        looked up on PATH without a `/`; ``before``: as the instruction at
        that line sees the image."""
        if "/" in word:
            path = self.resolved(word)
            return None if path is None else self.path_state(path, before)
        folders = self.search_path()
        found: bool | None = False if folders else None
        for folder in folders:
            state = self.path_state(posixpath.join(folder, word), before)
            if state:
                return True
            if state is None:
                found = None
        return found

    def located(self, word: str, before: int | None = None) -> str | None:
        """The image path the program is found at, when it surely is there."""
        if "/" in word:
            path = self.resolved(word)
            found = path is not None and self.path_state(path, before)
            return path if found else None
        for folder in self.search_path():
            state = self.path_state(posixpath.join(folder, word), before)
            if state is None:
                return None
            if state:
                return go_clean(posixpath.join(folder, word))
        return None

    def unlisted(self, word: str) -> str | None:
        """The path the program a command names is found at when only what
        the model cannot list may hold it (a venv a COPY from a builder
        brought, say); None when it is a known file, surely absent, or not
        to be told."""
        if "/" in word:
            path = self.resolved(word)
            return path if path is not None and self.path_state(path, None) is None else None
        for folder in self.search_path():
            path = posixpath.join(folder, word)
            state = self.path_state(path, None)
            if state is None:
                return go_clean(path) if path.startswith("/") else None
            if state:
                return None
        return None

    def hiding(self, path: str) -> list[Opaque]:
        """The opaque regions that may hold ``path`` (as `path_state` reads them)."""
        return [
            region
            for region in self.image.covering(path)
            if self._hides(region.kind, region.line, None)
        ]

    def resolved(self, word: str) -> str | None:
        if word.startswith("/"):
            return go_clean(word)
        workdir = self.image.workdir.value
        return None if workdir is None else go_clean(posixpath.join(workdir, word))

    def search_path(self) -> list[str]:
        setting = self.image.env.get("PATH")
        # A digest alone does not say the variant: it may be a debug one.
        default = DEFAULT_PATH if self.facts.variant else DEFAULT_PATH + ":/busybox"
        value = default if setting is None else setting.value
        return [] if value is None else [folder for folder in value.split(":") if folder]

    def path_state(self, path: str, before: int | None) -> bool | None:
        path = go_clean(path) if path.startswith("/") else path
        if not path.startswith("/"):
            return None  # a relative PATH entry: the working directory decides
        copied = self.image.files.get(path)
        if copied is not None and (before is None or copied.line < before):
            return True
        hiding = self._hiding_by_folder()
        folder = path
        while True:
            found = hiding.get(folder)
            if found is not None and found.hides(before):
                return None
            if folder == "/":
                return executable_state(self.facts, path)
            folder = folder[: folder.rindex("/")] or "/"

    def anything_unseen(self, before: int) -> bool:
        """Whether files the model cannot list (from another image, a
        builder's RUN, an archive) are in the image before that line."""
        self._hiding_by_folder()
        return self._anywhere.hides(before)

    def _hiding_by_folder(self) -> dict[str, Hiding]:
        """The opaque regions that may hold a program, summed up by folder,
        made once: each look-up then costs the depth of its path, not the
        number of regions (every RUN adds one, at `/`)."""
        if self._hiding is None:
            hiding: dict[str, Hiding] = {}
            anywhere = Hiding(always=False, first=None)
            for region in self.image.opaque:
                if not self._hides(region.kind, region.line, None):
                    continue
                # (A region whose path is not absolute: taken to be anywhere.)
                folder = go_clean(region.path) if region.path.startswith("/") else "/"
                hiding[folder] = hiding.get(folder, Hiding(False, None)).adding(region.line)
                anywhere = anywhere.adding(region.line)
            self._hiding, self._anywhere = hiding, anywhere
        return self._hiding

    def _hides(self, kind: str, line: int | None, before: int | None) -> bool:
        """Whether an opaque region may hold a program: not the base image's
        own files (the facts say what they are), not a RUN on distroless."""
        if line is None:
            return kind != BASE
        if before is not None and line >= before:
            return False
        return not (kind == RUN and line in self.distroless_runs)


# -- venvs copied from a builder ---------------------------------------------------

# The `python -m venv` options, and virtualenv's that do not change where
# its links point; any other option makes the command not judged.
_VENV_FLAGS = frozenset(
    {
        "--clear", "--upgrade", "--without-pip", "--system-site-packages", "--upgrade-deps",
        "--without-scm-ignore-files", "--symlinks", "--copies",
    }
)  # fmt: skip
_VIRTUALENV_FLAGS = frozenset(
    {
        "--clear", "--no-download", "--download", "--no-pip", "--no-setuptools", "--no-wheel",
        "--system-site-packages", "--symlinks", "--copies", "--always-copy", "-q", "--quiet",
        "-v", "--verbose", "--no-periodic-update", "--no-vcs-ignore",
    }
)  # fmt: skip
_COPIES = frozenset({"--copies", "--always-copy"})
_VALUED = frozenset({"--prompt"})
_COMMAND_WRAPPERS = frozenset({"sudo", "exec", "time", "nice", "nohup", "command"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
# An ENV or ARG that may set PATH (not PYTHONPATH).
_SETS_PATH = re.compile(r"(?<![A-Za-z0-9_])PATH(?![A-Za-z0-9_])")
# Where the official python images keep their interpreter (docker-library/python).
_PYTHON_IMAGE_BIN = "/usr/local/bin"
_SYSTEM_BINS = frozenset({_PYTHON_IMAGE_BIN, "/usr/bin"})


class VenvCommand(NamedTuple):
    """A `python -m venv` or `python -m virtualenv` command as written:
    the interpreter word that runs it, the folders it makes, and whether it
    copies the interpreter rather than linking to it. ``understood`` False:
    a command that makes a venv in a way not modelled (uv venv, a bare
    virtualenv script, options not known, a variable folder)."""

    interpreter: str
    folders: tuple[str, ...]
    copies: bool
    understood: bool = True


class Venv(NamedTuple):
    """A venv a RUN of a builder stage made: its folder, the interpreter path
    its `bin/python*` lead to, whether they are copies, the RUN's line and
    the command's words (for messages)."""

    folder: str
    interpreter: str
    copies: bool
    line: int
    command: str


_NOT_UNDERSTOOD = VenvCommand("", (), copies=False, understood=False)


def venv_command(words: Sequence[str]) -> VenvCommand | None:
    """The venv a simple command makes (None: it makes none)."""
    start, assigned = 0, False
    while start < len(words) and (
        _ASSIGNMENT.fullmatch(words[start]) or words[start] in _COMMAND_WRAPPERS
    ):
        assigned = assigned or "=" in words[start]
        start += 1
    rest = list(words[start:])
    if not rest:
        return None
    program = rest[0].rpartition("/")[2]
    if program in ("virtualenv", "pyvenv") or (program == "uv" and "venv" in rest[1:2]):
        # uv resolves links its own way, and a virtualenv script runs under
        # whatever its `#!` line names: not judged.
        return _NOT_UNDERSTOOD
    if not is_interpreter(rest[0]) or "-m" not in rest:
        return None
    module = rest[rest.index("-m") + 1 : rest.index("-m") + 2]
    if module not in (["venv"], ["virtualenv"]):
        return None
    if rest[1] != "-m" or assigned:
        return _NOT_UNDERSTOOD  # interpreter options, or variables set for it
    flags = _VENV_FLAGS if module == ["venv"] else _VIRTUALENV_FLAGS
    parsed = _venv_arguments(rest[3:], flags)
    if parsed is None or (module == ["virtualenv"] and len(parsed[0]) != 1):
        return _NOT_UNDERSTOOD
    return VenvCommand(rest[0], *parsed)


def _venv_arguments(
    words: Sequence[str], flags: frozenset[str]
) -> tuple[tuple[str, ...], bool] | None:
    """The folders and the copies flag of a venv command's arguments (None:
    an option not known, a variable or home folder, no folder)."""
    folders: list[str] = []
    copies = False
    pending = iter(words)
    for word in pending:
        name = word.partition("=")[0]
        if name in _VALUED:
            if "=" not in word:
                next(pending, None)
        elif word.startswith("-"):
            if word not in flags:
                return None
            # venv: the last of --copies and --symlinks wins.
            copies = word in _COPIES or (copies and word != "--symlinks")
        elif "$" in word or word.startswith("~") or not word:
            return None
        else:
            folders.append(word)
    return (tuple(folders), copies) if folders else None


def _may_set_path(words: Sequence[str]) -> bool:
    """Whether a shell command may change PATH for the commands after it
    (an assignment, `export`, sourcing an activate script)."""
    if words[:1] in (["source"], ["."]):
        return True
    return any(word.startswith("PATH=") or word == "PATH" for word in words)


def _interpreter_path(builder: Image, word: str, path_set: bool) -> str | None:
    """The path a venv command's interpreter word runs, as venv records it
    (the path invoked, links not resolved: CPython's venv uses
    ``sys._base_executable``); None when it cannot be told."""
    if "/" in word:
        # A system interpreter's folder only: another venv's interpreter
        # (made by a script, say) links a new venv to that one's base.
        path = go_clean(word) if word.startswith("/") else ""
        return path if posixpath.dirname(path) in _SYSTEM_BINS else None
    if builder.base.family != "python" or path_set:
        return None
    # The official images put /usr/local/bin first on PATH, and hold there
    # python, python3 and python3.X (docker-library/python).
    names = {"python", "python3"}
    if builder.python_version is not None:
        names.add(f"python{builder.python_version}")
    return f"{_PYTHON_IMAGE_BIN}/{word}" if word in names else None


def _venv_message(
    keyword: str, path: str, venv: Venv, builder: Image, presence: Presence
) -> str | None:
    """LH514's message, or None when the venv's interpreter works there."""
    repository = presence.facts.repository
    if venv.copies:
        if builder.base.family != "python":
            return None  # how another image's interpreter was built is not known
        # The official images are built --enable-shared: their binary loads
        # libpython from /usr/local/lib, which a copy does not bring.
        library = f"/usr/local/lib/libpython{builder.python_version or '3.X'}.so.1.0"
        if presence.path_state(library, None) is not False:
            return None
        return (
            f"{keyword} runs {_cut(path)}, a --copies venv's interpreter (line {venv.line})"
            f" that needs {library}, which {repository} lacks:"
            f" {_venv_advice(venv, presence.facts)} (no --copies)"
        )
    if presence.path_state(venv.interpreter, None) is not False:
        return None
    return (
        f"{keyword} runs {_cut(path)}, a link to {_cut(venv.interpreter)}"
        f" (`{_cut(venv.command)}`, line {venv.line}), which {repository} lacks:"
        f" {_venv_advice(venv, presence.facts)}"
    )


def _venv_advice(venv: Venv, facts: Distroless) -> str:
    if facts.kind != "python3":
        return "the image has no Python: build on python3-debian13"
    return (
        "in the builder, RUN ln -s /usr/local/bin/python3 /usr/bin/python3"
        f" && /usr/bin/python3 -m venv {_cut(venv.folder)}"
    )


def _nonexistent(facts: Distroless) -> str | None:
    if facts.family is None:
        return (
            f"distroless has no image {_cut(facts.repository)}: its images are static, base,"
            " base-nossl, cc, python3, java17/21/25, nodejs22/24 (-debian13)"
        )
    if facts.variant is None and facts.tag is not None:
        arches = "/".join(f"-{arch}" for arch in ARCHITECTURES[facts.kind or "static"])
        return (
            f"distroless has no tag :{_cut(facts.tag)} of {facts.repository}: only"
            f" {', '.join(VARIANTS)}, each with an optional {arches}"
        )
    return None


def _floating(facts: Distroless) -> str:
    reasons = []
    if facts.digest is None and facts.variant == "latest":
        reasons.append("no tag means :latest (root)" if facts.tag is None else "`:latest` is root")
    if facts.distro is None:
        reasons.append("the name pins no Debian version")
    if not reasons:
        return ""
    nonroot = f"{replacement(facts)}:nonroot{_architecture(facts)}"
    return " and ".join(reasons) + f": use {nonroot} or a digest"


def _moving_python(facts: Distroless) -> str:
    if facts.kind != "python3":
        return ""
    return f" (Python {PYTHON_OF_DEBIAN[CURRENT_DEBIAN]}; move the builder too)"


def _architecture(facts: Distroless) -> str:
    """The architecture suffix of the tag (``-arm64``), or ``""``."""
    tag, variant = facts.tag or "", facts.variant or ""
    return tag[len(variant) :] if tag.startswith(variant) else ""


def _variant_tag(facts: Distroless) -> str:
    return f":{facts.tag}" if facts.tag else ""


def _missing(keyword: str, program: str, presence: Presence) -> str:
    name = program.rpartition("/")[2]
    where = "on the image's PATH" if "/" not in program else "in the image"
    return (
        f"{keyword} runs {_cut(program)}, which is not {where}"
        f" ({presence.facts.repository} has no {_cut(name)}): {_advice(name)}"
    )


def _missing_word(program: str) -> str:
    name = program.rpartition("/")[2]
    return f"nor has it {_cut(name)}: {_advice(name)}"


def _advice(name: str) -> str:
    if name in _ADVICE:
        return _ADVICE[name]
    if name in _FILE_WORK:
        return "do it in a builder stage, or with COPY --chmod/--chown"
    return "COPY it in, or run what the image has"


def _shown(what: str, edit: Edit | None) -> str:
    """How to write it: the fix's line when it is short, else the form."""
    if edit is not None and len(edit.rendered()) <= _SHOWN:
        return f"write {edit.rendered()}"
    if what == "HEALTHCHECK":
        return "write HEALTHCHECK CMD [...] (a JSON array)"
    return f"write {what} [...] (a JSON array)"


def _cut(text: str, limit: int = _SHOWN) -> str:
    """A value from the Dockerfile, short enough for a finding's line."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _flag_message(what: str) -> str:
    return (
        f"shell-form {what} starts with a flag, which BuildKit refuses ({what} takes none;"
        f" the build stops at `unknown flag`), and the image has no /bin/sh:"
        f" write {what} [...] (a JSON array)"
    )


def _own_interpreter(word: str, presence: Presence) -> bool:
    """Whether ``word`` surely runs the distroless image's own python: a
    `/usr/bin/python*` the image holds (found on PATH for a bare name)
    that no COPY replaced."""
    path = presence.located(word)
    return (
        path is not None
        and path not in presence.image.files
        and posixpath.dirname(path) == "/usr/bin"
        and is_interpreter(path)
        and executable_state(presence.facts, path) is True
    )


def _root_message(facts: Distroless, line: int | None) -> str:
    if line is None:
        shown = f"{facts.repository}:{facts.tag or 'latest'}"
        return (
            f"runs as root: {_cut(shown)} is uid 0 and no USER changes it:"
            f" use :nonroot{_architecture(facts)}"
        )
    return "the container runs as root (uid 0): use USER nonroot (uid 65532)"
