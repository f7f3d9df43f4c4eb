"""VM service entry point. Run from the repository root: ``python -m vm.main``."""

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import yaml

from vm.vm_manager import VMManager, VMSpec

log = logging.getLogger("lucid.vm")


def load_specs(path: str | None) -> list[VMSpec]:
    if not path:
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [VMSpec.model_validate(item) for item in data.get("vms", [])]


def main() -> int:
    logging.basicConfig(level=os.environ.get("LUCID_LOG_LEVEL", "INFO"))
    manager = VMManager(max_vms=int(os.environ.get("LUCID_MAX_VMS", "8")))
    for spec in load_specs(os.environ.get("LUCID_VM_CONFIG")):
        manager.start(manager.create(spec).vm_id)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(30.0):
        log.info("%d VMs running", len(manager.running()))

    for vm in manager.running():
        manager.stop(vm.vm_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
