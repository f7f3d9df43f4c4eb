"""lucid_hooks.cache: where it lives, entries, packs, damage, concurrency, limits."""

from __future__ import annotations

import marshal
import multiprocessing
import os
import random
import stat
import subprocess
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing.context import BaseContext
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest

from lucid_hooks import __version__, cache
from lucid_hooks.cache import (
    ENV_VAR,
    Cache,
    clear,
    content_key,
    location,
    open_cache,
    version_tag,
)

KEY = content_key(b"print('hello')\n", "--min-lines=3")
OTHER_KEY = content_key(b"print('bye')\n", "--min-lines=3")
VALUE = (b"0123456789abcdef", frozenset({1, 2, 3}))
CODE = compile("print('owned')", "<crafted>", "exec")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
POSIX = sys.platform != "win32"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def store(base: Path) -> Cache:
    return open_cache(folder=str(base))


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The current day for the shelves: set ``day[0]`` to travel in time."""
    today = [20000]
    monkeypatch.setattr(time, "time", lambda: today[0] * 86400 + 3600.0)
    return today


def entry_file(store: Cache, namespace: str, key: bytes) -> Path:
    assert store.folder is not None
    return Path(store.folder, namespace, key.hex()[:2], key.hex())


def pack_file(store: Cache, namespace: str) -> Path:
    assert store.folder is not None
    return Path(store.folder, f"{namespace}.pack")


def framed(magic: bytes, payload: bytes) -> bytes:
    return b"".join(cache._frame(magic, payload))


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)


def all_files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def pack_keys(store: Cache, namespace: str) -> set[bytes]:
    generations = cache._read_pack(str(pack_file(store, namespace)))
    return {key for _, entries in generations for key in entries}


# --- location ------------------------------------------------------------------------


def test_env_var_is_used_as_it_is(tmp_path: Path) -> None:
    environ = {ENV_VAR: str(tmp_path / "mine"), "XDG_CACHE_HOME": "/xdg"}

    assert location(environ, "linux") == str(tmp_path / "mine")


def test_relative_env_var_is_resolved_against_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert location({ENV_VAR: "rel/cache"}, "darwin") == str(tmp_path / "rel" / "cache")


def test_empty_env_var_is_unset() -> None:
    assert location({ENV_VAR: "", "HOME": "/home/u"}, "linux") == "/home/u/.cache/lucid-hooks"


def test_linux_uses_an_absolute_xdg_cache_home() -> None:
    environ = {"XDG_CACHE_HOME": "/var/xdg", "HOME": "/home/u"}

    assert location(environ, "linux") == "/var/xdg/lucid-hooks"


@pytest.mark.parametrize("xdg", [None, "", "relative/xdg"])
def test_posix_falls_back_to_dot_cache(xdg: str | None) -> None:
    environ = {"HOME": "/home/u"} if xdg is None else {"HOME": "/home/u", "XDG_CACHE_HOME": xdg}

    assert location(environ, "freebsd14") == "/home/u/.cache/lucid-hooks"


def test_macos_uses_library_caches_not_xdg() -> None:
    environ = {"HOME": "/Users/u", "XDG_CACHE_HOME": "/var/xdg"}

    assert location(environ, "darwin") == "/Users/u/Library/Caches/lucid-hooks"


def test_windows_uses_local_app_data() -> None:
    environ = {"LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local", "USERPROFILE": "D:\\u"}

    assert location(environ, "win32") == "C:\\Users\\u\\AppData\\Local\\lucid-hooks"


@pytest.mark.parametrize("local", [None, "", "relative"])
def test_windows_falls_back_to_the_profile(local: str | None) -> None:
    environ = (
        {"USERPROFILE": "C:\\Users\\u"}
        if local is None
        else {"USERPROFILE": "C:\\Users\\u", "LOCALAPPDATA": local}
    )

    assert location(environ, "win32") == "C:\\Users\\u\\AppData\\Local\\lucid-hooks"


def test_no_absolute_home_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative "home" would put the cache in the work tree."""
    assert location({"HOME": "relative/home"}, "linux") is None
    monkeypatch.setenv("HOME", "relative/home")
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")

    assert not open_cache().enabled


def test_default_cache_is_the_version_folder_below_the_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))

    assert open_cache().folder == str(tmp_path / version_tag())


# --- versions, namespaces, values ---------------------------------------------------


def test_version_tag_names_lucid_hooks_and_python() -> None:
    major, minor = sys.version_info[:2]

    assert version_tag() == f"v{__version__}-{sys.implementation.name}{major}{minor}"


def test_round_trip(store: Cache) -> None:
    value = {"path": ("a/b.py", 3, 1.5, None, True), (1, 2): [b"x", "\udcff"], 10**30: {7}}
    store.put("dup-module", KEY, value)

    assert store.get("dup-module", KEY, dict) == value
    assert store.get("dup-module", KEY, object) == value


def test_miss(store: Cache) -> None:
    assert store.get("dup-module", KEY, object) is None
    store.put("dup-module", KEY, VALUE)

    assert store.get("dup-module", OTHER_KEY, object) is None


def test_value_of_another_type_is_a_miss(store: Cache) -> None:
    store.put("dup-module", KEY, VALUE)

    assert store.get("dup-module", KEY, dict) is None
    assert store.get("dup-module", KEY, tuple) == VALUE


def test_other_lucid_hooks_or_python_version_reads_nothing(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_cache(folder=str(base)).put("dup-module", KEY, VALUE)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "__version__", "99.0.0")
        newer = open_cache(folder=str(base))
    with monkeypatch.context() as patch:
        python = SimpleNamespace(version_info=(3, 99), implementation=SimpleNamespace(name="pypy"))
        patch.setattr(cache, "sys", python)
        other_python = open_cache(folder=str(base))

    assert newer.folder == str(base / ("v99.0.0-" + version_tag().partition("-")[2]))
    assert other_python.folder == str(base / f"v{__version__}-pypy399")
    assert newer.get("dup-module", KEY, object) is None
    assert other_python.get("dup-module", KEY, object) is None
    assert open_cache(folder=str(base)).get("dup-module", KEY, tuple) == VALUE


def test_namespaces_are_apart(store: Cache) -> None:
    store.put("dup-module", KEY, VALUE)
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)

    assert store.get("skeleton", KEY, object) is None
    assert store.shelf("skeleton").get(KEY, object) is None


@pytest.mark.parametrize("namespace", ["", "../up", "a/b", "a.b", "dup module", "dupé"])
def test_namespace_must_be_a_plain_name(store: Cache, namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        store.put(namespace, KEY, 1)
    with pytest.raises(ValueError, match="namespace"):
        store.shelf(namespace)


@pytest.mark.parametrize("key", [b"", b"x" * 101])
def test_entry_key_must_fit_a_file_name(store: Cache, key: bytes) -> None:
    with pytest.raises(ValueError, match="key"):
        store.put("dup-module", key, 1)


class Pair(NamedTuple):
    first: int
    second: int


class Ordered(OrderedDict[str, int]):
    pass


@pytest.mark.parametrize(
    "value",
    [object(), {1: object()}, Path("x"), (1, [True, ...]), Pair(1, 2), (Ordered(a=1),)],
    ids=["object", "dict-of-object", "path", "ellipsis", "namedtuple", "dict-subclass"],
)
def test_only_builtin_data_is_kept(store: Cache, value: object) -> None:
    """Refused when put, as marshal would refuse it (a subclass of a builtin
    container too), not later when the shelf is saved."""
    shelf = store.shelf("dup-module")

    with pytest.raises(ValueError, match="builtin data"):
        store.put("dup-module", KEY, value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="builtin data"):
        shelf.put(KEY, value)  # type: ignore[arg-type]


# --- code objects ------------------------------------------------------------------


@pytest.mark.parametrize("value", [CODE, (1, [CODE]), {"x": frozenset({CODE})}, {CODE: 1}])
def test_value_holding_a_code_object_is_refused_on_put(store: Cache, value: object) -> None:
    with pytest.raises(ValueError, match="code"):
        store.put("dup-module", KEY, value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="code"):
        store.shelf("dup-module").put(KEY, value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [CODE, (1, [CODE]), {"x": frozenset({CODE})}])
def test_crafted_entry_holding_a_code_object_is_a_miss(store: Cache, value: object) -> None:
    payload = marshal.dumps(value)  # type: ignore[arg-type]
    write_private(entry_file(store, "dup-module", KEY), framed(cache._ENTRY_MAGIC, payload))

    assert store.get("dup-module", KEY, object) is None


@pytest.mark.parametrize("blob", [marshal.dumps((1, [CODE])), CODE])
def test_crafted_pack_holding_a_code_object_is_a_miss(
    store: Cache, blob: object, day: list[int]
) -> None:
    payload = marshal.dumps(((day[0], {KEY: blob, OTHER_KEY: marshal.dumps(1)}),))
    write_private(pack_file(store, "dup-module"), framed(cache._PACK_MAGIC, payload))

    assert store.shelf("dup-module").get(KEY, object) is None


def test_value_that_holds_itself_does_not_hang(store: Cache) -> None:
    looped: list[object] = [1]
    looped.append(looped)
    looped_dict: dict[int, object] = {}
    looped_dict[1] = [looped_dict]
    store.put("dup-module", KEY, looped)
    payload = marshal.dumps(looped_dict)
    write_private(entry_file(store, "dup-module", OTHER_KEY), framed(cache._ENTRY_MAGIC, payload))

    found = store.get("dup-module", KEY, list)
    assert found is not None
    assert found[1] is found
    found_dict = store.get("dup-module", OTHER_KEY, dict)
    assert found_dict is not None
    assert found_dict[1][0] is found_dict


# --- damage --------------------------------------------------------------------------


def _truncated(data: bytes) -> bytes:
    return data[:-1]


def _header_only(data: bytes) -> bytes:
    return data[:20]


def _flipped(data: bytes) -> bytes:
    return data[:-3] + bytes([data[-3] ^ 0x10]) + data[-2:]


def _longer(data: bytes) -> bytes:
    return data + b"\0"


Damage = Callable[[bytes], bytes]

DAMAGES: dict[str, Damage] = {
    "empty": lambda data: b"",
    "truncated": _truncated,
    "header only": _header_only,
    "one bit flipped": _flipped,
    "one byte more": _longer,
    "garbage": lambda data: random.Random(1).randbytes(len(data)),
    "other magic": lambda data: b"LHother1" + data[8:],
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_damaged_entry_is_a_miss_and_is_replaced(store: Cache, damage: Damage) -> None:
    store.put("dup-module", KEY, VALUE)
    path = entry_file(store, "dup-module", KEY)
    path.write_bytes(damage(path.read_bytes()))

    assert store.get("dup-module", KEY, object) is None
    store.put("dup-module", KEY, VALUE)
    assert store.get("dup-module", KEY, object) == VALUE


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_damaged_pack_is_empty_and_is_replaced(store: Cache, damage: Damage) -> None:
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    path = pack_file(store, "dup-module")
    path.write_bytes(damage(path.read_bytes()))
    shelf = store.shelf("dup-module")

    assert shelf.get(KEY, object) is None
    shelf.put(OTHER_KEY, 1)
    assert shelf.save()
    assert store.shelf("dup-module").get(OTHER_KEY, int) == 1


PAYLOADS = {
    "not marshal": b"\xff\xfe",
    "marshal cut short": marshal.dumps((1, 2, 3))[:-1],
    "a list": marshal.dumps([1, 2]),
    "a generation of three": marshal.dumps(((1, {}, 2),)),
    "a day that is a str": marshal.dumps((("1", {}),)),
    "entries that are a list": marshal.dumps(((1, []),)),
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_foreign_pack_content_is_empty(store: Cache, payload: bytes) -> None:
    write_private(pack_file(store, "dup-module"), framed(cache._PACK_MAGIC, payload))

    assert store.shelf("dup-module").get(KEY, object) is None


@pytest.mark.parametrize("blob", [b"\xff", 7, "text", None], ids=repr)
def test_foreign_value_in_a_pack_is_a_miss(store: Cache, blob: object, day: list[int]) -> None:
    payload = marshal.dumps(((day[0], {KEY: blob, OTHER_KEY: marshal.dumps(1)}),))
    write_private(pack_file(store, "dup-module"), framed(cache._PACK_MAGIC, payload))
    shelf = store.shelf("dup-module")

    assert shelf.get(KEY, object) is None
    assert shelf.get(OTHER_KEY, int) == 1


def test_entry_file_in_the_pack_place_is_not_a_pack(store: Cache) -> None:
    store.put("dup-module", KEY, VALUE)
    path = pack_file(store, "dup-module")
    path.write_bytes(entry_file(store, "dup-module", KEY).read_bytes())
    path.chmod(0o600)

    assert store.shelf("dup-module").get(KEY, object) is None


def test_folder_where_a_file_should_be(store: Cache) -> None:
    entry_file(store, "dup-module", KEY).mkdir(parents=True)
    pack_file(store, "dup-module").mkdir()

    assert store.get("dup-module", KEY, object) is None
    store.put("dup-module", KEY, VALUE)
    shelf = store.shelf("dup-module")
    assert shelf.get(KEY, object) is None
    shelf.put(KEY, VALUE)
    assert not shelf.save()
    assert not [name for name in all_files(Path(str(store.folder))) if name.endswith(".tmp")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_where_a_file_should_be_does_not_hang(store: Cache) -> None:
    path = entry_file(store, "dup-module", KEY)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    os.mkfifo(pack_file(store, "dup-module"))

    assert store.get("dup-module", KEY, object) is None
    assert store.shelf("dup-module").get(KEY, object) is None


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_file_others_can_write_is_not_read(store: Cache) -> None:
    store.put("dup-module", KEY, VALUE)
    path = entry_file(store, "dup-module", KEY)
    path.chmod(0o664)

    assert store.get("dup-module", KEY, object) is None


@pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another user")
def test_file_of_another_user_is_not_read(store: Cache) -> None:
    store.put("dup-module", KEY, VALUE)
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    os.chown(entry_file(store, "dup-module", KEY), 4242, 4242)
    os.chown(pack_file(store, "dup-module"), 4242, 4242)

    assert store.get("dup-module", KEY, object) is None
    assert store.shelf("dup-module").get(KEY, object) is None


def test_cache_folder_that_is_a_file(base: Path) -> None:
    base.write_text("not a folder", encoding="utf-8")
    store = open_cache(folder=str(base))
    shelf = store.shelf("dup-module")

    store.put("dup-module", KEY, VALUE)
    shelf.put(KEY, VALUE)
    assert not shelf.save()
    assert store.get("dup-module", KEY, object) is None
    assert base.read_text(encoding="utf-8") == "not a folder"


def test_version_folder_that_is_a_file(store: Cache) -> None:
    folder = Path(str(store.folder))
    folder.parent.mkdir()
    folder.write_bytes(b"")
    shelf = store.shelf("dup-module")

    store.put("dup-module", KEY, VALUE)
    shelf.put(KEY, VALUE)
    assert not shelf.save()
    assert store.get("dup-module", KEY, object) is None


def test_unwritable_cache_folder(store: Cache) -> None:
    """Reads still hit, writes are skipped. Root ignores modes: files in the
    way of a new entry's folder and of the lock stand in for them."""
    store.put("dup-module", KEY, VALUE)
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    folder = Path(str(store.folder))
    folders = [folder, *(path for path in folder.rglob("*") if path.is_dir())]
    if IS_ROOT or not POSIX:
        assert KEY.hex()[:2] != OTHER_KEY.hex()[:2]
        (folder / "dup-module" / OTHER_KEY.hex()[:2]).write_bytes(b"")
        (folder / "dup-module.lock").unlink()
        (folder / "dup-module.lock").mkdir()
    else:
        for path in folders:
            path.chmod(0o500)
    try:
        store.put("dup-module", OTHER_KEY, VALUE)
        shelf = store.shelf("dup-module")
        shelf.put(OTHER_KEY, VALUE)

        assert not shelf.save()
        assert store.get("dup-module", OTHER_KEY, object) is None
        assert store.get("dup-module", KEY, tuple) == VALUE
        assert store.shelf("dup-module").get(KEY, tuple) == VALUE
    finally:
        for path in folders:
            path.chmod(0o700)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_files_are_private(store: Cache, base: Path) -> None:
    store.put("dup-module", KEY, VALUE)
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    folder = Path(str(store.folder))

    assert stat.S_IMODE(entry_file(store, "dup-module", KEY).stat().st_mode) == 0o600
    assert stat.S_IMODE(pack_file(store, "dup-module").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(base.stat().st_mode) == 0o700


# --- the disabled cache ---------------------------------------------------------------


def test_disabled_cache_touches_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the disk was touched")

    with monkeypatch.context() as patch:
        for name in ("open", "stat", "makedirs", "mkdir", "replace", "listdir"):
            patch.setattr(os, name, no_disk)
        store = open_cache(enabled=False)
        store.put("dup-module", KEY, VALUE)
        shelf = store.shelf("dup-module")
        shelf.put(KEY, VALUE)
        saved = shelf.save()
        hit = store.get("dup-module", KEY, object), shelf.get(KEY, object)

    assert not store.enabled
    assert not saved
    assert hit == (None, None)
    assert not (tmp_path / "cache").exists()


# --- shelves ------------------------------------------------------------------------------


def test_shelf_round_trip(store: Cache) -> None:
    shelf = store.shelf("dup-module")
    shelf.put(KEY, VALUE)

    assert shelf.get(KEY, tuple) == VALUE
    assert shelf.save()
    assert store.shelf("dup-module").get(KEY, tuple) == VALUE
    assert store.shelf("dup-module").get(KEY, list) is None
    assert store.shelf("dup-module").get(OTHER_KEY, object) is None


def test_shelf_saves_on_leaving_the_block_but_not_on_an_error(store: Cache) -> None:
    with pytest.raises(RuntimeError), store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
        raise RuntimeError
    assert not pack_file(store, "dup-module").exists()

    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    assert store.shelf("dup-module").get(KEY, tuple) == VALUE


def test_shelf_without_news_writes_nothing(store: Cache, day: list[int]) -> None:
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    before = pack_file(store, "dup-module").stat().st_mtime_ns
    day[0] += 1
    shelf = store.shelf("dup-module")

    assert shelf.get(KEY, tuple) == VALUE
    assert shelf.get(OTHER_KEY, tuple) is None
    assert not shelf.save()
    assert pack_file(store, "dup-module").stat().st_mtime_ns == before


def test_shelf_save_keeps_what_others_saved_meanwhile(store: Cache) -> None:
    first = store.shelf("dup-module")
    second = store.shelf("dup-module")
    first.put(KEY, VALUE)
    second.put(OTHER_KEY, 2)

    assert first.save()
    assert second.save()
    assert second.get(KEY, tuple) == VALUE  # saving reloads
    reopened = store.shelf("dup-module")
    assert (reopened.get(KEY, tuple), reopened.get(OTHER_KEY, int)) == (VALUE, 2)


def test_shelf_saves_leave_no_temporary_files(store: Cache) -> None:
    for number in range(3):
        with store.shelf("dup-module") as shelf:
            shelf.put(content_key(str(number)), number)

    assert all_files(Path(str(store.folder))) == ["dup-module.lock", "dup-module.pack"]


def test_new_cache_folder_is_tagged_but_a_given_one_is_not(tmp_path: Path) -> None:
    open_cache(folder=str(tmp_path / "new")).put("dup-module", KEY, 1)
    (tmp_path / "given").mkdir()
    open_cache(folder=str(tmp_path / "given")).put("dup-module", KEY, 1)

    assert (
        (tmp_path / "new" / "CACHEDIR.TAG")
        .read_text(encoding="ascii")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert not (tmp_path / "given" / "CACHEDIR.TAG").exists()


# --- limits -----------------------------------------------------------------------------


def keys(name: str, count: int) -> list[bytes]:
    return [content_key(name, str(number)) for number in range(count)]


def save_new(store: Cache, new: list[bytes], max_entries: int | None = None) -> None:
    with store.shelf("dup-module", max_entries=max_entries) as shelf:
        for key in new:
            shelf.put(key, 1)


def test_max_entries_drops_the_least_recently_used(store: Cache, day: list[int]) -> None:
    oldest, older, newest = keys("oldest", 10), keys("older", 10), keys("newest", 5)
    save_new(store, oldest)
    day[0] += 1
    save_new(store, older)
    day[0] += 1
    with store.shelf("dup-module", max_entries=12) as shelf:
        assert shelf.get(older[0], int) == 1
        for key in newest:
            shelf.put(key, 1)

    kept = pack_keys(store, "dup-module")
    assert len(kept) == 12
    assert {*newest, older[0]} <= kept
    assert not kept & set(oldest)


def test_max_entries_never_drops_what_was_used_today(store: Cache, day: list[int]) -> None:
    save_new(store, keys("yesterday", 4))
    day[0] += 1
    save_new(store, keys("first batch", 4), max_entries=5)
    save_new(store, keys("second batch", 4), max_entries=5)

    assert pack_keys(store, "dup-module") == {*keys("first batch", 4), *keys("second batch", 4)}


def test_idle_entries_go_counting_from_the_previous_day_of_use(
    store: Cache, day: list[int]
) -> None:
    save_new(store, [KEY])
    day[0] += 10
    save_new(store, [OTHER_KEY])
    day[0] += 40  # back from a break: the previous use was 40 days ago
    save_new(store, keys("back", 1))

    assert pack_keys(store, "dup-module") == {KEY, OTHER_KEY, *keys("back", 1)}
    day[0] += 1  # 41 days after OTHER_KEY was last used, 51 after KEY
    save_new(store, keys("next day", 1))
    assert pack_keys(store, "dup-module") == {*keys("back", 1), *keys("next day", 1)}


def test_batches_after_a_break_keep_each_others_entries(store: Cache, day: list[int]) -> None:
    """The first batch of a run cannot know what the next batches will need."""
    tree = keys("tree", 100)
    save_new(store, tree)
    day[0] += 100
    for batch in (tree[:50], tree[50:]):
        with store.shelf("dup-module", max_entries=400) as shelf:
            assert all(shelf.get(key, int) == 1 for key in batch)
            shelf.put(content_key("new", batch[0]), 1)

    assert pack_keys(store, "dup-module") >= set(tree)


def test_old_entries_found_are_refreshed_now_and_then(store: Cache, day: list[int]) -> None:
    save_new(store, [KEY, OTHER_KEY])
    first = day[0]
    day[0] += 7  # not yet old: max_idle_days 30 refreshes after 7 days
    shelf = store.shelf("dup-module")
    assert shelf.get(KEY, int) == 1
    assert not shelf.save()

    day[0] += 1
    shelf = store.shelf("dup-module")
    assert shelf.get(KEY, int) == 1
    assert shelf.save()
    generations = cache._read_pack(str(pack_file(store, "dup-module")))
    assert generations == [
        (day[0], {KEY: marshal.dumps(1)}),
        (first, {OTHER_KEY: marshal.dumps(1)}),
    ]


# --- concurrency -------------------------------------------------------------------------


def _context() -> BaseContext:
    # Not fork: pytest-xdist's workers have threads, and a forked child of a
    # threaded process can deadlock (Python 3.12+ warns).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _save_batch(folder: str, name: str, start: object) -> None:
    with open_cache(folder=folder).shelf("dup-module") as shelf:
        for key in keys(name, 50):
            shelf.put(key, name)
        start.wait()  # type: ignore[attr-defined]


def _put_entry(folder: str, number: int, start: object) -> None:
    store = open_cache(folder=folder)
    start.wait()  # type: ignore[attr-defined]
    for _ in range(10):
        store.put("dup-module", KEY, bytes([number]) * 100_000)
        value = store.get("dup-module", KEY, bytes)
        assert value is None or len(set(value)) == 1


def run_together(target: object, args: list[tuple[object, ...]]) -> None:
    context = _context()
    start = context.Barrier(len(args))
    processes = [context.Process(target=target, args=(*arg, start)) for arg in args]  # type: ignore[attr-defined]
    for process in processes:
        process.start()
    for process in processes:
        process.join(30)
    assert [process.exitcode for process in processes] == [0] * len(args)


def test_concurrent_shelf_saves_keep_every_entry(base: Path) -> None:
    """The lock serialises the merges: every process's entries are kept."""
    names = [f"batch {number}" for number in range(4)]
    run_together(_save_batch, [(str(base), name) for name in names])
    store = open_cache(folder=str(base))

    assert pack_keys(store, "dup-module") == {key for name in names for key in keys(name, 50)}
    shelf = store.shelf("dup-module")
    assert all(shelf.get(key, str) == name for name in names for key in keys(name, 50))


def test_concurrent_puts_of_one_entry_leave_one_whole_value(base: Path) -> None:
    run_together(_put_entry, [(str(base), number) for number in range(1, 5)])
    store = open_cache(folder=str(base))

    value = store.get("dup-module", KEY, bytes)
    assert value is not None
    assert len(value) == 100_000
    assert len(set(value)) == 1
    assert not [name for name in all_files(base) if name.endswith(".tmp")]


@pytest.mark.skipif(not POSIX, reason="flock")
def test_save_gives_up_when_the_lock_stays_taken(
    store: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    monkeypatch.setattr(cache, "_LOCK_TIMEOUT", 0.05)
    with store.shelf("dup-module") as shelf:
        shelf.put(KEY, VALUE)
    shelf = store.shelf("dup-module")
    shelf.put(OTHER_KEY, 2)
    with open(Path(str(store.folder), "dup-module.lock"), "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)

        assert not shelf.save()
    assert shelf.save()
    assert pack_keys(store, "dup-module") == {KEY, OTHER_KEY}


# --- keys, clearing, import cost ----------------------------------------------------


def test_content_key_is_20_bytes_and_separates_parts() -> None:
    variants = [
        (),
        ("",),
        ("", ""),
        ("ab", "c"),
        ("a", "bc"),
        ("a",),
        (b"a",),
        ("\udcff",),
        (b"\xff",),
        ("\xff",),
    ]
    digests = [content_key(*parts) for parts in variants]

    assert all(len(digest) == 20 for digest in digests)
    assert len(set(digests)) == len(variants)
    assert content_key(b"x", "y") == content_key(b"x", "y")


def test_clear_deletes_version_folders_only(base: Path) -> None:
    store = open_cache(folder=str(base))
    store.put("dup-module", KEY, VALUE)
    (base / "v0.0.1-cpython39").mkdir()
    (base / "venv-3").mkdir()
    (base / "notes.txt").write_text("mine", encoding="utf-8")

    removed = clear(str(base))

    assert removed == [str(base / "v0.0.1-cpython39"), str(store.folder)]
    assert sorted(path.name for path in base.iterdir()) == ["CACHEDIR.TAG", "notes.txt", "venv-3"]
    assert store.get("dup-module", KEY, object) is None
    assert clear(str(base / "missing")) == []


def test_clear_defaults_to_the_location(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(base))
    open_cache().put("dup-module", KEY, VALUE)

    assert clear() == [str(base / version_tag())]


def test_import_is_light() -> None:
    """Nothing a hook does not import anyway: no hashlib, tempfile, zlib,
    shutil (``typing`` is, by every core module)."""
    script = (
        "import os, sys; before = set(sys.modules); import lucid_hooks.cache;"
        "print(*sorted(set(sys.modules) - before - {'__future__'}))"
    )
    completed = subprocess.run(
        (sys.executable, "-c", script), capture_output=True, text=True, check=True
    )

    loaded = set(completed.stdout.split())
    assert {"lucid_hooks", "lucid_hooks.cache"} <= loaded
    assert not loaded & {"hashlib", "tempfile", "zlib", "shutil", "_hashlib"}


# --- speed (run with LUCID_HOOKS_CACHE_BENCH=1 pytest tests/test_cache.py -k speed -s) ---


@pytest.mark.skipif(not os.environ.get("LUCID_HOOKS_CACHE_BENCH"), reason="a benchmark")
@pytest.mark.parametrize("shape", ["frozenset", "sorted tuple", "packed bytes"])
def test_speed_of_a_pack_of_100k(base: Path, shape: str) -> None:
    rnd = random.Random(1)
    tree = keys("tree", 100_000)
    store = open_cache(folder=str(base))
    with store.shelf("bench") as shelf:
        for key in tree:
            numbers = {rnd.randrange(1 << 30) for _ in range(50)}
            value: object = frozenset(numbers)
            if shape == "sorted tuple":
                value = tuple(sorted(numbers))
            elif shape == "packed bytes":
                value = b"".join(number.to_bytes(4, "little") for number in sorted(numbers))
            shelf.put(key, (rnd.randbytes(16), value))
    size = pack_file(store, "bench").stat().st_size / 1e6
    best: dict[str, float] = {}
    for _ in range(3):
        started = time.perf_counter()
        shelf = store.shelf("bench")
        opened = time.perf_counter()
        found = [shelf.get(key, tuple) for key in tree]
        done = time.perf_counter()
        assert None not in found
        for name, seconds in (("open", opened - started), ("get all", done - opened)):
            best[name] = min(best.get(name, seconds), seconds)
        del found
    print(
        f"\n{sys.version.split()[0]} {shape}: pack {size:.1f} MB,"
        f" open {best['open'] * 1000:.0f} ms, get 100k {best['get all'] * 1000:.0f} ms"
    )
