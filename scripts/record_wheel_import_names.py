#!/usr/bin/env python3
"""Record what the newest wheel of each distribution in ``IMPORT_NAMES`` makes importable.

    .venv/bin/python scripts/record_wheel_import_names.py [DISTRIBUTION ...]

For each distribution the table names (or each one given, whose records then
replace just their own in the file), ``pip download --no-deps
--only-binary=:all:`` fetches the newest wheel for this interpreter into a
temporary folder, else the newest Windows one (``pywin32``, ``mysqlclient``
publish no other), and the script writes to ``tests/data/wheel_import_names.json``
what the wheel says: its ``RECORD``'s top-level entries, its ``top_level.txt``,
PEP 794 ``Import-Name`` and ``Import-Namespace`` fields, the namespace packages
it declares, the folders its ``.pth`` files put on ``sys.path``, and from all of
those the import names (``lucid_hooks.import_names.import_roots``). The tests
compare ``IMPORT_NAMES`` with that file; nothing else uses the network.
"""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from lucid_hooks.import_names import IMPORT_NAMES, import_roots, normalize

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "wheel_import_names.json"
# Tried when this interpreter's platform has no wheel.
FALLBACK_PLATFORMS = ("win_amd64",)
# An __init__.py this small that says one of these makes its folder a namespace.
_NAMESPACE_INIT_SIZE = 1024
_NAMESPACE_CALLS = (b"declare_namespace(", b"extend_path(")


def download(distribution: str, dest: Path) -> tuple[Path | None, str]:
    """The newest wheel of ``distribution`` in ``dest``, and pip's complaint if none."""
    complaint = ""
    for platform in ("", *FALLBACK_PLATFORMS):
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", str(dest), distribution]
        command += ["--platform", platform] if platform else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = sorted(dest.glob("*.whl"))
        if done.returncode == 0 and wheels:
            return wheels[0], ""
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        complaint = errors[-1] if errors else done.stderr.strip()[-200:]
    return None, complaint


def read_wheel(wheel: Path) -> dict[str, Any]:
    """What ``wheel``'s metadata and ``RECORD`` say it installs."""
    with zipfile.ZipFile(wheel) as archive:
        dist_info = _dist_info(archive)
        paths = [row[0] for row in csv.reader(_text(archive, dist_info + "RECORD")) if row]
        metadata = HeaderParser().parsestr("\n".join(_text(archive, dist_info + "METADATA")))
        namespaces = _lines(archive, dist_info + "namespace_packages.txt") or []
        namespaces += _namespace_inits(archive, paths)
        pth_folders = _pth_folders(archive, paths)
        top_level = _lines(archive, dist_info + "top_level.txt")
    return {
        "wheel": wheel.name,
        "record_top_levels": sorted({path.split("/")[0] for path in paths} - {dist_info[:-1]}),
        "top_level_txt": top_level,
        "import_name": metadata.get_all("Import-Name"),
        "import_namespace": metadata.get_all("Import-Namespace"),
        "namespace_packages": sorted(set(namespaces)),
        "pth_folders": pth_folders,
        "import_roots": list(import_roots(paths, ("", *pth_folders), namespaces)),
    }


def _dist_info(archive: zipfile.ZipFile) -> str:
    records = [name for name in archive.namelist() if name.count("/") == 1]
    return next(name for name in records if name.endswith(".dist-info/RECORD"))[: -len("RECORD")]


def _text(archive: zipfile.ZipFile, name: str) -> list[str]:
    return archive.read(name).decode("utf-8", "replace").splitlines()


def _lines(archive: zipfile.ZipFile, name: str) -> list[str] | None:
    if name not in archive.NameToInfo:
        return None
    return sorted(line.strip() for line in _text(archive, name) if line.strip())


def _namespace_inits(archive: zipfile.ZipFile, paths: list[str]) -> list[str]:
    """The packages whose small ``__init__.py`` makes them pkgutil or pkg_resources namespaces."""
    found = []
    for path in paths:
        if not path.endswith("/__init__.py"):
            continue
        info = archive.NameToInfo.get(path)
        if info is not None and info.file_size <= _NAMESPACE_INIT_SIZE:
            source = archive.read(info)
            if any(call in source for call in _NAMESPACE_CALLS):
                found.append(path[: -len("/__init__.py")].replace("/", "."))
    return found


def _pth_folders(archive: zipfile.ZipFile, paths: list[str]) -> list[str]:
    """The folders that the wheel's top-level ``.pth`` files put on ``sys.path``."""
    folders = []
    for path in paths:
        if "/" not in path and path.endswith(".pth"):
            for line in _text(archive, path):
                entry = line.strip()
                if entry and not entry.startswith(("#", "import ", "import\t")):
                    folders.append(entry.replace("\\", "/"))
    return sorted(set(folders))


def record(distribution: str) -> dict[str, Any]:
    """The entry of ``distribution``: its wheel's contents, or why there is no wheel."""
    with tempfile.TemporaryDirectory() as scratch:
        wheel, complaint = download(distribution, Path(scratch))
        read = {"read": datetime.datetime.now(datetime.timezone.utc).date().isoformat()}
        if wheel is None:
            return {**read, "wheel": None, "error": complaint}
        return {**read, **read_wheel(wheel)}


def main(argv: list[str]) -> int:
    distributions = [normalize(name) for name in argv] or sorted(IMPORT_NAMES)
    recorded: dict[str, Any] = {}
    if argv and OUTPUT.exists():
        recorded = json.loads(OUTPUT.read_text(encoding="utf-8"))["distributions"]
    for distribution in distributions:
        recorded[distribution] = record(distribution)
        entry = recorded[distribution]
        print(distribution, entry["wheel"], entry.get("import_roots", entry.get("error")))
    document = {
        "written_by": "scripts/record_wheel_import_names.py (what each wheel says; do not edit)",
        "distributions": recorded,
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
