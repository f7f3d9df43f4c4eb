"""The import names of third-party distributions.

A requirements file names distributions (``PyYAML``), while code imports
modules (``yaml``), so the hooks go from the first to the second, the
direction that can be known: a distribution's files say what it installs,
while an import name alone can come from many distributions (``cv2`` from
four opencv builds). :func:`import_names` answers, in this order: the user's
``import-names`` setting, the curated :data:`IMPORT_NAMES`, the distribution's
installed metadata when the running environment has it, and last the
normalized name with ``-`` as ``_`` (``typing-extensions`` gives
``typing_extensions``).

Names are dotted below a namespace package: ``google-cloud-storage`` provides
``google.cloud.storage``, not ``google``, so that it does not seem to provide
``google.cloud.bigquery`` too (:func:`provides`).

:data:`IMPORT_NAMES` holds the distributions, used in service monorepos, whose
import names the last rule gets wrong. Every entry agrees with the newest wheel
of its distribution: ``scripts/record_wheel_import_names.py`` downloads those
wheels and records in ``tests/data/wheel_import_names.json`` the names their
files make importable (:func:`import_roots`), and the tests compare the two.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.packages import is_identifier

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# PEP 503 name -> what the newest wheel makes importable (tests/data/wheel_import_names.json):
# its top-level modules and packages and, inside a namespace package, the first modules and
# packages (``google.cloud.storage``, never the shared ``google.cloud``). Private names
# inside a namespace are left out; folders of tests, demos and scripts that a wheel ships
# at the top (pywin32's ``Demos``) too. Only distributions the last rule of
# :func:`import_names` gets wrong are here.
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    # Web frameworks and their plugins.
    "django-allauth": ("allauth",),
    "django-cors-headers": ("corsheaders",),
    "django-crispy-forms": ("crispy_forms",),
    "django-debug-toolbar": ("debug_toolbar",),
    "django-environ": ("environ",),
    "django-filter": ("django_filters",),
    "django-health-check": ("health_check",),
    "django-import-export": ("import_export",),
    "django-model-utils": ("model_utils",),
    "django-oauth-toolkit": ("oauth2_provider",),
    "django-phonenumber-field": ("phonenumber_field",),
    "django-simple-history": ("simple_history",),
    "django-storages": ("storages",),
    "django-taggit": ("sample_taggit", "taggit"),
    "djangorestframework": ("rest_framework",),
    "djangorestframework-simplejwt": ("rest_framework_simplejwt",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-socketio": ("socketio",),
    "social-auth-app-django": ("social_django",),
    "strawberry-graphql": ("strawberry",),
    # Configuration, data formats, documents.
    "attrs": ("attr", "attrs"),
    "beautifulsoup4": ("bs4",),
    "cattrs": ("cattr", "cattrs"),
    "pymupdf": ("fitz", "pymupdf", "pymupdf4llm"),
    "python-dateutil": ("dateutil",),
    "python-decouple": ("decouple",),
    "python-docx": ("docx",),
    "python-dotenv": ("dotenv",),
    "python-json-logger": ("pythonjsonlogger",),
    "python-magic": ("magic",),
    "python-slugify": ("slugify",),
    "pyyaml": ("_yaml", "yaml"),
    "ruamel-yaml": ("ruamel.yaml",),
    # Security and networking.
    "argon2-cffi": ("argon2",),
    "dnspython": ("dns",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyjwt": ("jwt",),
    "pynacl": ("nacl",),
    "pyopenssl": ("OpenSSL",),
    "pysocks": ("socks", "sockshandler"),
    "python-jose": ("jose",),
    "websocket-client": ("websocket",),
    # Databases, queues, caches, monitoring.
    "cassandra-driver": ("cassandra",),
    "databricks-sql-connector": ("databricks.sql",),
    "elastic-apm": ("elasticapm",),
    "kafka-python": ("kafka",),
    "mysql-connector-python": ("_mysql_connector", "mysql"),
    "mysqlclient": ("MySQLdb",),
    "paho-mqtt": ("paho",),
    "psycopg2-binary": ("psycopg2",),
    "pymongo": ("bson", "gridfs", "pymongo"),
    "python-memcached": ("memcache",),
    "pyzmq": ("zmq",),
    "snowflake-connector-python": ("snowflake.connector",),
    # gRPC, protobuf, Google APIs and Google Cloud.
    "google-api-core": ("google.api_core",),
    "google-api-python-client": ("apiclient", "googleapiclient"),
    "google-auth": ("google.auth", "google.oauth2"),
    "google-cloud-bigquery": ("google.cloud.bigquery", "google.cloud.bigquery_v2"),
    "google-cloud-core": _words(
        """
        google.cloud.client google.cloud.environment_vars google.cloud.exceptions
        google.cloud.obsolete google.cloud.operation google.cloud.version
        """
    ),
    "google-cloud-firestore": _words(
        """
        google.cloud.firestore google.cloud.firestore_admin google.cloud.firestore_admin_v1
        google.cloud.firestore_bundle google.cloud.firestore_v1
        """
    ),
    "google-cloud-logging": ("google.cloud.logging", "google.cloud.logging_v2"),
    "google-cloud-pubsub": _words(
        """
        google.cloud.pubsub google.cloud.pubsub_v1 google.pubsub google.pubsub_v1
        """
    ),
    "google-cloud-secret-manager": _words(
        """
        google.cloud.secretmanager google.cloud.secretmanager_v1
        google.cloud.secretmanager_v1beta1 google.cloud.secretmanager_v1beta2
        """
    ),
    "google-cloud-storage": ("google.cloud.storage",),
    "google-cloud-tasks": _words(
        """
        google.cloud.tasks google.cloud.tasks_v2 google.cloud.tasks_v2beta2
        google.cloud.tasks_v2beta3
        """
    ),
    "google-genai": ("google.genai",),
    "googleapis-common-protos": _words(
        """
        google.api.annotations_pb2 google.api.auth_pb2 google.api.backend_pb2
        google.api.billing_pb2 google.api.client_pb2 google.api.config_change_pb2
        google.api.consumer_pb2 google.api.context_pb2 google.api.control_pb2
        google.api.distribution_pb2 google.api.documentation_pb2 google.api.endpoint_pb2
        google.api.error_reason_pb2 google.api.field_behavior_pb2 google.api.field_info_pb2
        google.api.http_pb2 google.api.httpbody_pb2 google.api.label_pb2
        google.api.launch_stage_pb2 google.api.log_pb2 google.api.logging_pb2
        google.api.metric_pb2 google.api.monitored_resource_pb2 google.api.monitoring_pb2
        google.api.policy_pb2 google.api.quota_pb2 google.api.resource_pb2
        google.api.routing_pb2 google.api.service_pb2 google.api.source_info_pb2
        google.api.system_parameter_pb2 google.api.usage_pb2 google.api.visibility_pb2
        google.cloud.common_resources_pb2 google.cloud.extended_operations_pb2
        google.cloud.location.locations_pb2 google.gapic.metadata.gapic_metadata_pb2
        google.logging.type.http_request_pb2 google.logging.type.log_severity_pb2
        google.longrunning.operations_grpc google.longrunning.operations_grpc_pb2
        google.longrunning.operations_pb2 google.longrunning.operations_pb2_grpc
        google.longrunning.operations_proto google.longrunning.operations_proto_pb2
        google.rpc.code_pb2 google.rpc.context.attribute_context_pb2
        google.rpc.context.audit_context_pb2 google.rpc.error_details_pb2 google.rpc.http_pb2
        google.rpc.status_pb2 google.type.calendar_period_pb2 google.type.color_pb2
        google.type.date_pb2 google.type.datetime_pb2 google.type.dayofweek_pb2
        google.type.decimal_pb2 google.type.expr_pb2 google.type.fraction_pb2
        google.type.interval_pb2 google.type.latlng_pb2 google.type.localized_text_pb2
        google.type.money_pb2 google.type.month_pb2 google.type.phone_number_pb2
        google.type.postal_address_pb2 google.type.quaternion_pb2 google.type.timeofday_pb2
        """
    ),
    "grpcio": ("grpc",),
    "grpcio-health-checking": ("grpc_health",),
    "grpcio-reflection": ("grpc_reflection",),
    "grpcio-status": ("grpc_status",),
    "grpcio-tools": ("grpc_tools",),
    "protobuf": ("google.protobuf",),
    # Azure.
    "azure-core": ("azure.core",),
    "azure-cosmos": ("azure.cosmos",),
    "azure-eventhub": ("azure.eventhub",),
    "azure-functions": ("azure.functions",),
    "azure-identity": ("azure.identity",),
    "azure-keyvault-secrets": ("azure.keyvault.secrets",),
    "azure-servicebus": ("azure.servicebus",),
    "azure-storage-blob": ("azure.storage.blob",),
    # OpenTelemetry.
    "opentelemetry-api": _words(
        """
        opentelemetry._logs opentelemetry.attributes opentelemetry.baggage
        opentelemetry.context opentelemetry.environment_variables opentelemetry.metrics
        opentelemetry.propagate opentelemetry.propagators.composite
        opentelemetry.propagators.textmap opentelemetry.trace opentelemetry.util.re
        opentelemetry.util.types opentelemetry.version
        """
    ),
    "opentelemetry-exporter-otlp-proto-grpc": ("opentelemetry.exporter.otlp.proto.grpc",),
    "opentelemetry-instrumentation-fastapi": ("opentelemetry.instrumentation.fastapi",),
    "opentelemetry-sdk": _words(
        """
        opentelemetry.sdk._logs opentelemetry.sdk.environment_variables
        opentelemetry.sdk.error_handler opentelemetry.sdk.metrics opentelemetry.sdk.resources
        opentelemetry.sdk.trace opentelemetry.sdk.util opentelemetry.sdk.version
        """
    ),
    # Images, science, machine learning.
    "faiss-cpu": ("faiss",),
    "llama-index-core": ("llama_index.core",),
    "matplotlib": _words(
        """
        matplotlib mpl_toolkits.axes_grid1 mpl_toolkits.axisartist mpl_toolkits.mplot3d pylab
        """
    ),
    "opencv-contrib-python": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "pillow": ("PIL",),
    "scikit-image": ("skimage",),
    "scikit-learn": ("sklearn",),
    # Packaging, extensions, platforms.
    "cffi": ("_cffi_backend", "cffi"),
    "pyserial": ("serial",),
    "pywin32": _words(
        """
        _win32sysloader _win32verstamp_pywin32ctypes _winxptheme adodbapi afxres commctrl dde
        isapi mmapfile mmsystem netbios ntsecuritycon odbc perfmon pythoncom pywin
        pywin32_bootstrap pywin32_testutil pywintypes rasutil regcheck regutil servicemanager
        sspi sspicon timer win2kras win32api win32clipboard win32com win32comext.adsi
        win32comext.authorization win32comext.axcontrol win32comext.axdebug
        win32comext.axscript win32comext.bits win32comext.directsound win32comext.ifilter
        win32comext.internet win32comext.mapi win32comext.propsys win32comext.shell
        win32comext.taskscheduler win32con win32console win32cred win32crypt win32cryptcon
        win32event win32evtlog win32evtlogutil win32file win32gui win32gui_struct win32help
        win32inet win32inetcon win32job win32lz win32net win32netcon win32pdh win32pdhquery
        win32pdhutil win32pipe win32print win32process win32profile win32ras win32rcparser
        win32security win32service win32serviceutil win32timezone win32trace win32traceutil
        win32transaction win32ts win32ui win32uiole win32verstamp win32wnet winerror
        winioctlcon winnt winperf winxpgui winxptheme
        """
    ),
    "setuptools": ("_distutils_hack", "setuptools"),
    "zope-interface": ("zope.interface",),
}

# Where an import name came from.
OVERRIDE = "override"
TABLE = "table"
INSTALLED = "installed"
NAME = "name"

_MODULE_SUFFIXES = (".py", ".pyc")
_EXTENSION_SUFFIXES = (".so", ".pyd")


class ImportNames(NamedTuple):
    """What a distribution makes importable, and which rule said so."""

    distribution: str  # PEP 503 normalized
    names: tuple[str, ...]
    source: str  # OVERRIDE, TABLE, INSTALLED or NAME


_SEPARATOR_RUNS = re.compile(r"[-_.]+")


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Ruamel_Yaml`` is ``ruamel-yaml``."""
    return _SEPARATOR_RUNS.sub("-", name.strip()).lower()


def import_names(
    distribution: str,
    overrides: Mapping[str, Sequence[str]] | None = None,
    *,
    table: Mapping[str, tuple[str, ...]] = IMPORT_NAMES,
) -> tuple[str, ...]:
    """The top-level import names of ``distribution``, dotted for namespace
    packages; never raises (an unusable name gives ``()``)."""
    return resolve(distribution, overrides, table=table).names


def resolve(
    distribution: str,
    overrides: Mapping[str, Sequence[str]] | None = None,
    *,
    table: Mapping[str, tuple[str, ...]] = IMPORT_NAMES,
) -> ImportNames:
    """:func:`import_names` with the rule that gave them. ``overrides`` is the
    ``import-names`` setting: distribution (any spelling) -> import names, an
    empty list for a distribution that installs nothing to import."""
    name = normalize(distribution)
    override = _override(name, overrides or {})
    if override is not None:
        return ImportNames(name, override, OVERRIDE)
    if name in table:
        return ImportNames(name, table[name], TABLE)
    installed = installed_import_names(name)
    if installed:
        return ImportNames(name, installed, INSTALLED)
    guess = name.replace("-", "_")
    return ImportNames(name, (guess,) if is_identifier(guess) else (), NAME)


def _override(name: str, overrides: Mapping[str, Sequence[str]]) -> tuple[str, ...] | None:
    for distribution, names in overrides.items():
        if normalize(distribution) == name:
            return tuple(names)
    return None


@functools.cache
def installed_import_names(distribution: str) -> tuple[str, ...]:
    """What the installed ``distribution`` makes importable, from its
    ``RECORD`` (namespace packages dotted), else its ``top_level.txt``; ``()``
    when the running environment lacks it or its metadata is unreadable.

    ``RECORD`` comes first because ``top_level.txt`` says ``google`` for every
    ``google-cloud-*`` distribution and, for setuptools, lists what it vendors.
    """
    try:
        return _installed_import_names(distribution)
    except Exception:  # broken metadata must not stop a hook
        return ()


def _installed_import_names(distribution: str) -> tuple[str, ...]:
    import csv
    from importlib import metadata

    if not _is_distribution_name(distribution):  # "", "*", "../x": nothing to look up
        return ()
    try:
        installed = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return ()
    record = installed.read_text("RECORD")
    if record:
        paths = (row[0] for row in csv.reader(record.splitlines()) if row)
        roots = import_roots(paths)
        if roots:
            return roots
    lines = (installed.read_text("top_level.txt") or "").split()
    return tuple(sorted(line for line in set(lines) if is_identifier(line)))


def _is_distribution_name(name: str) -> bool:
    """Whether a normalized name is a valid distribution name (PEP 508)."""
    return name.isascii() and name.replace("-", "").isalnum() and name.strip("-") == name


class _Folder(NamedTuple):
    files: set[str]
    folders: dict[str, _Folder]


def import_roots(
    paths: Iterable[str],
    search_folders: Iterable[str] = ("",),
    namespaces: Collection[str] = (),
) -> tuple[str, ...]:
    """The import names that files at ``paths`` (``/``-separated, relative to
    site-packages, as ``RECORD`` lists them) provide: each top-level module and
    regular package, and below a namespace package (a folder without
    ``__init__.py``, or one named in ``namespaces``) the first modules and
    regular packages in it, dotted. ``search_folders`` are the folders that are
    on ``sys.path`` (site-packages is ``""``; a ``.pth`` file can add more):
    a file belongs to the deepest one that holds it."""
    folders = sorted({folder.strip("/") for folder in search_folders} | {""}, key=len)
    trees = {folder: _Folder(set(), {}) for folder in folders}
    for path in paths:
        folder = next(f for f in reversed(folders) if not f or path.startswith(f + "/"))
        _add(trees[folder], path[len(folder) + 1 if folder else 0 :].split("/"))
    roots: set[str] = set()
    for tree in trees.values():
        roots.update(_roots(tree, (), frozenset(namespaces)))
    return tuple(sorted(roots))


def _add(tree: _Folder, parts: list[str]) -> None:
    for part in parts[:-1]:
        tree = tree.folders.setdefault(part, _Folder(set(), {}))
    tree.files.add(parts[-1])


def _roots(tree: _Folder, prefix: tuple[str, ...], namespaces: frozenset[str]) -> Iterator[str]:
    for file in tree.files:
        module = module_of(file)
        if module is not None and module != "__init__":
            yield ".".join((*prefix, module))
    for name, folder in tree.folders.items():
        if not is_identifier(name):  # *.dist-info, *.data, pillow.libs, ...
            continue
        dotted = (*prefix, name)
        if _is_package(folder) and ".".join(dotted) not in namespaces:
            yield ".".join(dotted)
        else:
            yield from _roots(folder, dotted, namespaces)


def _is_package(folder: _Folder) -> bool:
    return any(module_of(file) == "__init__" for file in folder.files)


def module_of(filename: str) -> str | None:
    """The module a file called ``filename`` is (``yaml.py``, ``_yaml.pyc``,
    ``_cffi_backend.cpython-311-x86_64-linux-gnu.so``, ``win32api.pyd``), or
    None: data files, ``.pth``, stubs, scripts."""
    if filename.endswith(_MODULE_SUFFIXES):
        stem = filename.rpartition(".")[0]
    elif filename.endswith(_EXTENSION_SUFFIXES):
        stem = filename.partition(".")[0]
    else:
        return None
    return stem if is_identifier(stem) else None


def provides(import_name: str, names: Iterable[str]) -> bool:
    """Whether a distribution that provides ``names`` (see :func:`import_names`)
    provides ``import_name``: it is one of them or below one of them, at a dot
    (``google.protobuf.json_format`` is below ``google.protobuf``;
    ``google.cloud.bigquery`` is not below ``google.cloud.storage``, nor is
    ``google.cloud`` itself, a namespace many distributions share)."""
    return any(import_name == name or import_name.startswith(name + ".") for name in names)


class DistributionIndex:
    """Which of some distributions provide an import name."""

    def __init__(
        self,
        distributions: Iterable[str],
        overrides: Mapping[str, Sequence[str]] | None = None,
        *,
        table: Mapping[str, tuple[str, ...]] = IMPORT_NAMES,
    ) -> None:
        self._providers: dict[str, set[str]] = {}
        for distribution in distributions:
            resolved = resolve(distribution, overrides, table=table)
            for name in resolved.names:
                self._providers.setdefault(name, set()).add(resolved.distribution)

    def providers(self, import_name: str) -> tuple[str, ...]:
        """The distributions (normalized names, sorted) that provide
        ``import_name``, by :func:`provides`. For ``from a import b``, ask
        about ``a.b`` too: ``from google.cloud import storage`` needs
        ``google.cloud.storage``."""
        parts = import_name.split(".")
        found: set[str] = set()
        for end in range(1, len(parts) + 1):
            found.update(self._providers.get(".".join(parts[:end]), ()))
        return tuple(sorted(found))

    def __contains__(self, import_name: object) -> bool:
        return isinstance(import_name, str) and bool(self.providers(import_name))
