"""`hybridai router …`: train, score, evaluate, calibrate and export a learned router."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

router_app = typer.Typer(no_args_is_help=True, help="Train, score, evaluate and calibrate a "
                         "router that predicts when the cloud model is needed.")

DataArg = Annotated[Path, typer.Argument(help="labeled JSONL (see docs/router.md)",
                                         exists=True, dir_okay=False)]
RouterArg = Annotated[Path, typer.Argument(help="a router file made by `router train`",
                                           exists=True, dir_okay=False)]
LocalOpt = Annotated[str, typer.Option("--local", help="the on-device model's name in the data")]
CloudOpt = Annotated[str, typer.Option("--cloud", help="the cloud model's name in the data")]


ProbeOpt = Annotated[Path | None, typer.Option(
    "--probe", exists=True, dir_okay=False,
    help="a GGUF model that reads each prompt: its confidence becomes router features "
         "(slow: one prompt read per decision; docs/router.md)")]


@contextmanager
def _probe(model: Path | None) -> Iterator[Any]:
    """The probe model in its engine process, closed at the end; None without a model."""
    if model is None:
        yield None
        return
    from ..config import load_settings
    from ..router.reader import PromptReader

    settings = load_settings()  # for cache_dir (HYBRIDAI_CACHE_DIR, the config file)
    probe = PromptReader(model.absolute(), settings.cache_dir / "logs",
                         cache_dir=settings.cache_dir / "probe")
    try:
        yield probe
    finally:
        probe.close()


def _read_all(probe: Any, prompts: list[str]) -> tuple[list[str], Any]:
    """Every prompt's probe reading, with a progress bar (a prompt takes about a second)."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        bar = progress.add_task(f"probe {probe.model_path.name} reads the prompts",
                                total=len(prompts))
        result: tuple[list[str], Any] = probe.read(prompts, lambda: progress.advance(bar))
        return result


@contextmanager
def _loaded(router_file: Path, probe_model: Path | None) -> Iterator[Any]:
    """The router, with its probe model attached when it has one."""
    from ..errors import InvalidRequestError
    from ..router.model import Router

    router = Router.load(router_file)
    if router.probe is None:
        yield router
        return
    model = router.probe_model_path(probe_model)
    if model is None or not model.is_file():
        raise InvalidRequestError(f"{router_file} reads prompts with {router.probe.model!r}: "
                                  "give that GGUF with --probe", code="router_probe")
    with _probe(model) as probe:
        router.reader = probe
        yield router


@router_app.command()
def train(data: DataArg, local: LocalOpt, cloud: CloudOpt,
          output: Annotated[Path, typer.Option("-o", "--output", help="router file to write")],
          c: Annotated[float, typer.Option("--c", min=1e-6, help="inverse regularization")] = 1.0,
          difficulty_weight: Annotated[float, typer.Option(
              min=0.0, help="weight of the all-models difficulty signal")] = 0.5,
          probe_model: ProbeOpt = None,
          probe_scale: Annotated[float, typer.Option(
              min=0.0, help="weight of the probe's features beside the n-grams")] = 1.0,
          probe_interactions: Annotated[bool, typer.Option(
              help="let the probe's features differ by prompt shape")] = False,
          probe_text: Annotated[bool, typer.Option(
              help="keep the n-gram features beside the probe's")] = False) -> None:
    """Train a router on DATA for the LOCAL/CLOUD pair and write it to OUTPUT."""
    from .data import read_rows
    from .train import ProbeReadings
    from .train import train as fit

    rows = read_rows(data)
    with _probe(probe_model) as probe:
        readings = None
        if probe is not None:
            shapes, features = _read_all(probe, [row.prompt for row in rows])
            readings = ProbeReadings(probe.model_path.name, shapes, features, scale=probe_scale,
                                     interactions=probe_interactions, text=probe_text)
        router = fit(rows, local, cloud, c=c, difficulty_weight=difficulty_weight,
                     probe=readings)
    if probe_model is not None:
        router.meta["probe_path"] = str(probe_model.absolute())
    router.save(output)
    typer.echo(f"trained on {len(rows)} rows ({router.meta['cloud_wins']} where the cloud "
               f"wins); threshold {router.threshold:.4f}; wrote {output}", err=True)


@router_app.command()
def score(router_file: RouterArg, data: DataArg, probe_model: ProbeOpt = None) -> None:
    """Print {"cloud_score": x} per row of DATA, in order; higher means the cloud is needed."""
    from .data import read_rows

    with _loaded(router_file, probe_model) as router:
        for row in read_rows(data):
            typer.echo(json.dumps({"cloud_score": round(router.score(row.prompt), 6)}))


@router_app.command()
def eval(  # noqa: A001 - the command's name is the interface
    data: DataArg, local: LocalOpt, cloud: CloudOpt,
    router_file: Annotated[Path | None, typer.Option("--router", exists=True)] = None,
    cv: Annotated[int | None, typer.Option("--cv", min=2, help="K-fold cross-validation")]
    = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="draw the curve to FILE.png")]
    = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    probe_model: ProbeOpt = None,
) -> None:
    """APGR, AUC, CPT(50%), CPT(80%) beside random and oracle routing."""
    from ..errors import InvalidRequestError
    from .evaluate import cross_validated_scores, report

    if (router_file is None) == (cv is None):
        raise InvalidRequestError("give exactly one of --router FILE or --cv K")
    from .data import read_rows, require_models
    from .train import ProbeReadings

    rows = read_rows(data)
    require_models(rows, [local, cloud])
    if router_file is not None:
        with _loaded(router_file, probe_model) as router:
            scores = router.scores([row.prompt for row in rows])
    else:
        assert cv is not None
        readings = None
        with _probe(probe_model) as probe:
            if probe is not None:
                shapes, features = _read_all(probe, [row.prompt for row in rows])
                readings = ProbeReadings(probe.model_path.name, shapes, features)
        scores = cross_validated_scores(rows, local, cloud, folds=cv, probe=readings)
    result = report(rows, scores, local, cloud, plot=plot)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    _print_report(result)


def _print_report(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("router", "APGR", "AUC", "CPT(50%)", "CPT(80%)",
                  title=f"{result['rows']} rows: {result['local']} → {result['cloud']}")
    for name in ("router", "random", "oracle"):
        row = result[name]
        table.add_row(name, f"{row['apgr']:.3f}", f"{row['auc']:.3f}", f"{row['cpt_50']:.1%}",
                      f"{row['cpt_80']:.1%}")
    Console().print(table)


@router_app.command()
def calibrate(
    router_file: RouterArg, data: DataArg,
    cloud_share: Annotated[float | None, typer.Option(
        "--cloud-share", min=0.0, max=1.0, help="target share of prompts sent to the cloud")]
    = None,
    quality: Annotated[float | None, typer.Option(
        "--quality", min=0.0, max=1.0, help="target fraction of the cloud model's quality")]
    = None,
    write: Annotated[bool, typer.Option("--write", help="store the threshold in the file")]
    = False,
    probe_model: ProbeOpt = None,
) -> None:
    """The threshold that meets a target share of cloud calls or of cloud quality."""
    from ..errors import InvalidRequestError
    from .data import read_rows
    from .evaluate import threshold_for_quality
    from .train import threshold_for_share

    if (cloud_share is None) == (quality is None):
        raise InvalidRequestError("give exactly one of --cloud-share X or --quality Y")
    rows = read_rows(data)
    with _loaded(router_file, probe_model) as router:
        scores = router.scores([row.prompt for row in rows])
    if cloud_share is not None:
        threshold = threshold_for_share(scores, cloud_share)
        achieved: dict[str, float] = {}
    else:
        assert quality is not None
        threshold, achieved = threshold_for_quality(rows, scores, router.local, router.cloud,
                                                    quality)
    share = float((scores >= threshold).mean())
    if write:
        router.threshold = threshold
        router.save(router_file)
    typer.echo(json.dumps({"threshold": round(threshold, 6), "cloud_share": round(share, 4),
                           **achieved}))


@router_app.command()
def export(
    router_file: Annotated[Path | None, typer.Argument(
        help="a router file; unset = the one mode auto uses ([router] path, else the "
             "shipped default)", exists=True, dir_okay=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="JSON file to write; "
                                                "unset = standard output")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")]
    = None,
) -> None:
    """The router as JSON data, for scorers in other languages (the browser SDK).

    The data: its weights, threshold and the featurizer's recipe (hybridai.router.export).
    A router that reads prompts with a probe model cannot be exported.
    """
    from ..config import load_settings
    from ..router.export import configured_router, router_json

    settings = load_settings(config)
    if router_file is not None:
        settings = settings.model_copy(update={"router": settings.router.model_copy(
            update={"path": router_file})})
    router, threshold = configured_router(settings)
    text = json.dumps(router_json(router, threshold=threshold))
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n")
        typer.echo(f"wrote the router ({len(router.weights.nonzero()[0])} weights, threshold "
                   f"{threshold:.4f}) to {output}", err=True)


def label(
    prompts: Annotated[Path, typer.Argument(help="prompts JSONL (see docs/router.md)",
                                            exists=True, dir_okay=False)],
    local: Annotated[str, typer.Option("--local", help="device | a cloud target | URL#MODEL")],
    cloud: Annotated[str, typer.Option(
        "--cloud", help="a cloud target | URL#MODEL | reference (the reference answer stands "
        "in for a strong model)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="labeled JSONL; appended to, "
                                         "so a second run resumes")],
    judge: Annotated[str | None, typer.Option(
        "--judge", help="grades answers to rows without a reference (a target, as above)")]
    = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1, help="per answer")] = 256,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="only the first N rows")]
    = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")]
    = None,
) -> None:
    """Run LOCAL and CLOUD on every prompt and score each answer, for `router train`.

    Answers are scored against the row's reference answer (exact, contains, numeric, choice)
    or, without one, by the --judge model. Rows are appended to OUTPUT as they finish; run
    the command again to resume after an interruption.
    """
    from ..config import load_settings
    from ..core.build import build_pipeline
    from ..errors import InvalidRequestError
    from .label import Labeler, errors_path, pending_rows
    from .prompts import read_prompts
    from .targets import resolve

    rows = read_prompts(prompts)[:limit]
    unreferenced = [row for row in rows if row.reference is None]
    if unreferenced and judge is None:
        raise InvalidRequestError(f"{prompts}: line {unreferenced[0].line} has no reference "
                                  "answer: give --judge TARGET to grade such rows")
    if unreferenced and cloud == "reference":
        raise InvalidRequestError(f"{prompts}: line {unreferenced[0].line} has no reference "
                                  "answer, which --cloud reference needs in every row")
    pipeline = build_pipeline(load_settings(config))
    try:
        labeler = Labeler(resolve(local, pipeline), resolve(cloud, pipeline, allow_reference=True),
                          resolve(judge, pipeline) if judge else None, max_tokens,
                          pipeline.prices)
        if labeler.local.model == labeler.cloud.model:
            raise InvalidRequestError(f"--local and --cloud are both named "
                                      f"{labeler.local.model!r}: their scores would collide")
        todo = pending_rows(rows, output)
        outcome = _label_with_progress(labeler, todo, len(rows), output)
    finally:
        pipeline.close()
    typer.echo(f"labeled {outcome.labeled} rows this run; {output} holds "
               f"{len(rows) - len(todo) + outcome.labeled} of {len(rows)}", err=True)
    if outcome.failed:
        first_row, first_error = outcome.failed[0]
        typer.echo(f"{len(outcome.failed)} rows failed (first: line {first_row.line}: "
                   f"{first_error}); see {errors_path(output)}; run again to retry them",
                   err=True)
    if outcome.stopped:
        typer.echo(f"stopped: {outcome.stopped}", err=True)
    if outcome.failed or outcome.stopped:
        raise typer.Exit(1)


def _label_with_progress(labeler: Any, todo: list[Any], total: int, output: Path) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .label import run

    wins = {labeler.local.model: 0.0, labeler.cloud.model: 0.0}
    counted = 0
    columns = (TextColumn("labeling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("", total=total, completed=total - len(todo))

        def advance(row: dict[str, Any] | None) -> None:
            nonlocal counted
            if row is not None:
                counted += 1
                for model in wins:
                    wins[model] += row["scores"][model]
            means = " · ".join(f"{model} {wins[model] / max(counted, 1):.0%}" for model in wins)
            progress.update(task, advance=1, description=means)

        try:
            return run(labeler, todo, output, advance)
        except KeyboardInterrupt:
            progress.stop()
            typer.echo(f"interrupted: the finished rows are in {output}; run the same command "
                       "again to resume", err=True)
            raise
