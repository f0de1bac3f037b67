"""Shared by the benchmark scripts: the header (machine, load, versions) and plain-text tables."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from datetime import datetime, timezone
from importlib import metadata
from typing import Any, Iterable, Sequence

PACKAGES = ("pulumi", "boto3", "botocore", "google-re2", "grpcio", "moto", "pulumi-bedrock-inference")


def header(title: str, settings: str) -> None:
    """Print what was measured, how, and on what: a table is only comparable with its header."""
    print(f"== {title}")
    print(f"   command: {' '.join([os.path.relpath(sys.argv[0])] + sys.argv[1:]) or '-'}   settings: {settings}")
    print(f"   date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}   machine: {platform.machine()}, {_cpu()}, "
          f"{os.cpu_count()} cores   load (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"   python {platform.python_version()}   " + "   ".join(f"{name} {_version(name)}" for name in PACKAGES))
    print()


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rows = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(columns)]
    print("  ".join(column.ljust(width) if i == 0 else column.rjust(width) for i, (column, width) in enumerate(zip(columns, widths))))
    for row in rows:
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))))
    print()


def spread(values: Sequence[float], digits: int = 2) -> str:
    """``median (min–max)``."""
    if not values:
        return "-"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _cell(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
