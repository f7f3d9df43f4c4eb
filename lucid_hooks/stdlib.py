"""Top-level standard-library module names of every supported Python (3.9 to 3.14).

``sys.stdlib_module_names`` exists only from 3.10 and describes the running
interpreter alone, while the hooks judge code that runs on another Python (the
container's), so the names are bundled here with the versions that have them.
They come from ``sys.stdlib_module_names`` of CPython 3.10 to 3.13, plus the
modules that 3.10 removed for 3.9; those of 3.14 (no 3.14 interpreter was at
hand) from the 3.14 list of the `stdlib-list` package, 0.12.0. The tests
compare the table with every interpreter the machine has.

`REMOVED` and `ADDED` say what a module that a version lacks is replaced by,
and `BACKPORTS` which distributions bring one back under its own name.
"""

from __future__ import annotations

OLDEST_MINOR = 9
NEWEST_MINOR = 14

# Present in every supported version.
_EVERYWHERE = """
__future__ _abc _aix_support _ast _asyncio _bisect _blake2 _bz2 _codecs _codecs_cn
_codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _collections _collections_abc
_compat_pickle _contextvars _csv _ctypes _curses _curses_panel _datetime _dbm
_decimal _elementtree _frozen_importlib _frozen_importlib_external _functools _gdbm
_hashlib _heapq _imp _io _json _locale _lsprof _lzma _markupbase _md5 _multibytecodec
_multiprocessing _opcode _operator _osx_support _overlapped _pickle _posixshmem
_posixsubprocess _py_abc _pydecimal _pyio _queue _random _scproxy _sha1 _sha3 _signal
_sitebuiltins _socket _sqlite3 _sre _ssl _stat _statistics _string _strptime _struct
_symtable _thread _threading_local _tkinter _tracemalloc _uuid _warnings _weakref
_weakrefset _winapi _zoneinfo abc antigravity argparse array ast asyncio atexit base64 bdb
binascii bisect builtins bz2 cProfile calendar cmath cmd code codecs codeop collections
colorsys compileall concurrent configparser contextlib contextvars copy copyreg csv ctypes
curses dataclasses datetime dbm decimal difflib dis doctest email encodings ensurepip enum
errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc
genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http
idlelib imaplib importlib inspect io ipaddress itertools json keyword linecache locale
logging lzma mailbox marshal math mimetypes mmap modulefinder msvcrt multiprocessing netrc
nt ntpath nturl2path numbers opcode operator optparse os pathlib pdb pickle pickletools
pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile
pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource
rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtplib
socket socketserver sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string
stringprep struct subprocess symtable sys sysconfig syslog tabnanny tarfile tempfile
termios textwrap this threading time timeit tkinter token tokenize trace traceback
tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uuid venv
warnings wave weakref webbrowser winreg winsound wsgiref xml xmlrpc zipapp zipfile
zipimport zlib zoneinfo
"""

# Names that came or went: the first and last minor version that has them.
_LIMITED = {
    "_android_support": (13, 14),
    "_ast_unparse": (14, 14),
    "_compression": (9, 13),
    "_hmac": (14, 14),
    "_py_warnings": (14, 14),
    "_remote_debugging": (14, 14),
    "_types": (14, 14),
    "_zstd": (14, 14),
    "annotationlib": (14, 14),
    "compression": (14, 14),
    "_bootlocale": (9, 9),
    "_bootsubprocess": (9, 11),
    "_colorize": (13, 14),
    "_crypt": (9, 12),
    "_interpchannels": (13, 14),
    "_interpqueues": (13, 14),
    "_interpreters": (13, 14),
    "_ios_support": (13, 14),
    "_msi": (9, 12),
    "_opcode_metadata": (13, 14),
    "_peg_parser": (9, 9),
    "_pydatetime": (12, 14),
    "_pylong": (12, 14),
    "_pyrepl": (13, 14),
    "_sha2": (12, 14),
    "_sha256": (9, 11),
    "_sha512": (9, 11),
    "_suggestions": (13, 14),
    "_sysconfig": (13, 14),
    "_tokenize": (11, 14),
    "_typing": (11, 14),
    "_wmi": (13, 14),
    "aifc": (9, 12),
    "asynchat": (9, 11),
    "asyncore": (9, 11),
    "audioop": (9, 12),
    "binhex": (9, 10),
    "cgi": (9, 12),
    "cgitb": (9, 12),
    "chunk": (9, 12),
    "crypt": (9, 12),
    "distutils": (9, 11),
    "formatter": (9, 9),
    "imghdr": (9, 12),
    "imp": (9, 11),
    "lib2to3": (9, 12),
    "mailcap": (9, 12),
    "msilib": (9, 12),
    "nis": (9, 12),
    "nntplib": (9, 12),
    "ossaudiodev": (9, 12),
    "parser": (9, 9),
    "pipes": (9, 12),
    "smtpd": (9, 11),
    "sndhdr": (9, 12),
    "spwd": (9, 12),
    "sunau": (9, 12),
    "symbol": (9, 9),
    "telnetlib": (9, 12),
    "tomllib": (11, 14),
    "uu": (9, 12),
    "xdrlib": (9, 12),
}

# What a Python that no longer has the module offers instead, checked against
# each replacement's wheel on PyPI where one is named (2026-12-01): the
# `standard-*` and `legacy-cgi` distributions bring the module back under
# its own name.
REMOVED = {
    "aifc": "standard-aifc",
    "asynchat": "asyncio, or pyasynchat",
    "asyncore": "asyncio, or pyasyncore",
    "audioop": "audioop-lts",
    "binhex": "base64 or binascii",
    "cgi": "legacy-cgi",
    "cgitb": "legacy-cgi",
    "chunk": "standard-chunk",
    "crypt": "hashlib, or bcrypt or passlib",
    "distutils": "setuptools or standard-distutils",
    "formatter": "no replacement",
    "imghdr": "standard-imghdr, or filetype",
    "imp": "importlib, or zombie-imp",
    "lib2to3": "a parser such as libcst or parso",
    "mailcap": "standard-mailcap, or mimetypes",
    "msilib": "no replacement",
    "nis": "no replacement",
    "nntplib": "standard-nntplib",
    "ossaudiodev": "no replacement",
    "parser": "ast",
    "pipes": "shlex and subprocess, or standard-pipes",
    "smtpd": "aiosmtpd",
    "sndhdr": "standard-sndhdr",
    "spwd": "no replacement",
    "sunau": "standard-sunau",
    "symbol": "no replacement",
    "telnetlib": "standard-telnetlib, or telnetlib3",
    "uu": "standard-uu, or base64",
    "xdrlib": "standard-xdrlib",
}
# What a Python that does not have the module yet offers instead.
ADDED = {
    "tomllib": "tomli",
    "annotationlib": "typing.get_type_hints, or typing-extensions",
    "compression": "zstandard or backports.zstd",
}
# Distributions that install a removed module under its own name: with one
# of them declared, the import works on every version.
BACKPORTS = {
    "aifc": ("standard-aifc",),
    "asynchat": ("pyasynchat", "standard-asynchat"),
    "asyncore": ("pyasyncore", "standard-asyncore"),
    "audioop": ("audioop-lts",),
    "cgi": ("legacy-cgi",),
    "cgitb": ("legacy-cgi",),
    "chunk": ("standard-chunk",),
    "distutils": ("setuptools", "standard-distutils"),
    "imghdr": ("standard-imghdr",),
    "imp": ("zombie-imp",),
    "mailcap": ("standard-mailcap",),
    "nntplib": ("standard-nntplib",),
    "pipes": ("standard-pipes",),
    "sndhdr": ("standard-sndhdr",),
    "sunau": ("standard-sunau",),
    "telnetlib": ("standard-telnetlib",),
    "uu": ("standard-uu",),
    "xdrlib": ("standard-xdrlib",),
}


def version_gap(name: str, minor: int) -> str | None:
    """Why Python ``3.minor`` has no top-level module ``name`` that another
    supported version has ("removed in Python 3.12; use setuptools ..."),
    or None when it has it, or no version does."""
    found = stdlib_minor_range(name)
    if found is None or found[0] <= minor <= found[1]:
        return None
    first, last = found
    if minor > last:
        advice = REMOVED.get(name, "no replacement")
        return f"removed in Python 3.{last + 1}; use {advice}"
    advice = ADDED.get(name, "")
    return f"new in Python 3.{first}" + (f"; use {advice}" if advice else "")


# Modules a file on sys.path can never replace: compiled into every CPython
# build (the import system asks the built-in importer first), or imported
# while the interpreter starts, before the script's folder joins sys.path
# (by the interpreter itself, or by `site`; from 3.11 these are also frozen,
# which the import system finds before sys.path).
_NEVER_SHADOWED = """
_abc _codecs _collections _frozen_importlib _frozen_importlib_external _functools _imp
_io _locale _operator _signal _sre _stat _string _symtable _thread _tracemalloc
_warnings _weakref abc atexit builtins codecs encodings errno faulthandler gc io
itertools marshal nt posix pwd sys time zipimport
_collections_abc _sitebuiltins genericpath os posixpath site stat
"""
NEVER_SHADOWED = frozenset(_NEVER_SHADOWED.split())

# Standard-library names that no project imports from the standard library,
# so a local module of that name hides nothing anyone needs.
UNIMPORTED_STDLIB = frozenset({"antigravity", "idlelib", "this", "turtledemo"})

_everywhere: frozenset[str] | None = None


def _names_everywhere() -> frozenset[str]:
    global _everywhere
    if _everywhere is None:
        _everywhere = frozenset(_EVERYWHERE.split())
    return _everywhere


def stdlib_module_names(minor: int | None = None) -> frozenset[str]:
    """The top-level standard-library modules of Python ``3.minor``, or of
    any supported version when ``minor`` is None."""
    limited = (
        name for name, (first, last) in _LIMITED.items() if minor is None or first <= minor <= last
    )
    return _names_everywhere().union(limited)


def stdlib_minor_range(name: str) -> tuple[int, int] | None:
    """The first and last supported 3.x minor version whose standard library
    has the top-level module ``name``; None when none has it."""
    if name in _names_everywhere():
        return OLDEST_MINOR, NEWEST_MINOR
    return _LIMITED.get(name)


def is_stdlib_module(name: str, minor: int | None = None) -> bool:
    """Whether ``name`` is a top-level standard-library module of Python
    ``3.minor``, or of any supported version when ``minor`` is None."""
    found = stdlib_minor_range(name)
    if found is None:
        return False
    return minor is None or found[0] <= minor <= found[1]


def describe_availability(name: str) -> str:
    """``""`` for a module of every supported version, else the versions that
    have it: ``Python 3.9-3.11``, ``Python 3.11 and later``, ``Python 3.9``."""
    found = stdlib_minor_range(name)
    if found is None or found == (OLDEST_MINOR, NEWEST_MINOR):
        return ""
    first, last = found
    if first == last:
        return f"Python 3.{first}"
    if last == NEWEST_MINOR:
        return f"Python 3.{first} and later"
    return f"Python 3.{first}-3.{last}"
