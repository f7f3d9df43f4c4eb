"""In-process registry of session VMs and their lifecycle."""

import threading
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from vm.quotas import MAX_MEMORY_MB, MAX_VCPUS


class VMState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    STOPPED = "stopped"


class VMSpec(BaseModel):
    name: str = Field(min_length=1, max_length=63)
    image: str
    vcpus: int = Field(default=2, ge=1, le=MAX_VCPUS)
    memory_mb: int = Field(default=2048, ge=256, le=MAX_MEMORY_MB)


class VirtualMachine(BaseModel):
    vm_id: str
    spec: VMSpec
    state: VMState = VMState.PENDING


class VMManager:
    def __init__(self, max_vms: int = 8) -> None:
        self._max_vms = max_vms
        self._vms: dict[str, VirtualMachine] = {}
        self._lock = threading.Lock()

    def create(self, spec: VMSpec) -> VirtualMachine:
        with self._lock:
            if len(self._vms) >= self._max_vms:
                raise RuntimeError(f"VM limit of {self._max_vms} reached")
            vm = VirtualMachine(vm_id=uuid.uuid4().hex, spec=spec)
            self._vms[vm.vm_id] = vm
            return vm

    def _set_state(self, vm_id: str, state: VMState) -> VirtualMachine:
        with self._lock:
            vm = self._vms[vm_id]
            vm.state = state
            return vm

    def start(self, vm_id: str) -> VirtualMachine:
        return self._set_state(vm_id, VMState.RUNNING)

    def stop(self, vm_id: str) -> VirtualMachine:
        return self._set_state(vm_id, VMState.STOPPED)

    def running(self) -> list[VirtualMachine]:
        with self._lock:
            return [vm for vm in self._vms.values() if vm.state is VMState.RUNNING]
