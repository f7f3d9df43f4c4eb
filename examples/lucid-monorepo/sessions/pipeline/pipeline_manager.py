"""Generic ordered pipeline of named stages with per-stage retries."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Context = dict[str, Any]
StageFunc = Callable[[Context], Context]

log = logging.getLogger("lucid.pipeline")


@dataclass(frozen=True)
class PipelineStage:
    name: str
    func: StageFunc
    retries: int = 0


class StageFailed(RuntimeError):
    def __init__(self, stage: str, cause: Exception) -> None:
        super().__init__(f"stage {stage!r} failed: {cause}")
        self.stage = stage


class PipelineManager:
    def __init__(self) -> None:
        self._stages: list[PipelineStage] = []

    def add_stage(self, name: str, func: StageFunc, retries: int = 0) -> None:
        if any(stage.name == name for stage in self._stages):
            raise ValueError(f"duplicate stage {name!r}")
        self._stages.append(PipelineStage(name, func, retries))

    @property
    def stage_names(self) -> list[str]:
        return [stage.name for stage in self._stages]

    def run(self, context: Context) -> Context:
        for stage in self._stages:
            for attempt in range(stage.retries + 1):
                try:
                    context = stage.func(dict(context))
                    break
                except Exception as exc:
                    log.warning("stage %s attempt %d failed: %s", stage.name, attempt + 1, exc)
                    if attempt == stage.retries:
                        raise StageFailed(stage.name, exc) from exc
        return context
