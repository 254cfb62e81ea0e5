"""Reads a GGUF file's metadata header in pure Python.

The host process must not run native llama.cpp code (a crash there would take it down), so
the probe learns the context length and chat template from the header, not by loading.
Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


class GGUFError(ValueError):
    pass


@dataclass(frozen=True)
class GGUFInfo:
    version: int
    architecture: str | None
    name: str | None
    context_length: int | None
    chat_template: str | None
    file_type: int | None


def read_gguf_info(path: Path) -> GGUFInfo:
    """The model facts hybridai needs; GGUFError if the file is not GGUF."""
    with path.open("rb") as f:
        if f.read(4) != MAGIC:
            raise GGUFError(f"{path} is not a GGUF file (bad magic)")
        version = _unpack(f, "<I")
        if version < 2:
            raise GGUFError(f"{path}: GGUF version {version} is not supported (need >= 2)")
        _unpack(f, "<Q")  # tensor count
        kv_count = _unpack(f, "<Q")
        metadata: dict[str, Any] = {}
        for _ in range(kv_count):
            key = _read_string(f)
            value_type = _unpack(f, "<I")
            # Arrays (the vocabulary) are large and not needed: skip them.
            metadata[key] = _read_value(f, value_type, keep=value_type != _ARRAY)
    arch = metadata.get("general.architecture")
    return GGUFInfo(
        version=version,
        architecture=arch,
        name=metadata.get("general.name"),
        context_length=metadata.get(f"{arch}.context_length") if arch else None,
        chat_template=metadata.get("tokenizer.chat_template"),
        file_type=metadata.get("general.file_type"),
    )


def _unpack(f: IO[bytes], fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = f.read(size)
    if len(data) != size:
        raise GGUFError("GGUF header is truncated")
    return struct.unpack(fmt, data)[0]


def _read_string(f: IO[bytes]) -> str:
    length = _unpack(f, "<Q")
    if length > 1 << 26:
        raise GGUFError(f"GGUF string of {length} bytes is implausible; file is corrupt")
    data = f.read(length)
    if len(data) != length:
        raise GGUFError("GGUF header is truncated")
    return data.decode("utf-8", errors="replace")


def _read_value(f: IO[bytes], value_type: int, *, keep: bool = True) -> Any:
    if value_type in _SCALARS:
        return _unpack(f, _SCALARS[value_type])
    if value_type == _STRING:
        return _read_string(f)
    if value_type == _ARRAY:
        item_type = _unpack(f, "<I")
        count = _unpack(f, "<Q")
        if item_type in _SCALARS and not keep:
            f.seek(count * struct.calcsize(_SCALARS[item_type]), 1)
            return None
        items = [_read_value(f, item_type) for _ in range(count)]
        return items if keep else None
    raise GGUFError(f"unknown GGUF value type {value_type}")
