"""The `saidwhen` command line: a thin layer over the library API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from pipeline.config import DEFAULT_MODEL, Settings

app = typer.Typer(
    help="Who said what, and when: extract dated, attributed statements from news articles.\n\n"
         "Typical use: saidwhen ingest article.txt && saidwhen extract && saidwhen audit",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

RawOption = typer.Option(Path("raw"), "--raw", help="Folder of stored articles.", show_default=True)
OutOption = typer.Option(Path("outputs"), "--out", help="Folder of the regenerated tables.", show_default=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Article files (.txt, .jsonl, .html) or folders of them."),
    raw: Path = RawOption,
    replace: bool = typer.Option(False, "--replace", help="Overwrite an article whose id exists with other content."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding to try when a file is not UTF-8."),
) -> None:
    """Store articles in RAW with their metadata and excluded (boilerplate) regions.

    Example: saidwhen ingest ../shared/seeds/*.txt --raw raw
    """
    from pipeline.ingest import ingest_paths

    report = ingest_paths(paths, raw, replace=replace, encoding=encoding)
    for where, reason in report.failures:
        typer.echo(f"error: {where}: {reason}", err=True)
    typer.echo(f"ingest: {len(report.stored)} stored, {len(report.replaced)} replaced, "
               f"{len(report.unchanged)} unchanged, {len(report.failures)} failed")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def extract(
    raw: Path = RawOption,
    out: Path = OutOption,
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="spaCy pipeline: package name or folder."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Articles per nlp.pipe batch."),
    processes: int = typer.Option(1, "--processes", min=1, help="Processes for nlp.pipe."),
) -> None:
    """Regenerate statements.csv, timexes.csv, actors.csv and run.json in OUT from RAW.

    Example: saidwhen extract --raw raw --out outputs
    """
    from pipeline.extract import extract_corpus, write_outputs
    from pipeline.nlp import ModelNotFound

    if not raw.is_dir():
        _fail(f"{raw}: no such folder of articles; ingest some with 'saidwhen ingest FILE --raw {raw}'")
    settings = Settings(model=model, raw_dir=raw, out_dir=out, batch_size=batch_size, n_process=processes)
    try:
        result = extract_corpus(settings)
    except ModelNotFound as exc:
        _fail(str(exc))
    write_outputs(result, settings)
    for where, reason in result.failures:
        typer.echo(f"error: {where}: {reason}", err=True)
    typer.echo(f"extract: {result.articles} articles, {len(result.failures)} failed, "
               f"{len(result.statements)} statements, {len(result.timexes)} timexes, "
               f"{len(result.actors)} actors in {result.seconds['total']:.1f}s -> {out}")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def audit(
    raw: Path = RawOption,
    out: Path = OutOption,
    html: Optional[Path] = typer.Option(None, "--html", help="Also write an HTML report with every statement highlighted."),
) -> None:
    """Check every row of OUT's tables against the stored text in RAW.

    Exits non-zero, listing each bad row, when a span does not slice back to its
    text, an article is missing or changed, or a row comes from boilerplate.

    Example: saidwhen audit --html outputs/audit.html
    """
    from pipeline.audit import audit as run_audit, html_report
    from pipeline.table import atomic_write_text

    report = run_audit(raw, out)
    for problem in report.problems:
        typer.echo(f"bad row: {problem}", err=True)
    typer.echo(report.summary())
    if html is not None and (out / "statements.csv").exists():
        atomic_write_text(html, html_report(raw, out))
        typer.echo(f"audit: HTML report written to {html}")
    if not report.ok:
        raise typer.Exit(1)


SHARED_DATA = Path("../shared/data")
evaluate_app = typer.Typer(
    help="Score the extractor against annotated gold (attributions by default; 'timeml' for dates).",
    invoke_without_command=True,
)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.callback()
def evaluate(
    ctx: typer.Context,
    gold: Path = typer.Option(SHARED_DATA / "polnear" / "dev.jsonl", "--gold",
                              help="PolNeAR-style .jsonl, a BRAT .ann file, or a folder of .ann files."),
    subset: str = typer.Option("both", "--subset", help="all, speech (speech/communication cues only) or both."),
    explain: int = typer.Option(0, "--explain", min=0, help="Examples to print per error bucket."),
    pred_out: Optional[Path] = typer.Option(None, "--pred-out", help="Also write the predictions in the reference scorer's --pred format."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="spaCy pipeline: package name or folder."),
    processes: int = typer.Option(1, "--processes", min=1, help="Processes for nlp.pipe."),
) -> None:
    """Score extracted statements against gold attributions: P/R/F1 as the reference
    scorer prints them, then error buckets (missed cues, wrong speaker, content length,
    false positives by rule).

    Example: saidwhen evaluate --gold ../shared/data/polnear/dev.jsonl --explain 2
    """
    if ctx.invoked_subcommand is not None:
        return
    from pipeline import evaluate as ev
    from pipeline.nlp import ModelNotFound, load_model

    subsets = {"all": ["all"], "speech": ["speech"], "both": ["all", "speech"]}.get(subset)
    if subsets is None:
        _fail(f"--subset must be all, speech or both, not {subset!r}")
    if not gold.exists():
        _fail(f"{gold}: no such gold file or folder")
    try:
        gold_records = ev.load_gold(gold)
        nlp = load_model(model)
    except (ev.GoldError, ModelNotFound) as exc:
        _fail(str(exc))
    preds = ev.predict(gold_records, nlp, n_process=processes)
    for pred in preds:
        if pred["error"]:
            typer.echo(f"error: {pred['id']}: {pred['error']}", err=True)
    if pred_out is not None:
        ev.write_predictions(preds, pred_out)
        typer.echo(f"evaluate: predictions written to {pred_out}")
    for name in subsets:
        scores = ev.score(gold_records, preds, subset=name)
        for warning in scores.warnings:
            typer.echo(warning, err=True)
        typer.echo(ev.format_report(scores) + "\n")
        typer.echo(ev.error_buckets(gold_records, preds, explain=explain, subset=name) + "\n")


@evaluate_app.command("timeml")
def evaluate_timeml(
    gold: Path = typer.Option(SHARED_DATA / "timeml" / "train.jsonl", "--gold", help="TimeML JSON lines (id, dct, text, timexes)."),
    pred_out: Optional[Path] = typer.Option(None, "--pred-out", help="Also write the predicted timexes."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="spaCy pipeline: package name or folder."),
    explain: int = typer.Option(0, "--explain", min=0, help="Errors to list (value errors, misses, false positives)."),
) -> None:
    """Score the dates stage (TIMEX3 spans, types, values) TempEval-3 style.

    Example: saidwhen evaluate timeml --gold ../shared/data/timeml/train.jsonl --explain 20
    """
    from pipeline import evaluate_timeml as et
    from pipeline.nlp import ModelNotFound, load_model

    if not gold.is_file():
        _fail(f"{gold}: no such gold file")
    try:
        nlp = load_model(model)
    except ModelNotFound as exc:
        _fail(str(exc))
    preds = et.predict_timeml(gold, nlp)
    if pred_out is not None:
        et.write_jsonl(preds, pred_out)
    scores = et.score_timeml(et.load_gold(gold), preds)
    for error in scores["errors"][:explain]:
        typer.echo("  ".join(f"{k}={v!r}" if k.endswith("text") else f"{k}={v}" for k, v in error.items()))
    typer.echo(et.format_report(scores))


def main() -> None:  # pragma: no cover - console entry for python -m
    app(prog_name="saidwhen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
