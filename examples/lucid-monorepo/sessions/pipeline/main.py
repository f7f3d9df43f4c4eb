"""Session pipeline service entry point: ``python main.py`` from sessions/pipeline."""

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from pipeline_manager import PipelineManager
from session_pipeline_manager import SessionPipelineManager
from state_machine import SessionState

log = logging.getLogger("lucid.sessions.pipeline")


def build_pipeline(config: dict[str, Any]) -> PipelineManager:
    processor_url = str(config.get("processor_url", "http://sessions-processor:8080"))
    pipeline = PipelineManager()
    pipeline.add_stage("validate", lambda ctx: {**ctx, "valid": bool(ctx.get("chunks"))})
    pipeline.add_stage("route", lambda ctx: {**ctx, "processor": processor_url})
    pipeline.add_stage("seal", lambda ctx: {**ctx, "sealed": ctx["valid"]}, retries=2)
    return pipeline


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    config_path = os.environ.get("LUCID_PIPELINE_CONFIG")
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) if config_path else {}
    sessions = SessionPipelineManager(build_pipeline(config or {}))
    queue = Path(os.environ.get("LUCID_PIPELINE_QUEUE", "queue.jsonl"))
    if not queue.is_file():
        log.info("nothing queued at %s", queue)
        return 0
    for line in queue.read_text(encoding="utf-8").splitlines():
        job = json.loads(line)
        state = sessions.submit(job["session_id"], job)
        log.info("%s -> %s", job["session_id"], state.value)
    return 0 if all(sessions.state(s) is not SessionState.FAILED for s in sessions.results) else 1


if __name__ == "__main__":
    sys.exit(main())
