"""The results file: JSON Lines, one record per finished or pruned trial, appended as each trial ends.

The Optuna study (`study.py`) is what a resumed sweep reads; this file is what people and reports read, and
it is written first: each record is one `write` of one complete line, flushed to disk (fsync), before the
study marks the trial finished. A killed sweep so leaves at most one half-written last line, which the
writer cuts off before it appends again; a trial whose line is here but whose end the study missed is
finished from its line on the next run.

A file that is not a results file (a line that is not a trial record, or text without one) is refused and
left as it is, so that `--results` pointed at the wrong file never changes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dlcourse.errors import CorruptFile, InvalidInput, InvalidSetting

Record = dict[str, Any]


class NotAResultsFile(CorruptFile):
    """A file given as a sweep's results holds something other than trial records."""


def read_results(path: str | Path) -> list[Record]:
    """Every complete record in the file, in the order written (an absent file has none)."""
    path = Path(path)
    if path.is_dir():
        raise InvalidSetting(f"the results path {path} is a folder; give a file such as {path / 'sweep.jsonl'}")
    if not path.is_file():
        return []
    return _parse(path, path.read_bytes())[0]


def _parse(path: Path, data: bytes) -> tuple[list[Record], int]:
    """(records, length of the data up to the end of its last complete line)."""
    end = data.rfind(b"\n") + 1
    records = [_record(path, number, line) for number, line in enumerate(data[:end].splitlines(), start=1)]
    if end < len(data) and not records:
        raise NotAResultsFile(f"{path} is not a sweep results file (no trial records); pick another --results file")
    return records, end


def _record(path: Path, number: int, line: bytes) -> Record:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("trial"), str):
        raise NotAResultsFile(f"{path} is not a sweep results file (line {number} is not a trial record)")
    for key in ("config", "params", "metrics"):
        if key in record and not isinstance(record[key], Mapping | None):
            shown = repr(record[key])[:40]
            raise NotAResultsFile(f"{path}, line {number}: a trial record's {key} must be a mapping, got {shown}")
    return record


def _plain(obj: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise InvalidInput(f"{type(obj).__name__} is not JSON serialisable")


def as_json(record: Record) -> Record:
    """The record with plain JSON values only (what the file and the study's journal can hold)."""
    return json.loads(json.dumps(record, default=_plain))


class ResultsFile:
    """The writer's view: `with ResultsFile(path) as results: results.done; results.append(record)`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.done: dict[str, Record] = {}  # trial id -> its record
        self._fd: int | None = None

    def __enter__(self) -> ResultsFile:
        records, end, size = self._check()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        if end < size:  # a half-written last line
            os.ftruncate(self._fd, end)
        self.done = {r["trial"]: r for r in records}
        return self

    def _check(self) -> tuple[list[Record], int, int]:
        """Read and vet the file before anything opens it for writing."""
        if self.path.is_dir():
            raise InvalidSetting(
                f"the results path {self.path} is a folder; give a file such as {self.path / 'sweep.jsonl'}"
            )
        if not self.path.exists():
            return [], 0, 0
        data = self.path.read_bytes()
        records, end = _parse(self.path, data)
        return records, end, len(data)

    def append(self, record: Record) -> None:
        if self._fd is None:
            raise RuntimeError("append outside a `with ResultsFile(...)` block")
        line = (json.dumps(record, sort_keys=True, default=_plain) + "\n").encode()
        written = os.write(self._fd, line)
        if written != len(line):  # a full disk; the short line is cut off on the next open
            raise OSError(f"wrote {written} of {len(line)} bytes to {self.path}")
        os.fsync(self._fd)
        self.done[record["trial"]] = record

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __exit__(self, *exc: object) -> None:
        self.close()
