"""CPU, memory and process-count samples of the recording host (via psutil)."""

from typing import Any

import psutil


class ResourceMonitor:
    name = "resources"

    def __init__(self, cpu_alert_percent: float = 90.0) -> None:
        self._cpu_alert = cpu_alert_percent
        psutil.cpu_percent(interval=None)  # prime the counter; the first reading is meaningless

    def sample(self) -> dict[str, Any] | None:
        cpu = psutil.cpu_percent(interval=None)
        memory = psutil.virtual_memory()
        return {
            "cpu_percent": cpu,
            "memory_percent": memory.percent,
            "memory_available": memory.available,
            "processes": len(psutil.pids()),
            "cpu_alert": cpu >= self._cpu_alert,
        }
