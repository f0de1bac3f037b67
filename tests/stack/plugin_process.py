"""A plugin process started as the Pulumi engine starts one: it prints its gRPC port first."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

HANG_GUARD_SECONDS = 60


class PluginProcess:
    """Runs ``command`` in its own process group and reads the first stdout line (the port)."""

    def __init__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
        )
        self.first_line = ""
        self._stderr: str | None = None
        reader = threading.Thread(target=self._read_first_line, daemon=True)
        reader.start()
        reader.join(HANG_GUARD_SECONDS)

    def _read_first_line(self) -> None:
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().decode()

    @property
    def port(self) -> int:
        line = self.first_line.strip()
        assert line.isdigit(), f"the plugin printed no port: {self.first_line!r}; stderr:\n{self.stop()}"
        return int(line)

    def stop(self) -> str:
        """Kill the process group (the plugin and anything it started); return its stderr."""
        if self._stderr is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, stderr = self.process.communicate(timeout=HANG_GUARD_SECONDS)
            self._stderr = (stderr or b"").decode()
        return self._stderr
