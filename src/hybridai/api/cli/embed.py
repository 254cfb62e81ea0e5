"""``hybridai embed``: texts from standard input (one a line) or files (one each, or one a
line with ``--lines``) → JSON lines on stdout, or a float32 ``.npy`` array with ``-o``.

Texts go in requests of ``--batch`` (64). Every vector must come from one model, so once the
first batch says which model made its vectors, the later ones are pinned to it (their
``model`` is that one): a fallback can't make one file's vectors a mix. A progress bar goes to
stderr for inputs longer than one batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ConfigOption, bad_input, open_client, stderr_console

if TYPE_CHECKING:
    import numpy as np

    from ...schema.embeddings import EmbeddingsResponse


def read_texts(files: list[Path], *, lines: bool) -> list[str]:
    """The texts: stdin's lines, or each file whole (``lines``: each of its lines); blank
    lines are skipped, a blank file is an error."""
    if not files:
        return [line for line in _decoded(sys.stdin.buffer.read(), "standard input")
                .splitlines() if line.strip()]
    texts: list[str] = []
    for path in files:
        if not path.is_file():
            raise bad_input(f"{path} is not a file")
        text = _decoded(path.read_bytes(), str(path))
        if lines:
            texts += [line for line in text.splitlines() if line.strip()]
        elif text.strip():
            texts.append(text)
        else:
            raise bad_input(f"{path} is empty")
    return texts


def _decoded(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_input(f"{where} is not valid UTF-8 (byte {data[exc.start]:#04x} at offset "
                        f"{exc.start})") from None


def batches(texts: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(texts), size):
        yield start, texts[start:start + size]


def embed(
    files: Annotated[list[Path] | None, typer.Argument(
        help="files to embed, each one text; none: standard input, one text a line",
        show_default=False)] = None,
    lines: Annotated[bool, typer.Option("--lines", help="each line of each file is a text")
                     ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=(
        "write the vectors as a float32 .npy array (rows in input order) instead of JSON "
        "lines"), show_default=False)] = None,
    mode: Annotated[str | None, typer.Option("--mode", "-m", help=(
        "prefer_on_device | only_on_device | prefer_in_cloud | only_in_cloud | auto"))] = None,
    model: Annotated[str | None, typer.Option("--model", help=(
        "an embedding model (all-MiniLM-L6-v2, or the configured cloud one): only it"))] = None,
    dimensions: Annotated[int | None, typer.Option("--dimensions", min=1)] = None,
    with_text: Annotated[bool, typer.Option("--text/--no-text", help=(
        "include each text in its JSON line"))] = True,
    batch: Annotated[int, typer.Option("--batch", min=1, max=2048, help="texts a request")
                     ] = 64,
    config: ConfigOption = None,
) -> None:
    """Embed texts on the device or in the cloud; JSON lines on stdout (or -o FILE.npy)."""
    texts = read_texts(files or [], lines=lines)
    if not texts:
        raise bad_input("nothing to embed: no non-blank text was given")
    if output is not None and output.suffix != ".npy":
        raise bad_input(f"--output {output}: expected a .npy file")
    console = stderr_console()
    rows: list[np.ndarray] = []
    first: EmbeddingsResponse | None = None
    last: EmbeddingsResponse | None = None
    with open_client(config) as client, _progress(console, len(texts) > batch) as progress:
        task = progress.add_task("embedding", total=len(texts)) if progress else None
        for start, chunk in batches(texts, batch):
            response = client.embeddings.create(
                input=chunk, mode=mode, model=model or (last.model if last else None),
                dimensions=dimensions)
            first, last = first or response, response
            if output is not None:
                rows.append(response.vectors())
            else:
                _print_lines(response, chunk, start, with_text)
            if progress is not None and task is not None:
                progress.advance(task, len(chunk))
    assert first is not None
    if output is not None:
        import numpy as np

        np.save(output, np.vstack(rows).astype(np.float32))
    info = first.hybrid  # the later batches were pinned to the model that answered it
    console.print(f"[dim]{len(texts)} texts · {first.model} · {info.route.value} "
                  f"({info.reason})" + (f" → {output}" if output else "") + "[/dim]")


def _print_lines(response: EmbeddingsResponse, chunk: list[str], start: int,
                 with_text: bool) -> None:
    route = response.hybrid.route.value
    for item in sorted(response.data, key=lambda e: e.index):
        line: dict[str, Any] = {"index": start + item.index}
        if with_text:
            line["text"] = chunk[item.index]
        line |= {"embedding": item.embedding, "model": response.model, "route": route}
        sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(console: Any, shown: bool) -> Any:
    """A rich progress bar on stderr, for inputs of more than one batch."""
    if not shown:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress("[progress.description]{task.description}", BarColumn(),
                    MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                    transient=True)
