"""The `saidwhen` command line: a thin layer over the library API."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import typer

from pipeline.config import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, ENGINES, Settings, available_cores

app = typer.Typer(
    help="Who said what, and when: extract dated, attributed statements from news articles.\n\n"
         "Typical use: saidwhen ingest article.txt && saidwhen extract && saidwhen audit",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WaitOption = typer.Option(0.0, "--wait", min=0, help="Seconds to wait when another saidwhen run holds the folders (default: fail at once).")
RawOption = typer.Option(Path("raw"), "--raw", help="Folder of stored articles.", show_default=True)
OutOption = typer.Option(Path("outputs"), "--out", help="Folder of the regenerated tables.", show_default=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


# A bar for fewer items than this would flash and vanish.
PROGRESS_MIN_ITEMS = 10


@contextmanager
def progress_bar(total: int, unit: str = "articles", console=None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr with items/s and the time left; yields a function advancing it by one.

    Only on a terminal and for more than a few items: piped or logged output
    stays free of control codes. The bar refreshes when it advances (no
    refresh thread, so forking worker processes under it is safe).
    """
    from rich.console import Console

    console = console or Console(stderr=True)
    if total <= PROGRESS_MIN_ITEMS or not console.is_terminal:
        yield lambda *_: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed or 0:.1f} {unit}/s")

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, auto_refresh=False, transient=True) as bar:
        task = bar.add_task(unit, total=total)
        shown = 0.0

        def advance(*_) -> None:
            nonlocal shown
            bar.advance(task)
            if time.monotonic() - shown > 0.1 or bar.tasks[0].finished:
                bar.refresh()
                shown = time.monotonic()

        yield advance


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Article files (.txt, .jsonl, .html) or folders of them."),
    raw: Path = RawOption,
    replace: bool = typer.Option(False, "--replace", help="Overwrite an article whose id exists with other content."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding to try when a file is not UTF-8."),
    wait: float = WaitOption,
) -> None:
    """Store articles in RAW with their metadata and excluded (boilerplate) regions.

    Example: saidwhen ingest ../shared/seeds/*.txt --raw raw
    """
    from pipeline.ingest import count_items, ingest_paths
    from pipeline.lock import FolderBusy, hold

    try:
        with hold(raw, "ingest", wait=wait), progress_bar(count_items(paths, raw)) as advance:
            report = ingest_paths(paths, raw, replace=replace, encoding=encoding, progress=advance)
    except FolderBusy as exc:
        _fail(str(exc))
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
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Articles per nlp.pipe batch and per task of a worker."),
    processes: int = typer.Option(available_cores(), "--processes", min=1,
                                  help="Worker processes (default: the cores available); with --engine dask, the workers of a new LocalCluster."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or dask (needs 'saidwhen\\[dask]')."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler (tcp://host:8786); without it, --engine dask starts a LocalCluster."),
    full: bool = typer.Option(False, "--full", help="Re-parse every article, ignoring the cache (which is refreshed)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where each article's extraction is kept between runs (default: OUT/.cache)."),
    wait: float = WaitOption,
) -> None:
    """Regenerate statements.csv, timexes.csv, actors.csv and run.json in OUT from RAW.

    Only articles that are new or changed since the last run, or whose rules,
    lexicons or model changed, are parsed; the others come from the cache.

    Example: saidwhen extract --raw raw --out outputs --processes 4

    Example: saidwhen extract --engine dask --scheduler tcp://10.0.0.5:8786
    """
    started = time.perf_counter()
    if not raw.is_dir():
        _fail(f"{raw}: no such folder of articles; ingest some with 'saidwhen ingest FILE --raw {raw}'")
    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask")
    settings = Settings(model=model, raw_dir=raw, out_dir=out, batch_size=batch_size, n_process=processes,
                        engine=engine, scheduler=scheduler, cache_dir=cache_dir, use_cache=not full)
    from pipeline.lock import FolderBusy, hold

    try:
        with hold(out, "extract", wait=wait), hold(raw, "extract", shared=True, wait=wait):
            _extract(settings, started)
    except FolderBusy as exc:
        _fail(str(exc))


def _extract(settings: Settings, started: float) -> None:
    raw, out = settings.raw_dir, settings.out_dir
    from pipeline.cache import unchanged_tables

    counts = unchanged_tables(settings)
    if counts is not None:  # nothing to parse and nothing to write: spaCy is not even imported
        typer.echo(f"extract: {counts['articles']} articles: 0 parsed, {counts['articles']} from cache, 0 failed; "
                   f"tables up to date ({counts['statements']} statements, {counts['timexes']} timexes, "
                   f"{counts['actors']} actors) in {time.perf_counter() - started:.1f}s -> {out}")
        return

    from pipeline.extract import EngineUnavailable, extract_corpus, write_outputs
    from pipeline.ingest import article_ids
    from pipeline.nlp import ModelNotFound

    try:
        with progress_bar(len(article_ids(raw))) as advance:
            result = extract_corpus(settings, progress=advance)
    except (ModelNotFound, EngineUnavailable) as exc:
        _fail(str(exc))
    write_outputs(result, settings)
    for where, reason in result.failures:
        typer.echo(f"error: {where}: {reason}", err=True)
    typer.echo(f"extract: {result.articles + len(result.failures)} articles: {result.parsed} parsed, "
               f"{result.cached} from cache, {len(result.failures)} failed; {len(result.statements)} statements, "
               f"{len(result.timexes)} timexes, {len(result.actors)} actors written "
               f"in {time.perf_counter() - started:.1f}s -> {out}")
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

    Also prints the precision estimated from the rows reviewed with 'saidwhen review'
    (OUT/reviews.csv), with a 95% confidence interval.

    Example: saidwhen audit --html outputs/audit.html
    """
    from pipeline.audit import audit as run_audit
    from pipeline.report import write_report

    report = run_audit(raw, out)
    for problem in report.problems:
        typer.echo(f"bad row: {problem}", err=True)
    typer.echo(report.summary())
    if report.precision is not None:
        typer.echo(report.precision.summary())
    if html is not None and (out / "statements.csv").exists():
        page = write_report(raw, out, html, audit_report=report)
        typer.echo(f"audit: HTML report of {page.articles} articles and {page.statements} statements "
                   f"written to {html} ({page.bytes / 1e6:.1f} MB)")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def timeline(
    image: Path = typer.Option(..., "--out", help="Image to write: FILE.png or FILE.svg."),
    table: Path = typer.Option(Path("outputs"), "--table", help="statements.csv, or the folder holding it."),
    lanes: Optional[int] = typer.Option(None, "--lanes", min=1, help="Most actors to draw (the busiest; default 30)."),
    since: Optional[str] = typer.Option(None, "--since", help="Leave out statements dated before this day (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Leave out statements dated after this day (YYYY-MM-DD)."),
) -> None:
    """Draw statements per actor over time, one lane per actor, from a statements table.

    A day is a dot (hollow when dated only by publication), a week, month or year a bar.
    Undated statements are left out, and the figure says how many.

    Example: saidwhen timeline --out outputs/timeline.png --since 2025-10-01
    """
    import datetime as dt

    from pipeline import timeline as tl
    from pipeline.diff import statements_path
    from pipeline.table import read_statements

    path = statements_path(table)
    if not path.is_file():
        _fail(f"{path}: no statements table; run 'saidwhen extract' first")
    if image.suffix.lower() not in (".png", ".svg"):
        _fail(f"{image}: the file name must end in .png or .svg")
    try:
        window = {k: dt.date.fromisoformat(v) if v else None for k, v in (("since", since), ("until", until))}
    except ValueError as exc:
        _fail(f"--since/--until: {exc}")
    drawn = tl.build_timeline(read_statements(path), **({"max_lanes": lanes} if lanes else {}), **window)
    tl.write_timeline(drawn, image)
    typer.echo(f"timeline: {drawn.note()} -> {image}")


@app.command()
def review(
    raw: Path = RawOption,
    out: Path = OutOption,
    from_sheet: Optional[Path] = typer.Option(None, "--from", help="Record the verdicts filled into this worksheet CSV."),
    sheet: Optional[Path] = typer.Option(None, "--sheet", help="Write a worksheet CSV of the rows to review, to fill in and pass to --from."),
    sample: Optional[int] = typer.Option(None, "--sample", min=1, help="Take at most N rows: a random sample (the queue has a fixed random order)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the queue's random order."),
    article: Optional[str] = typer.Option(None, "--article", help="Only the rows of this article."),
    reviewer: str = typer.Option("", "--reviewer", help="Name recorded with each verdict (default: your login name)."),
) -> None:
    """Judge statement rows: correct, wrong actor, wrong date, wrong content or not a statement.

    Verdicts go to OUT/reviews.csv, keyed by statement_id with a hash of the row as judged.
    They survive regeneration; one whose row has changed is stale and asked again.

    The queue holds the rows without a current verdict in a fixed random order, so the rows
    reviewed are a random sample and 'saidwhen audit' can estimate precision from them.

    Without --sheet or --from, shows one row at a time with its sentence, its parts marked,
    and saves each verdict at once.

    Example: saidwhen review --sample 50

    Example: saidwhen review --sheet review.csv --sample 100, fill in its verdict column,
    then: saidwhen review --from review.csv
    """
    import getpass

    from pipeline import review as rv

    if not (out / "statements.csv").is_file():
        _fail(f"{out / 'statements.csv'}: no statements table; run 'saidwhen extract' first")
    statements, reviews = rv.load_table(out)
    try:
        reviewer = reviewer or getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        pass
    reviews_path = out / "reviews.csv"
    if from_sheet is not None:
        if not from_sheet.is_file():
            _fail(f"{from_sheet}: no such worksheet")
        reviews, result = rv.import_sheet(from_sheet, statements, reviews, reviewer=reviewer)
        for error in result.errors:
            typer.echo(f"error: {error}", err=True)
        rv.save_reviews(reviews, reviews_path)
        typer.echo(f"review: {result.recorded} verdicts recorded ({result.stale} already stale: the row changed "
                   f"since the sheet was written), {result.blank} rows left blank, {len(result.errors)} refused")
    else:
        queue = rv.review_queue(statements, reviews, seed=seed, article=article, limit=sample)
        if sheet is not None:
            written = rv.write_sheet(queue, raw, sheet)
            typer.echo(f"review: {written} rows written to {sheet}; fill in 'verdict' "
                       f"({', '.join(rv.VERDICTS.values())}) and run: saidwhen review --from {sheet}")
            return
        colours = {"actor": "blue", "cue": "yellow", "content": "green", "date": "magenta"}

        def ask(prompt: str) -> str:
            try:
                return typer.prompt(prompt, default="", show_default=False)
            except typer.Abort:  # end of input or ^C: stop, keeping what was saved
                return "q"

        reviews, session = rv.review_rows(queue, reviews, raw, ask=ask, tell=typer.echo,
                                          save=lambda r: rv.save_reviews(r, reviews_path), reviewer=reviewer,
                                          style=lambda piece, part: typer.style(piece, fg=colours[part], bold=part == "cue"))
        typer.echo(f"review: {session.recorded} verdicts recorded, {session.skipped} skipped -> {reviews_path}")
    typer.echo(rv.estimate_precision(statements, reviews).summary())


@app.command()
def diff(
    old: Path = typer.Argument(..., help="The old statements.csv, or the outputs folder holding it."),
    new: Path = typer.Argument(..., help="The new statements.csv, or the outputs folder holding it."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when the tables differ."),
    ignore: List[str] = typer.Option([], "--ignore", help="A column to leave out of the comparison (repeatable)."),
) -> None:
    """List the rows added, removed and changed from OLD to NEW, grouped by article.

    Added rows are marked +, removed ones -, changed ones ~ followed by each changed column.

    A row whose spans moved (so whose statement_id changed) counts as changed when it keeps
    its cue, or its actor and part of its content.

    Example: git show HEAD:outputs/statements.csv > /tmp/old.csv && saidwhen diff /tmp/old.csv outputs --check
    """
    from pipeline.diff import diff_files, statements_path

    for path in (old, new):
        if not statements_path(path).is_file():
            _fail(f"{statements_path(path)}: no such statements table")
    result = diff_files(old, new, ignore=tuple(ignore))
    typer.echo(result.format())
    if check and result.has_changes:
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
