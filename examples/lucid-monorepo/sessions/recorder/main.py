"""Session recorder service entry point: ``python main.py`` from sessions/recorder."""

import logging
import os
import signal
import sys
import tempfile
import uuid
from pathlib import Path

from keystroke_monitor import KeystrokeMonitor
from resource_monitor import ResourceMonitor
from session_recorder import Monitor, SessionRecorder
from .video_capture import VideoCapture
from window_focus_monitor import WindowFocusMonitor

log = logging.getLogger("lucid.sessions.recorder")


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    default_dir = Path(tempfile.gettempdir()) / "lucid-recordings"
    output = Path(os.environ.get("LUCID_RECORDING_DIR", default_dir))
    session_id = os.environ.get("LUCID_SESSION_ID", uuid.uuid4().hex)
    monitors: list[Monitor] = [
        KeystrokeMonitor(),
        ResourceMonitor(),
        VideoCapture(output / session_id),
        WindowFocusMonitor(),
    ]
    recorder = SessionRecorder(
        session_id, output, monitors, interval=float(os.environ.get("LUCID_SAMPLE_S", "1.0"))
    )
    signal.signal(signal.SIGTERM, lambda *_: recorder.stop())
    signal.signal(signal.SIGINT, lambda *_: recorder.stop())
    log.info("recording session %s to %s", session_id, recorder.path)
    recorder.run()
    log.info("stopped after %d events", recorder.events_written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
