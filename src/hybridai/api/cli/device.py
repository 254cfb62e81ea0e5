"""``hybridai device`` and ``hybridai models``: this machine, its model, the cloud targets."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .common import ConfigOption, JsonOption, open_client, stderr_console


def device(
    as_json: JsonOption = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="benchmark again")] = False,
    download: Annotated[bool, typer.Option(
        "--download", help="install the bundled model if it is missing")] = False,
    config: ConfigOption = None,
) -> None:
    """Probe this machine, benchmark the local model, and report its availability."""
    with open_client(config) as client:
        if download and not client.pipeline.device.location.present:
            with stderr_console().status("installing the bundled model with pip…"):
                client.pipeline.device.download()
        if as_json:
            report = client.device_report(refresh=refresh)
            print(json.dumps(report.to_dict(), indent=2, default=str))
            return
        with stderr_console().status("probing the device and benchmarking the model…"):
            report = client.device_report(refresh=refresh)
    _print_device(report)


def _print_device(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    probe, bench, availability = report.probe, report.benchmark, report.availability
    table = Table(title="hybridai device", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    colour = "green" if availability.available else "yellow"
    table.add_row("availability", f"[{colour}]{availability.status}[/{colour}] "
                                  f"({availability.reason}): {availability.detail}")
    table.add_row("cpu", f"{probe.cpu_model} · {probe.cores_physical} cores / "
                         f"{probe.cores_logical} threads · {probe.machine}")
    table.add_row("cpu features", " ".join(probe.cpu_features) or "-")
    table.add_row("memory", f"{probe.ram_available_mb} MB available of {probe.ram_total_mb} MB")
    table.add_row("gpu", ", ".join(probe.gpus) or "none")
    table.add_row("disk free", f"{probe.disk_free_mb} MB")
    model = probe.model
    table.add_row("model", f"{model.name} · {model.path or 'not installed'}")
    if model.present:
        table.add_row("model facts", f"{model.size_mb} MB · {model.architecture} · context "
                                     f"{model.context_length} · chat template "
                                     f"{'yes' if model.has_chat_template else 'no'}")
    table.add_row("engine", f"llama-cpp-python {probe.engine_version or 'not installed'}")
    if (capabilities := report.capabilities) is not None:
        facts = capabilities.to_dict()
        table.add_row("can", ", ".join(facts["can"]) or "-")
        table.add_row("cannot", f"{', '.join(facts['cannot'])} (requests that need these go "
                                "to the cloud)")
    if bench is not None and not bench.error:
        table.add_row("benchmark", f"prefill {bench.prefill_tokens_per_s:.0f} tokens/s · "
                                   f"decode {bench.decode_tokens_per_s:.0f} tokens/s · "
                                   f"load {bench.load_s:.2f} s")
    elif bench is not None:
        table.add_row("benchmark", f"[red]failed[/red]: {bench.error}")
    Console().print(table)


def models(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """List the device model and the configured cloud targets."""
    with open_client(config) as client:
        rows = client.models()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("target", "model", "route", "where", "can")
    for row in rows:
        table.add_row(row["target"], row["id"], row["route"],
                      row.get("path") or row.get("base_url") or "-",
                      ", ".join(row["capabilities"]["can"]) if row.get("capabilities")
                      else "everything the vendor's model can")
    Console().print(table)
