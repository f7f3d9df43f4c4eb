"""lucid_hooks.requirements: which distributions a requirements file or a
pyproject.toml declares, and what in them cannot be followed."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.import_names import normalize
from lucid_hooks.requirements import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    Declared,
    Environment,
    Problem,
    local_project_name,
    project_dependencies,
    python_allows,
    read_requirements,
)
from tests.conftest import fastest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

PY310 = Environment("3.10")
PY312 = Environment("3.12")
MONEY = '[project]\nname = "Lucid.Money"\nversion = "1"\n'


def reader(files: Mapping[str, str | bytes]) -> Callable[[str], bytes | None]:
    data = {path: text.encode() if isinstance(text, str) else text for path, text in files.items()}
    return data.get


def declare(
    text: str | bytes,
    environment: Environment = PY312,
    path: str = "requirements.txt",
    files: Mapping[str, str] | None = None,
) -> tuple[tuple[Declared, ...], tuple[Problem, ...]]:
    """What ``text``, at ``path``, declares beside the other ``files``."""
    return read_requirements(path, reader({path: text, **(files or {})}), environment)


def names(
    text: str | bytes, environment: Environment = PY312, files: Mapping[str, str] | None = None
) -> list[str]:
    declared, problems = declare(text, environment, files=files)
    assert problems == ()
    return [found.name for found in declared]


def messages(text: str, files: Mapping[str, str] | None = None) -> list[Problem]:
    return list(declare(text, files=files)[1])


# ---- requirement lines ------------------------------------------------------


def test_names_are_normalized_and_extras_sorted() -> None:
    declared, problems = declare("Foo_Bar.Baz[Zeta, alpha_One]==1.0\nrequests>=2\n")

    assert problems == ()
    assert declared == (
        Declared("foo-bar-baz", ("alpha-one", "zeta"), "requirements.txt", 1),
        Declared("requests", (), "requirements.txt", 2),
    )


def test_comments_blank_lines_and_crlf() -> None:
    text = "# a comment\r\n\r\nattrs  # pinned later\r\n   # indented comment\r\nidna\r\n"

    assert names(text) == ["attrs", "idna"]


def test_a_hash_without_whitespace_before_it_is_not_a_comment() -> None:
    # `foo#bar` stays one word, which is no requirement.
    problems = declare("foo#bar\n")[1]

    assert [(problem.line, problem.column) for problem in problems] == [(1, 4)]
    assert "cannot parse 'foo#bar'" in problems[0].message


def test_continuations_and_hashes() -> None:
    text = (
        "requests==2.31.0 \\\n"
        "    --hash=sha256:aaaa \\\n"
        "    --hash=sha256:bbbb\n"
        "idna==3.6 --hash=sha256:cccc\n"
        "attrs\\\n"
        ">=23\n"
    )
    declared, problems = declare(text)

    assert problems == ()
    assert [(found.name, found.line) for found in declared] == [
        ("requests", 1),
        ("idna", 4),
        ("attrs", 5),
    ]


def test_a_comment_line_ends_a_continuation_and_a_last_backslash_is_harmless() -> None:
    # pip joins `attrs` and ` # a comment`: the comment stays one.
    assert names("attrs\\\n# a comment \\\nidna \\") == ["attrs", "idna"]


def test_a_problem_on_a_continued_line_is_at_its_physical_line() -> None:
    problems = declare("attrs \\\n  ==1.0 bad\n")[1]

    assert [(problem.line, problem.column) for problem in problems] == [(2, 9)]


@pytest.mark.parametrize(
    "line",
    [
        "--index-url https://pypi.example/simple",
        "-i https://pypi.example/simple",
        "-ihttps://pypi.example/simple",
        "--extra-index-url=https://pypi.example/simple",
        "-f ./wheels",
        "--find-links https://example/wheels",
        "--trusted-host pypi.example",
        "--no-binary :all:",
        "--only-binary=:all:",
        "--pre",
        "--prefer-binary",
        "--require-hashes",
        "--use-feature=fast-deps",
        "--no-index",
        "--frobnicate now",
    ],
)
def test_other_options_are_ignored(line: str) -> None:
    assert declare(f"{line}\nattrs\n") == ((Declared("attrs", (), "requirements.txt", 2),), ())


def test_per_requirement_options_are_ignored() -> None:
    text = 'attrs --config-settings="a=b c"\nidna --global-option=x\n'

    assert names(text) == ["attrs", "idna"]


def test_unbalanced_quotes_in_options_are_a_problem() -> None:
    assert messages('-r "a.txt\n') == [
        Problem("requirements.txt", 1, 1, "cannot split the options: No closing quotation")
    ]


def test_an_unparsable_line_says_what_packaging_said() -> None:
    problems = declare("attrs\nfoo==1.0 bar\nidna\n")[1]

    assert [(problem.line, problem.column) for problem in problems] == [(2, 10)]
    assert problems[0].message.startswith("cannot parse 'foo==1.0 bar': Expected")
    assert "\n" not in problems[0].message


def test_invalid_utf8_is_said_only_where_a_line_fails() -> None:
    declared, problems = declare(b"# caf\xe9\nattrs\nid\xffna\n")

    assert [found.name for found in declared] == ["attrs"]
    assert [problem.line for problem in problems] == [3]
    assert problems[0].message.endswith("(the file is not valid UTF-8)")


def test_a_bom_is_ignored() -> None:
    assert names("\ufeffattrs\n".encode()) == ["attrs"]


# ---- markers ----------------------------------------------------------------


def test_markers_are_evaluated_for_the_target_python() -> None:
    text = 'tomli; python_version < "3.11"\nexceptiongroup ; python_version<"3.11"\nattrs\n'

    assert names(text, PY310) == ["tomli", "exceptiongroup", "attrs"]
    assert names(text, PY312) == ["attrs"]


def test_an_unknown_python_declares_what_any_supported_python_would() -> None:
    text = 'tomli; python_version < "3.11"\nold; python_version < "3.8"\n'

    assert names(text, Environment()) == ["tomli"]


def test_a_minor_version_stands_for_any_of_its_patch_releases() -> None:
    text = 'a; python_full_version >= "3.10.2"\nb; python_full_version < "3.10.1"\n'

    assert names(text, PY310) == ["a", "b"]
    assert names(text, Environment("3.10.4")) == ["a"]


def test_platform_markers_are_linux_cpython_by_default() -> None:
    text = (
        'pywin32; sys_platform == "win32"\n'
        'uvloop; sys_platform != "win32" and platform_system == "Linux"\n'
        "posix-only; os_name == 'posix' and implementation_name == 'cpython'\n"
        'pypy-only; platform_python_implementation == "PyPy"\n'
        'arm; platform_machine == "aarch64"\n'
        'extra-only; extra == "test"\n'
    )

    assert names(text) == ["uvloop", "posix-only"]
    assert names(text, Environment("3.12", platform_machine="aarch64")) == [
        "uvloop",
        "posix-only",
        "arm",
    ]


def test_an_invalid_marker_is_a_problem_at_its_column() -> None:
    assert messages("attrs; python_version <\n")[0][1:3] == (1, 24)


def test_a_marker_that_cannot_be_evaluated_declares() -> None:
    # packaging: "Undefined <Op('~=')> on '3.12' and '3'".
    assert names('attrs; python_version ~= "3"\n') == ["attrs"]


# ---- includes and constraints -----------------------------------------------


def test_includes_are_relative_to_the_including_file() -> None:
    text = "-r ../../requirements/base.txt\nfastapi\n"
    files = {
        "requirements/base.txt": "--requirement=sub/extra.txt\nattrs\n",
        "requirements/sub/extra.txt": "--requirement ../more.txt\nidna\n",
        "requirements/more.txt": "-rlast.txt\nsix\n",
        "requirements/last.txt": "--requirem ../requirements/final.txt\n",
        "requirements/final.txt": "click\n",
    }
    declared, problems = declare(text, path="services/api/requirements.txt", files=files)

    assert problems == ()
    assert [(found.name, found.path) for found in declared] == [
        ("click", "requirements/final.txt"),
        ("six", "requirements/more.txt"),
        ("idna", "requirements/sub/extra.txt"),
        ("attrs", "requirements/base.txt"),
        ("fastapi", "services/api/requirements.txt"),
    ]


def test_a_missing_include_is_a_problem_at_its_line() -> None:
    declared, problems = declare("attrs\n  -r  dev.txt\nidna\n", path="svc/requirements.txt")

    assert [found.name for found in declared] == ["attrs", "idna"]
    assert problems == (
        Problem(
            "svc/requirements.txt", 2, 7, "missing include dev.txt: svc/dev.txt does not exist"
        ),
    )


def test_an_include_cycle_is_reported_once_with_its_chain() -> None:
    declared, problems = declare(
        "-r b.txt\nattrs\n", path="a.txt", files={"b.txt": "idna\n-r a.txt\n"}
    )

    assert [found.name for found in declared] == ["idna", "attrs"]
    assert problems == (Problem("b.txt", 2, 4, "include cycle: a.txt -> b.txt -> a.txt"),)


def test_a_file_including_itself_is_a_cycle() -> None:
    assert messages("-r requirements.txt\n") == [
        Problem("requirements.txt", 1, 4, "include cycle: requirements.txt -> requirements.txt")
    ]


def test_a_file_included_twice_is_read_once() -> None:
    text = "-r a.txt\n-r b.txt\n"
    files = {"a.txt": "-r c.txt\n", "b.txt": "-r c.txt\n", "c.txt": "attrs\n"}

    assert names(text, files=files) == ["attrs"]


def test_includes_many_levels_deep_are_bounded_and_fast() -> None:
    # Each file includes the next twice: 2**40 reads if nothing were shared.
    files = {f"f{n}.txt": f"-r f{n + 1}.txt\n-r f{n + 1}.txt\n" for n in range(40)}
    chain = {f"g{n}.txt": f"-r g{n + 1}.txt\n" for n in range(MAX_DEPTH + 10)}
    started = time.perf_counter()
    declared, problems = declare(
        "-r f0.txt\n-r g0.txt\n", files={**files, "f40.txt": "attrs\n", **chain}
    )

    assert time.perf_counter() - started < 0.2
    assert [found.name for found in declared] == ["attrs"]
    assert [problem.message for problem in problems] == [
        f"includes nested over {MAX_DEPTH} deep: g{MAX_DEPTH}.txt not read"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("-r ../../x.txt", "include ../../x.txt is outside the repository: not read"),
        ("-r /etc/x.txt", "include /etc/x.txt is not in the repository: not read"),
        ("-r https://example/x.txt", "include https://example/x.txt is not in the repository"),
        ("-r", "an include needs a file name"),
        ("-r ${DIR}/x.txt", "(environment variables are not expanded)"),
    ],
)
def test_includes_that_cannot_be_read(line: str, message: str) -> None:
    problems = declare(f"{line}\n", path="svc/requirements.txt")[1]

    assert len(problems) == 1
    assert message in problems[0].message


def test_a_constraint_file_declares_nothing_but_its_problems_count() -> None:
    text = "-c constraints.txt\n--constraint=more.txt\nattrs\n"
    files = {"constraints.txt": "urllib3<2\nnot valid!\n", "more.txt": "idna<4\n"}
    declared, problems = declare(text, files=files)

    assert [found.name for found in declared] == ["attrs"]
    assert [(problem.path, problem.line) for problem in problems] == [("constraints.txt", 2)]


def test_a_requirements_include_inside_a_constraint_file_declares_as_in_pip() -> None:
    files = {"c.txt": "urllib3<2\n-r r.txt\n", "r.txt": "attrs\n"}

    assert names("-c c.txt\n", files=files) == ["attrs"]


def test_a_missing_constraint_file_is_a_problem() -> None:
    assert "missing include c.txt" in messages("-c c.txt\n")[0].message


def test_a_missing_top_file_is_a_problem() -> None:
    assert read_requirements("requirements.txt", reader({}), PY312) == (
        (),
        (Problem("requirements.txt", 1, 1, "requirements.txt does not exist"),),
    )


# ---- local projects ---------------------------------------------------------


def test_editable_local_projects_are_named_by_their_metadata() -> None:
    text = "-e .\n-e ./libs/money\n--editable=libs/money[Redis]\n"
    files = {
        "pyproject.toml": '[project]\nname = "lucid"\n',
        "libs/money/pyproject.toml": MONEY,
    }
    declared, problems = declare(text, files=files)

    assert problems == ()
    assert declared == (
        Declared("lucid", (), "requirements.txt", 1, local="."),
        Declared("lucid-money", (), "requirements.txt", 2, local="libs/money"),
        Declared("lucid-money", ("redis",), "requirements.txt", 3, local="libs/money"),
    )


def test_a_local_path_without_e_is_a_local_project_too() -> None:
    declared = declare("./libs/money\n", files={"libs/money/pyproject.toml": MONEY})[0]

    assert [(found.name, found.local) for found in declared] == [("lucid-money", "libs/money")]


def test_local_paths_are_relative_to_the_working_folder() -> None:
    files = reader({"svc/requirements.txt": b"-e ./libs/money\n", "libs/money/setup.py": b""})
    from_root = read_requirements("svc/requirements.txt", files, PY312, working_folder="")
    from_file = read_requirements("svc/requirements.txt", files, PY312)

    assert from_root == ((Declared("", (), "svc/requirements.txt", 1, local="libs/money"),), ())
    assert from_file[1][0].message == (
        "local project ./libs/money does not exist: "
        "no pyproject.toml or setup.py in svc/libs/money"
    )


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ({"lib/pyproject.toml": '[project]\nname = "From_Pyproject"\n'}, "from-pyproject"),
        ({"lib/pyproject.toml": '[tool.poetry]\nname = "poetry.lib"\n'}, "poetry-lib"),
        (
            {
                "lib/pyproject.toml": "[build-system]\n",
                "lib/setup.cfg": "[metadata]\nname = Cfg\n",
            },
            "cfg",
        ),
        (
            {"lib/setup.py": 'import x\nsetup(\n    version="1",\n    name = "Py_Lib",\n)\n'},
            "py-lib",
        ),
        ({"lib/setup.py": "setup(name=NAME)\n"}, ""),
        ({"lib/pyproject.toml": "not = [toml\n"}, ""),
        ({"lib/setup.cfg": "[metadata]\nname = cfg-only\n"}, None),
        ({}, None),
    ],
)
def test_local_project_name(files: dict[str, str], name: str | None) -> None:
    assert local_project_name("lib", reader(files)) == name


def test_local_archives_are_named_by_their_filename() -> None:
    text = "./dist/Pkg_A-1.0-py3-none-any.whl\ndist/pkg_b-2.0.tar.gz\n./dist/gone-1.0.zip\n"
    files = {
        "dist/Pkg_A-1.0-py3-none-any.whl": "",
        "dist/pkg_b-2.0.tar.gz": "",
    }
    declared, problems = declare(text, files=files)

    assert [(found.name, found.local) for found in declared] == [
        ("pkg-a", "dist/Pkg_A-1.0-py3-none-any.whl"),
        ("pkg-b", "dist/pkg_b-2.0.tar.gz"),
    ]
    assert [problem.message for problem in problems] == [
        "local archive ./dist/gone-1.0.zip does not exist: no dist/gone-1.0.zip"
    ]


def test_a_local_path_outside_the_repository_is_a_problem() -> None:
    assert messages("-e ../../elsewhere\n") == [
        Problem("requirements.txt", 1, 4, "local path ../../elsewhere is outside the repository")
    ]


def test_an_absolute_local_path_is_kept_as_written() -> None:
    text = "/wheels/pkg-1.0-py3-none-any.whl\n-e /src/lib\nfile:///wheels/b-2.0.tar.gz\n"
    declared = declare(text)[0]

    assert [(found.name, found.local) for found in declared] == [
        ("pkg", "/wheels/pkg-1.0-py3-none-any.whl"),
        ("", "/src/lib"),
        ("b", "/wheels/b-2.0.tar.gz"),
    ]


def test_a_relative_file_url_is_a_local_path() -> None:
    declared = declare("file:./libs/money[Redis]\n", files={"libs/money/setup.py": ""})[0]

    assert declared == (Declared("", ("redis",), "requirements.txt", 1, local="libs/money"),)


def test_invalid_extras_of_a_local_path_are_a_problem() -> None:
    assert messages("./lib[no way]\n", {"lib/setup.py": ""}) == [
        Problem("requirements.txt", 1, 1, "cannot parse the extras '[no way]'")
    ]


# ---- URLs -------------------------------------------------------------------


def test_pep508_url_requirements() -> None:
    text = (
        "name @ https://host/x.zip\n"
        'Other_Name[a] @ git+https://host/r.git@v1 ; python_version < "3.11"\n'
        "money @ file:///wheels/money-1.0-py3-none-any.whl\n"
    )
    declared, problems = declare(text, PY310)

    assert problems == ()
    assert [(found.name, found.extras, found.local) for found in declared] == [
        ("name", (), None),
        ("other-name", ("a",), None),
        ("money", (), "/wheels/money-1.0-py3-none-any.whl"),
    ]
    assert names(text, PY312) == ["name", "money"]


def test_a_wheel_url_is_named_by_its_filename() -> None:
    text = "https://host/pkg-1.0-py3-none-any.whl\nhttps://host/a%2Db/Two_Words-2.0-py3-none-any.whl?x=1\n"

    assert names(text) == ["pkg", "two-words"]


def test_vcs_and_archive_urls_are_named_by_egg_or_sdist_filename() -> None:
    text = (
        "-e git+https://github.com/org/repo.git#egg=Foo_Bar\n"
        "git+ssh://git@github.com/org/repo.git@main#subdirectory=x&egg=sub.pkg\n"
        "https://host/downloads/thing-3.2.tar.gz\n"
        "https://${TOKEN}@host/secret-1.0-py3-none-any.whl\n"
    )

    assert names(text) == ["foo-bar", "sub-pkg", "thing", "secret"]


def test_url_markers_follow_a_semicolon_and_a_space() -> None:
    text = 'https://host/pkg-1.0-py3-none-any.whl; python_version < "3.11"\n'

    assert names(text, PY310) == ["pkg"]
    assert names(text, PY312) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("git+https://host/repo.git", "cannot tell which distribution"),
        ("-e git+https://host/repo.git", "add #egg=NAME"),
        ("-e https://host/pkg.zip", "neither a local project nor a VCS URL"),
        ("https://host/not-a-wheel.whl", "cannot parse wheel filename"),
        ("git+https://host/r.git#egg=!bad", "#egg=!bad does not name a distribution"),
        ("-e", "-e needs a local project or a VCS URL"),
    ],
)
def test_urls_whose_distribution_cannot_be_told(line: str, message: str) -> None:
    declared, problems = declare(f"{line}\n")

    assert declared == ()
    assert len(problems) == 1
    assert message in problems[0].message


# ---- robustness -------------------------------------------------------------


def test_a_five_megabyte_file_is_read_quickly() -> None:
    # Long runs of what regexes backtrack over: a name, spaces, `#`, `\\`.
    text = (
        "x" * 1_000_000
        + "\n  -r"
        + " " * 1_000_000
        + "a\nb"
        + " " * 1_000_000
        + "c\n#"
        + " #" * 1_000_000
        + "\n"
        + "\\\n" * 50_000
    )
    declared, problems = declare(text)

    # The fastest of three: a busy machine slows single runs (about 0.25 s here).
    assert fastest(lambda: declare(text)) < 0.5
    assert len(text) > 5_000_000
    assert [len(found.name) for found in declared] == [1_000_000]
    assert [problem.line for problem in problems] == [2, 3]


def test_deep_parentheses_in_a_marker_are_a_problem() -> None:
    problems = declare("attrs; " + "(" * 5000 + 'os_name == "posix"' + ")" * 5000 + "\n")[1]

    assert [problem.line for problem in problems] == [1]


LINE_PARTS = st.sampled_from(
    [" ", "\t", "\\", "\n", "\r\n", "#", "-r", "-c", "-e", "--hash=x", "a.txt", "attrs",
     "[x]", ";", "; ", 'python_version < "3.11"', "@", "https://h/p-1.0-py3-none-any.whl",
     "git+https://h/r", "#egg=", "./lib", "..", "/", "=", "==1", "${V}", "'", '"', "\udcff",
     "\ufffd", "é", "\x00"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(LINE_PARTS, st.text(max_size=5)), max_size=25).map("".join))
def test_arbitrary_text_never_raises_and_problems_are_within_the_file(text: str) -> None:
    files = {"requirements.txt": text, "a.txt": "-r requirements.txt\nidna\n", "lib/setup.py": ""}
    data = {path: body.encode("utf-8", "surrogateescape") for path, body in files.items()}
    declared, problems = read_requirements("requirements.txt", data.get, Environment())

    # Lines end at \r\n, \r or \n, as editors count them.
    lines = {
        path: re.split(r"\r\n|\r|\n", text.decode("utf-8", "replace"))
        for path, text in data.items()
    }
    for path, line in [(found.path, found.line) for found in declared] + [
        (problem.path, problem.line) for problem in problems
    ]:
        assert 1 <= line <= len(lines[path])
    assert all(problem.column >= 1 for problem in problems)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    read_requirements("requirements.txt", {"requirements.txt": data}.get, PY310)


def test_importing_the_module_leaves_packaging_unimported() -> None:
    code = "import sys, lucid_hooks.requirements; print('packaging' in sys.modules)"
    completed = subprocess.run(
        (sys.executable, "-c", code), capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == "False"


def test_plain_requirement_lines_leave_packaging_unimported() -> None:
    code = (
        "import sys\n"
        "from lucid_hooks.requirements import read_requirements\n"
        "text = b'PyYAML==6.0.2\\nhttpx[http2] >= 0.27, < 1\\nattrs~=24.2\\nredis\\n'\n"
        "found, problems = read_requirements('r.txt', {'r.txt': text}.get)\n"
        "print([d.name for d in found], problems, 'packaging' in sys.modules)"
    )
    completed = subprocess.run(
        (sys.executable, "-c", code), capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == "['pyyaml', 'httpx', 'attrs', 'redis'] () False"


REQUIREMENT_PARTS = st.tuples(
    st.sampled_from(["a", "Foo.Bar", "x_y-z", "1a", "a-", "é"]),
    st.sampled_from(["", "[b]", " [ B , c ]", "[]", "[b,]", "[b c]"]),
    st.lists(
        st.tuples(
            st.sampled_from(["==", "!=", ">=", "<=", "<", ">", "~=", "===", "=", ""]),
            st.sampled_from(["1", "1.0", "1.0.*", "1.*", "1.0a1", "1.0.post1.dev2", "1.0rc1.*",
                             "abc", "1!2", "1.0+local", "01", " 2", "1.0.", "1.0.0b2"]),
        ),
        max_size=3,
    ),
    st.sampled_from([",", " , ", " ", ""]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(REQUIREMENT_PARTS)
def test_requirement_lines_read_as_packaging_reads_them(
    parts: tuple[str, str, list[tuple[str, str]], str],
) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    name, extras, clauses, separator = parts
    line = name + extras + separator.join(op + version for op, version in clauses)
    declared, problems = declare(line + "\n")
    try:
        expected = Requirement(line)
    except InvalidRequirement:
        assert problems and not declared
        return
    assert problems == ()
    assert [(found.name, found.extras) for found in declared] == [
        (normalize(expected.name), tuple(sorted({normalize(e) for e in expected.extras})))
    ]


# ---- pyproject.toml ---------------------------------------------------------

PYPROJECT = """\
[project]
name = "svc"
dependencies = [
    "FastAPI>=0.100",
    "tomli; python_version < '3.11'",
]

[project.optional-dependencies]
redis = ["redis[hiredis]>=5"]
test = ["pytest"]
docs = ["sphinx"]
all = ["svc[redis,test]"]

[dependency-groups]
dev = ["ruff", {include-group = "lint"}]
lint = ["mypy"]
docs = ["mkdocs"]
"""


def pyproject(
    text: str,
    extras: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    environment: Environment = PY312,
) -> tuple[tuple[Declared, ...], tuple[Problem, ...]]:
    document = tomllib.loads(text)
    return project_dependencies(
        "svc/pyproject.toml",
        document,
        text=text,
        extras=extras,
        groups=groups,
        environment=environment,
    )


def rows(declared: tuple[Declared, ...]) -> list[tuple[str, int, bool, str]]:
    return [(found.name, found.line, found.optional, found.group) for found in declared]


def test_project_dependencies_with_markers_and_lines() -> None:
    assert rows(pyproject(PYPROJECT, environment=PY310)[0])[:2] == [
        ("fastapi", 4, False, ""),
        ("tomli", 5, False, ""),
    ]
    assert rows(pyproject(PYPROJECT)[0])[:1] == [("fastapi", 4, False, "")]


def test_extras_not_installed_are_optional_and_own_extras_install_theirs() -> None:
    declared, problems = pyproject(PYPROJECT, extras=("All",))

    assert problems == ()
    assert rows(declared)[1:4] == [
        ("redis", 9, False, "redis"),
        ("pytest", 10, False, "test"),
        ("sphinx", 11, True, "docs"),
    ]
    assert [found.extras for found in declared if found.name == "redis"] == [("hiredis",)]
    assert "svc" not in [found.name for found in declared]


def test_dependency_groups_and_their_includes() -> None:
    declared = pyproject(PYPROJECT, groups=("dev",))[0]

    assert rows(declared)[-3:] == [
        ("ruff", 15, False, "dev"),
        ("mypy", 16, False, "lint"),
        ("mkdocs", 17, True, "docs"),
    ]
    assert all(found.optional for found in pyproject(PYPROJECT)[0][-3:])


def test_dependency_group_cycles_and_unknown_includes_are_problems() -> None:
    text = (
        "[dependency-groups]\n"
        'a = ["x", {include-group = "b"}]\n'
        'b = [{include-group = "a"}, {include-group = "missing"}]\n'
        'c = [{other = "a"}]\n'
    )
    declared, problems = pyproject(text, groups=("a",))

    assert rows(declared) == [("x", 2, False, "a")]
    assert problems == (
        Problem("svc/pyproject.toml", 3, 46, "dependency group b includes missing: no such group"),
        Problem(
            "svc/pyproject.toml",
            4,
            1,
            "dependency group c: a table other than {include-group = NAME}",
        ),
        Problem("svc/pyproject.toml", 3, 23, "dependency group cycle: a -> b -> a"),
    )


POETRY = """\
[tool.poetry]
name = "svc"

[tool.poetry.dependencies]
python = "^3.10"
httpx = "^0.27"
uvloop = {version = "^0.19", markers = "sys_platform != 'win32'"}
pywin32 = {version = "*", platform = "win32"}
tomli = {version = "^2", python = "<3.11"}
boto3 = {version = "*", optional = true}
money = {path = "../libs/money", develop = true, extras = ["Redis"]}
numpy = [
    {version = "<2", python = "<3.10"},
    {version = ">=2", python = ">=3.10"},
]

[tool.poetry.extras]
aws = ["boto3"]

[tool.poetry.group.test.dependencies]
pytest = "*"

[tool.poetry.dev-dependencies]
black = "*"
"""


def test_poetry_dependencies() -> None:
    declared, problems = pyproject(POETRY, environment=PY310)

    assert problems == ()
    assert rows(declared) == [
        ("httpx", 6, False, ""),
        ("uvloop", 7, False, ""),
        ("tomli", 9, False, ""),
        ("boto3", 10, True, "aws"),
        ("money", 11, False, ""),
        ("numpy", 12, False, ""),
        ("black", 24, True, "dev"),
        ("pytest", 21, True, "test"),
    ]
    money = next(found for found in declared if found.name == "money")
    assert (money.local, money.extras) == ("libs/money", ("redis",))


def test_poetry_extras_and_groups_installed() -> None:
    declared = pyproject(POETRY, extras=("aws",), groups=("test", "dev"))[0]

    assert [found.name for found in declared if found.optional] == []
    assert "tomli" not in [found.name for found in declared]


@pytest.mark.parametrize(
    ("constraint", "declared_for"),
    [
        ("^3.10", ["3.10", "3.11", "3.12"]),
        ("~3.10", ["3.10"]),
        ("~3", ["3.10", "3.11", "3.12"]),
        (">=3.9,<3.11", ["3.10"]),
        (">= 3.11 <3.12", ["3.11"]),
        ("3.11.*", ["3.11"]),
        ("3.12", ["3.12"]),
        ("<3.10.5 || >=3.12", ["3.10", "3.12"]),
        ("^0.2", []),
        ("not a version", ["3.10", "3.11", "3.12"]),
    ],
)
def test_poetry_python_constraints(constraint: str, declared_for: list[str]) -> None:
    text = f'[tool.poetry.dependencies]\nattrs = {{version = "*", python = "{constraint}"}}\n'
    found = [
        minor
        for minor in ("3.10", "3.11", "3.12")
        if pyproject(text, environment=Environment(minor))[0]
    ]

    assert found == declared_for


def test_malformed_pyproject_entries_are_problems() -> None:
    text = (
        "[project]\n"
        'dependencies = "attrs"\n'
        "[project.optional-dependencies]\n"
        'x = [1, "bad=="]\n'
        "[tool.poetry.dependencies]\n"
        "odd = 3\n"
        'bad-marker = {version = "*", markers = "os_name =="}\n'
    )
    declared, problems = pyproject(text)

    assert [found.name for found in declared] == ["bad-marker"]
    assert [(problem.line, problem.message[:30]) for problem in problems] == [
        (2, "[project.dependencies] is not "),
        (4, "[project.optional-dependencies"),
        (4, "cannot parse 'bad==': Expected"),
        (6, "[tool.poetry.dependencies.odd]"),
        (7, "cannot parse '(os_name ==)': E"),
    ]


def test_without_the_text_every_line_is_one() -> None:
    declared = project_dependencies("pyproject.toml", tomllib.loads(PYPROJECT))[0]

    assert {found.line for found in declared} == {1}


# Documents of the right shape with odd values where tables, arrays and
# strings belong (cheaper to draw than any nesting: st.recursive is slow).
ODD = st.sampled_from(
    [None, 1, 2.5, True, "attrs", "bad==", "a; os_name ==", "^3.10", "../x", "/abs", [], {},
     ["attrs", 1, None], [{"include-group": "a"}], [{"include-group": 1}],
     [{"x": 1, "include-group": "b"}], {"a": ["x"]}, {"version": 1, "python": []}]
)  # fmt: skip
KEYS = st.sampled_from(
    ["a", "b", "A_", "python", "name", "dependencies", "optional-dependencies", "extras",
     "group", "dev-dependencies", "version", "markers", "optional", "path", "platform"]
)  # fmt: skip
VALUE = ODD | st.lists(ODD, max_size=3) | st.dictionaries(KEYS, ODD, max_size=3)
TABLE = st.dictionaries(KEYS, VALUE | st.dictionaries(KEYS, VALUE, max_size=3), max_size=4)
DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "project": TABLE | ODD,
        "dependency-groups": TABLE | ODD,
        "tool": st.fixed_dictionaries({}, optional={"poetry": TABLE | ODD}) | ODD,
    },
)


@settings(max_examples=40, deadline=None)
@given(DOCUMENT)
def test_arbitrary_documents_never_raise(document: dict[str, object]) -> None:
    project_dependencies(
        "pyproject.toml", document, text=repr(document), extras=("a",), groups=("b",)
    )


def test_main_dependencies_left_out_are_optional_of_the_group_main() -> None:
    text = (
        '[project]\nname = "svc"\nversion = "1"\ndependencies = ["httpx"]\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\nrich = "*"\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "*"\n'
    )
    document = tomllib.loads(text)
    declared, problems = project_dependencies(
        "pyproject.toml", document, text=text, groups=("dev",), main=False
    )

    assert problems == ()
    assert rows(declared) == [
        ("httpx", 4, True, "main"),
        ("rich", 7, True, "main"),
        ("pytest", 9, False, "dev"),
    ]
    assert not any(found.optional for found in pyproject(text, groups=("dev",))[0])


def test_uv_dev_dependencies_are_the_dev_group() -> None:
    text = '[project]\nname = "svc"\nversion = "1"\n[tool.uv]\ndev-dependencies = ["pytest"]\n'

    assert rows(pyproject(text, groups=("dev",))[0]) == [("pytest", 5, False, "dev")]
    assert rows(pyproject(text)[0]) == [("pytest", 5, True, "dev")]


def test_the_problems_of_one_file_are_capped() -> None:
    lines = "".join(f"not a requirement {number} !!\n" for number in range(10_000))
    files = {"more.txt": "also bad !!\n" * 3}
    declared, problems = declare("httpx\n-r more.txt\n" + lines, files=files)

    assert [found.name for found in declared] == ["httpx"]
    mine = [problem for problem in problems if problem.path == "requirements.txt"]
    assert len(mine) == MAX_PROBLEMS + 1
    assert mine[-1].line == MAX_PROBLEMS + 3  # where the first one left out is
    assert mine[-1].message == (
        f"and {10_000 - MAX_PROBLEMS} more problems in requirements.txt, not reported one by one"
    )
    # Another file's problems are counted apart; a repeated line once each.
    assert [problem.line for problem in problems if problem.path == "more.txt"] == [1, 2, 3]


@pytest.mark.parametrize(
    ("constraint", "version", "allowed"),
    [
        ("^3.10", "3.10.99", True),
        ("^3.10", "3.9.99", False),
        ("~3.11", "3.12.0", False),
        (">=3.9,<4", "3.13.1", True),
        ("3.11.*", "3.11.99", True),
        ("<3.10 || >=3.12", "3.11.5", False),
        ("not a version", "3.11.0", None),
        ("^3.x", "3.11.0", None),
    ],
)
def test_python_allows(constraint: str, version: str, allowed: bool | None) -> None:
    assert python_allows(constraint, version) is allowed
