"""lucid_hooks.import_names: the curated table against what the real wheels
hold (tests/data/wheel_import_names.json, written by
scripts/record_wheel_import_names.py), and the lookup rules after it.

The table and a wheel agree when every name in the table is one the wheel
makes importable (``import_roots``: a top-level module or regular package,
or below a namespace package the first module or regular package), and every
such name of the wheel is in the table, except private ones inside a
namespace (``google.cloud._storage``) and those under folders of tests,
demos, examples and scripts that some wheels ship at the top (pywin32's
``Demos``, nvidia-ml-py's ``example``): nobody imports those from a service,
and claiming ``test`` for a distribution would hide a missing local module.
Private top-level names (``_yaml``, ``_cffi_backend``) may be listed or not.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks import import_names as module
from lucid_hooks.import_names import (
    IMPORT_NAMES,
    INSTALLED,
    NAME,
    OVERRIDE,
    TABLE,
    DistributionIndex,
    import_names,
    import_roots,
    installed_import_names,
    module_of,
    normalize,
    provides,
    resolve,
)

WHEELS = json.loads(
    (Path(__file__).parent / "data" / "wheel_import_names.json").read_text(encoding="utf-8")
)["distributions"]
# First parts of names that are not a distribution's to provide, whatever its wheel holds.
SHIPPED_BY_MISTAKE = {"test", "tests", "testing", "demo", "demos", "example", "examples"}
SHIPPED_BY_MISTAKE |= {"doc", "docs", "script", "scripts", "benchmark", "benchmarks"}


def public_roots(roots: list[str]) -> set[str]:
    """The import names of a wheel that the table must list."""
    return {
        root
        for root in roots
        if root.split(".")[0].lower() not in SHIPPED_BY_MISTAKE
        and not ("." in root and any(part.startswith("_") for part in root.split(".")))
    }


# The table against the wheels.


def test_every_entry_was_read_from_its_wheel() -> None:
    assert sorted(WHEELS) == sorted(IMPORT_NAMES)
    assert [name for name, wheel in WHEELS.items() if wheel["wheel"] is None] == []


@pytest.mark.parametrize("distribution", sorted(IMPORT_NAMES))
def test_entry_is_what_its_wheel_makes_importable(distribution: str) -> None:
    names = set(IMPORT_NAMES[distribution])
    roots = WHEELS[distribution]["import_roots"]
    assert names - set(roots) == set(), f"not in {WHEELS[distribution]['wheel']}"
    assert public_roots(roots) - names == set(), "in the wheel, missing from the table"


@pytest.mark.parametrize(
    "distribution", sorted(name for name in WHEELS if WHEELS[name].get("import_name"))
)
def test_entry_has_the_public_pep_794_import_names(distribution: str) -> None:
    declared = WHEELS[distribution]["import_name"]
    parsed = [value.partition(";") for value in declared]  # "name; private"
    public = {name.strip() for name, _, private in parsed if name.strip() and not private.strip()}
    assert public <= set(IMPORT_NAMES[distribution])


def test_entries_are_needed_and_normalized() -> None:
    for distribution, names in IMPORT_NAMES.items():
        assert normalize(distribution) == distribution
        assert names and names == tuple(sorted(set(names)))
        assert names != (distribution.replace("-", "_"),), "the name rule gets it right"


def test_no_entry_claims_what_is_below_another() -> None:
    """Namespaces stay shared: no entry names ``google.cloud`` while another
    names ``google.cloud.storage``. Equal names are builds of one project
    (the four opencv wheels all provide ``cv2``)."""
    claims = [(name, dist) for dist, names in IMPORT_NAMES.items() for name in names]
    for name, dist in claims:
        below = [other for other, owner in claims if other.startswith(name + ".")]
        assert below == [], f"{dist} claims {name}, above {below}"


# Names.


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PyYAML", "pyyaml"),
        ("ruamel.yaml", "ruamel-yaml"),
        ("Flask_SQLAlchemy", "flask-sqlalchemy"),
        ("zope.__interface--x", "zope-interface-x"),
        (" Pillow ", "pillow"),
        ("", ""),
    ],
)
def test_normalize(name: str, expected: str) -> None:
    assert normalize(name) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="aZ9-_.", max_size=12))
def test_normalize_is_pep_503(name: str) -> None:
    assert normalize(name) == re.sub(r"[-_.]+", "-", name).lower()


# The lookup order: overrides, table, installed metadata, the name.


def test_table() -> None:
    assert import_names("PyYAML") == ("_yaml", "yaml")
    assert import_names("Pillow") == ("PIL",)
    assert import_names("opencv_python.headless") == ("cv2",)
    assert import_names("scikit-learn") == ("sklearn",)
    assert import_names("pymongo") == ("bson", "gridfs", "pymongo")
    assert import_names("google-cloud-storage") == ("google.cloud.storage",)
    assert resolve("protobuf") == module.ImportNames("protobuf", ("google.protobuf",), TABLE)


def test_overrides_win_in_any_spelling() -> None:
    overrides = {"PYYAML": ["yaml_compat"], "my-dist": ["mymod", "mymod_cli"]}
    assert import_names("pyyaml", overrides) == ("yaml_compat",)
    assert import_names("My.Dist", overrides) == ("mymod", "mymod_cli")
    assert resolve("my_dist", overrides).source == OVERRIDE
    assert import_names("awscli", {"awscli": []}) == ()  # installs nothing to import


def test_installed_metadata_when_the_table_lacks_it() -> None:
    assert resolve("PyYAML", table={}) == module.ImportNames(
        "pyyaml", ("_yaml", "yaml"), INSTALLED
    )
    assert resolve("identify", table={}).names == ("identify",)
    # setuptools < 81 still ships pkg_resources, and the environment's one
    # says so (a venv of Python 3.12 or later may have no setuptools at all).
    try:
        record = metadata.distribution("setuptools").read_text("RECORD") or ""
    except metadata.PackageNotFoundError:
        record = ""
    if "pkg_resources/__init__.py" in record:
        assert "pkg_resources" in import_names("setuptools", table={})


def test_installed_metadata_top_level_txt_without_record(monkeypatch: pytest.MonkeyPatch) -> None:
    class TopLevelOnly:
        def read_text(self, filename: str) -> str | None:
            return {"top_level.txt": "mymod\nwin32\\lib\\x\n\n"}.get(filename)

    monkeypatch.setattr(metadata, "distribution", lambda name: TopLevelOnly())
    installed_import_names.cache_clear()
    try:
        assert installed_import_names("odd-dist") == ("mymod",)
    finally:
        installed_import_names.cache_clear()


def test_broken_metadata_is_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> None:
        raise RuntimeError("unreadable")

    monkeypatch.setattr(metadata, "distribution", broken)
    installed_import_names.cache_clear()
    try:
        assert resolve("some-dist", table={}) == module.ImportNames(
            "some-dist", ("some_dist",), NAME
        )
    finally:
        installed_import_names.cache_clear()


def test_the_name_last() -> None:
    assert resolve("lucid-no-such-distribution") == module.ImportNames(
        "lucid-no-such-distribution", ("lucid_no_such_distribution",), NAME
    )
    assert import_names("Typing.Extensions-X") == ("typing_extensions_x",)


@pytest.mark.parametrize(
    "name", ["", "   ", "-", "..", "../../etc/passwd", "a b", "2fa", "class", "\x00", "名前", "*"]
)
def test_a_name_never_raises(name: str) -> None:
    names = import_names(name)
    assert all(part.isidentifier() for each in names for part in each.split("."))


# What files make importable.


def test_import_roots_of_a_plain_wheel() -> None:
    paths = [
        "yaml/__init__.py",
        "yaml/__pycache__/x.cpython-311.pyc",
        "_yaml/__init__.py",
        "six.py",
        "_cffi_backend.cpython-311-x86_64-linux-gnu.so",
        "PyYAML-6.0.dist-info/RECORD",
        "pillow.libs/libjpeg.so",
        "distutils-precedence.pth",
        "../../../bin/tool",
        "foo-stubs/__init__.pyi",
        "share/man/tool.1",
        "README.txt",
    ]
    assert import_roots(paths) == ("_cffi_backend", "_yaml", "six", "yaml")


def test_import_roots_below_namespaces() -> None:
    paths = [
        "google/cloud/storage/__init__.py",
        "google/cloud/storage/blob.py",
        "google/cloud/_helpers.py",
        "google/api/http_pb2.py",
        "zope/__init__.py",
        "zope/interface/__init__.py",
    ]
    assert import_roots(paths, namespaces=["zope"]) == (
        "google.api.http_pb2",
        "google.cloud._helpers",
        "google.cloud.storage",
        "zope.interface",
    )


def test_import_roots_of_folders_a_pth_file_adds() -> None:
    paths = ["win32/win32api.pyd", "win32/lib/win32con.py", "win32com/__init__.py", "pythoncom.py"]
    assert import_roots(paths, ["", "win32", "win32/lib/"]) == (
        "pythoncom",
        "win32api",
        "win32com",
        "win32con",
    )


@pytest.mark.parametrize(
    ("filename", "module_name"),
    [
        ("yaml.py", "yaml"),
        ("_yaml.pyc", "_yaml"),
        ("win32api.pyd", "win32api"),
        ("x.abi3.so", "x"),
        ("__init__.py", "__init__"),
        ("x.pyi", None),
        ("x.pth", None),
        ("a.b.py", None),
        ("2x.py", None),
        ("libfoo.so.1", None),
    ],
)
def test_module_of(filename: str, module_name: str | None) -> None:
    assert module_of(filename) == module_name


# Which distribution provides an import.


def test_provides_at_a_dot_only() -> None:
    storage = import_names("google-cloud-storage")
    assert provides("google.cloud.storage", storage)
    assert provides("google.cloud.storage.blob", storage)
    assert provides("google.protobuf.json_format", import_names("protobuf"))
    assert not provides("google.cloud.bigquery", storage)
    assert not provides("google.cloud.storage_v2", storage)
    assert not provides("google.cloud", storage)
    assert not provides("google", storage)
    assert not provides("yaml", ())


def test_distribution_index() -> None:
    index = DistributionIndex(
        ["google-cloud-storage", "protobuf", "opencv-python", "opencv-python-headless", "PyYAML"],
        {"my-dist": ["mymod"]},
    )
    assert index.providers("google.cloud.storage.blob") == ("google-cloud-storage",)
    assert index.providers("google.protobuf.json_format") == ("protobuf",)
    assert index.providers("cv2") == ("opencv-python", "opencv-python-headless")
    assert index.providers("yaml") == ("pyyaml",)
    assert index.providers("google.cloud.bigquery") == ()
    assert index.providers("google.cloud") == ()  # from google.cloud import storage: ask for both
    assert "google.cloud.storage" in index
    assert "mymod" not in index  # overrides name distributions, they do not add them
    assert "mymod" in DistributionIndex(["My_Dist"], {"my-dist": ["mymod"]})
    assert None not in index
