"""The ``stance`` command line.

Every command prints a one-line error and exits with status 2 on bad input.
Each command imports what it needs when it runs, so that building the parser
(``stance --help``) imports no pandas, scikit-learn or torch.
"""

import argparse
from pathlib import Path
import sys

from . import __version__
from .errors import MissingExtraError, StanceInputError
from .labelling import CHUNK_ARTICLES

EXIT_BAD_INPUT = 2
EXIT_MISSING_EXTRA = 1


def _check_output(out, fmt=None):
    """Refuse, before any work, an output file that is a folder or whose suffix contradicts ``fmt``;
    return the table format the file is written in."""
    from .io import check_output_file, table_format

    return table_format(check_output_file(out), fmt)


def _cmd_corpus(args):
    from .ingest.corpus import available_corpora, load_corpus
    from .ingest.datahome import data_home_candidates, get_data_home
    from .io import write_table
    from .ingest.segment import split_sentences
    from .ingest.summary import boilerplate_reasons, corpus_summary
    from .report.tables import format_table

    if args.list:
        for name, path in available_corpora().items():
            print(f"{name}\t{path}")
        home = get_data_home()
        tried = "; ".join(f"{how}: {where}{'' if where.is_dir() else ' (absent)'}" for how, where in data_home_candidates())
        print(f"\ndata home: {home} (tried {tried})", file=sys.stderr)
        return 0
    if args.out:
        _check_output(args.out, args.format)
    articles = load_corpus(args.path)
    sentences = split_sentences(articles)
    print(format_table(corpus_summary(articles, sentences)))
    print(f"\n{boilerplate_reasons(sentences)}")
    if args.out:
        path = write_table(sentences, args.out, args.format)
        print(f"\nwrote {len(sentences)} sentences to {path}")
    return 0


def _cmd_sample(args):
    from .ingest.corpus import load_corpus
    from .io import write_table
    from .ingest.datahome import find_corpus
    from .annotate.sampling import PLAN_BATCH_COLUMNS, draw_batch, draw_plan, read_plan, stored_batch
    from .ingest.segment import split_sentences
    from .report.tables import format_table

    _check_output(args.out, "csv")  # an annotation batch is a CSV file
    if args.plan:
        plan = read_plan(args.plan)
        try:
            batch = draw_plan(plan, progress=lambda name, part: print(f"{name}: {len(part)} sentences", file=sys.stderr))
        except ValueError as err:
            raise StanceInputError(args.plan, str(err)) from None
        # Third-party text stays in the corpus: the stored batch has spans and a hash, not the sentence.
        path = write_table(batch[PLAN_BATCH_COLUMNS], args.out, "csv")
        counts = batch.groupby(["corpus", "sample", "stratum"], sort=False).size().reset_index(name="sentences")
        seed = plan["seed"]
    else:
        sentences = split_sentences(load_corpus(args.path))
        try:
            batch = draw_batch(sentences, args.random, args.targeted, args.seed)
        except ValueError as err:
            raise StanceInputError(args.path or "seeds", str(err)) from None
        if args.path and find_corpus(args.path):  # a corpus of the data home: spans and a hash, not its text
            batch = stored_batch(batch, sentences)
        path = write_table(batch, args.out, "csv")
        counts = batch.groupby(["sample", "stratum"], sort=False).size().reset_index(name="sentences")
        seed = args.seed
    print(format_table(counts))
    print(f"\nwrote {len(batch)} sentences (seed {seed}) to {path}")
    return 0


def _cmd_annotations_build(args):
    import pandas as pd

    from .annotate.annotations import agreement_report, build_gold, label_statistics, read_labels, read_table, without_text
    from .ingest.corpus import DEFAULT_CORPUS, load_corpus
    from .io import write_table, write_text
    from .ingest.segment import split_sentences

    # Several folders (batches of the same annotation effort) are read as one set; their sentences are disjoint.
    folders = [Path(f) for f in args.folder]
    passes = [pd.concat([read_labels(f / f"pass_{p}.csv") for f in folders], ignore_index=True) for p in ("a", "b")]
    adjudication_path = folders[0] / "adjudication.csv"
    adjudications = [read_labels(f / "adjudication.csv", extra=["reason"]) for f in folders if (f / "adjudication.csv").exists()]
    adjudication = pd.concat(adjudications, ignore_index=True) if adjudications else passes[0].iloc[0:0]
    batch_path = folders[0] / "batch.csv"
    batches = [read_table(f / "batch.csv", ["sentence_id"]) for f in folders if (f / "batch.csv").exists()]
    batch = pd.concat(batches, ignore_index=True) if batches else None
    if batch is not None and "sample" in batch:
        # A sentence of an earlier targeted sample that a later random sample draws again is labelled once,
        # in the earlier folder, and counts as random (the random sample's estimates need it).
        drawn_again = batch["sentence_id"].duplicated(keep=False) & batch["sample"].eq("random")
        batch = batch[~(batch["sentence_id"].isin(batch.loc[drawn_again, "sentence_id"]) & ~drawn_again)]
    for frame, what in ((passes[0], "pass A"), (passes[1], "pass B"), (batch, "batch")):
        if frame is not None and frame["sentence_id"].duplicated().any():
            raise StanceInputError(folders[-1], f"{what}: sentence {frame.loc[frame['sentence_id'].duplicated(), 'sentence_id'].iloc[0]} is in two folders")
    name = args.name or folders[0].name
    if batch is not None and "corpus" in batch:  # one batch over several corpora: a gold file per corpus
        if "{corpus}" not in args.gold:
            raise StanceInputError(batch_path, "the batch spans several corpora: --gold needs a {corpus} placeholder")
        groups = [(corpus, set(part["sentence_id"])) for corpus, part in batch.groupby("corpus", sort=False)]
    else:
        groups = [(args.corpus, None)]
    reports, stats, outputs, disagreements, total = [], [], [], 0, 0
    for corpus, ids in groups:
        def keep(frame, ids=ids):
            return frame if ids is None else frame[frame["sentence_id"].isin(ids)]

        articles = load_corpus(corpus)
        part_passes = [keep(p) for p in passes]
        annotated = {sid.rsplit("-s", 1)[0] for sid in part_passes[0]["sentence_id"]}
        sentences = split_sentences(articles[articles["article_id"].isin(annotated)])
        gold = build_gold(sentences, *part_passes, keep(adjudication), source=adjudication_path,
                          batch=None if batch is None else keep(batch))
        title = name if ids is None else f"{name}: {corpus}"
        reports.append(agreement_report(*part_passes, title))
        stats.append(label_statistics(gold, title))
        third_party = corpus not in (None, DEFAULT_CORPUS)  # text of the data home is never stored
        outputs.append(write_table(without_text(gold) if third_party else gold, args.gold.replace("{corpus}", str(corpus))))
        disagreements += int((gold["adjudication"] != "").sum())
        total += len(gold)
    if len(groups) > 1:
        reports.insert(0, agreement_report(*passes, f"{name}: all corpora"))
    outputs += [write_text("\n".join(reports), args.report), write_text("\n".join(stats), args.stats)]
    print(f"{total} sentences, {disagreements} adjudicated disagreements")
    for path in outputs:
        print(f"wrote {path}")
    return 0


def _cmd_label(args):
    from tqdm import tqdm

    from .ingest.corpus import load_corpus
    from .io import atomic_path, table_writer
    from .labelling import deciding, label_chunks
    from .models.persistence import load_classifier

    if args.stance_decision is not None and args.level == "article":
        raise StanceInputError("--stance-decision", "decides sentence labels only; article labels come from the mean "
                               "stance score and its bands (docs/annotation_guideline.md, Article level)")
    name = Path(args.path).stem if args.path else "seeds"
    default_format = args.format or ("parquet" if args.engine == "dask" else "csv")
    out = Path(args.out or f"{name}-{args.level}-labels.{default_format}")
    if args.engine == "dask":
        return _label_on_dask(args, out)
    for option in ("scheduler", "partitions", "partition_on", "workers"):
        if getattr(args, option) is not None:
            raise StanceInputError(f"--{option.replace('_', '-')}", "needs --engine dask")
    fmt = _check_output(out, args.format)
    classifier = deciding(load_classifier(args.model), args.stance_decision)
    articles = load_corpus(args.path)
    rows = 0
    with atomic_path(out) as tmp, table_writer(tmp, fmt) as write:
        bar = tqdm(total=len(articles), unit="article", desc="labelling", disable=len(articles) < args.chunk or None)
        for table in label_chunks(classifier, articles, args.level, args.chunk):
            write(table)
            rows += len(table)
            bar.update(min(args.chunk, len(articles) - bar.n))
        bar.close()
    print(f"wrote {rows} {args.level} rows to {out}")
    return 0


def _label_on_dask(args, out):
    from .distributed import label_dask, require_dask

    require_dask("--engine dask")
    partition_on = [c.strip() for c in args.partition_on.split(",") if c.strip()] if args.partition_on else None
    run = label_dask(args.path, out, model=args.model, level=args.level, fmt=args.format, partitions=args.partitions,
                     partition_on=partition_on, scheduler=args.scheduler, n_workers=args.workers, chunk=args.chunk,
                     stance_decision=args.stance_decision)
    peak = max(run.peak_memory_mib.values(), default=0)
    print(f"wrote {run.rows} {args.level} rows ({run.articles} articles, {run.partitions} partitions) to {out} "
          f"on {run.workers} Dask workers in {run.seconds:.1f} s; peak worker memory {peak:,.0f} MiB")
    return 0


def _cmd_train(args):
    import json

    import pandas as pd

    from .annotate.annotations import load_annotations
    from .evaluate.splitters import GroupFolds
    from .io import write_text
    from .models.catalogue import check_model, is_model_name
    from .models.persistence import MODEL_FILE, save_classifier
    from .report.tables import format_table
    from .training import train_classifier

    model, name = args.model, None
    if model is not None and not is_model_name(model) and Path(model).exists():
        # A saved model (any estimator, e.g. one built in Python): retrained from its parameters on these annotations.
        from sklearn.base import clone

        from .models.persistence import load_classifier, model_metadata

        saved = load_classifier(model)
        model, name = clone(saved), model_metadata(saved).get("model")
    elif model is not None:
        try:  # before the gold is read: an unknown model fails at once
            check_model(model)
        except ValueError as err:
            raise StanceInputError("--model", str(err)) from None
    gold = load_annotations(args.annotations, corpus=args.corpus)
    source = args.annotations or "the seed gold"
    added, sets, cv = None, [], None
    if args.with_gold:
        added, sets, left_out = _shipped_gold(args.with_gold, gold)
        cv = GroupFolds(ADDED_GOLD_FOLDS, random_state=0)
        if left_out:
            print(f"{left_out} shipped gold sentences of articles in {source} left out (an article is never on both "
                  "sides of a fold)", file=sys.stderr)
    try:
        classifier, metadata = train_classifier(gold, model=model, priors=not args.no_priors, n_boot=args.bootstrap,
                                                name=name, added_gold=added, cv=cv)
    except StanceInputError:
        raise
    except ValueError as err:  # gold the model cannot learn from, such as a task with a single class
        raise StanceInputError(source, f"cannot train on these annotations: {err}") from None
    if sets:
        metadata["added_gold_sets"] = sets
    out = Path(args.out)
    path = save_classifier(classifier, out / MODEL_FILE, metadata)
    metrics = metadata.get("cv_metrics", {})
    write_text(json.dumps(metadata, indent=2) + "\n", out / "metadata.json")
    if metrics:
        table = pd.DataFrame([{"metric": k, "value": v["value"], "ci95_low": v["low"], "ci95_high": v["high"]} for k, v in metrics.items()])
        design = "leave-one-article-out" if cv is None else (
            f"{cv.get_n_splits(groups=gold['article_id'])} folds of articles, the {len(added)} added gold sentences in "
            "every training fold")
        print(f"{design}, {len(gold)} gold sentences in {gold['article_id'].nunique()} articles:")
        print(format_table(table.round(3)))
    print(f"wrote {path}")
    return 0


def _cmd_experiment_run(args):
    from tqdm import tqdm

    from .experiments import config_kind, load_run, run_experiment
    from .experiments.report import overview

    folder = run_experiment(args.config, results=args.results,
                            progress=lambda items: tqdm(items, desc="models", unit="model"))
    if config_kind(args.config) == "quantification":
        print((folder / "summary.md").read_text(encoding="utf-8").rstrip())
    else:
        print(overview(load_run(folder)))  # from the run's data files, as saved
    print(f"\nrun folder: {folder}")
    return 0


def _cmd_experiment_compare(args):
    from .experiments import compare_runs
    from .report.tables import format_table

    table = compare_runs(args.run_a, args.run_b)
    print(f"a = {args.run_a}\nb = {args.run_b}")
    print(format_table(table.round(4)))
    return 0


def _cmd_experiment_readme(args):
    from .experiments import load_run
    from .experiments.report import readme_results

    print(f"wrote {readme_results(load_run(args.run_folder, tables=False), args.run_folder, args.readme)}")
    return 0


def _cmd_measure(args):
    from tqdm import tqdm

    from .io import write_table
    from .quantify.prevalence import measure, summary_lines
    from .report.tables import format_table

    if args.out:
        _check_output(args.out, args.format)
    table = measure(args.path, by=args.by, level=args.level, method=args.method, min_size=args.min_size,
                    model=args.model, predictions=args.predictions, design=args.design, gold=args.gold,
                    min_gold=args.min_gold, gold_sample=args.gold_sample, n_boot=args.bootstrap, random_state=args.seed,
                    labels=args.labels, engine=args.engine, scheduler=args.scheduler,
                    progress=lambda chunks: tqdm(chunks, desc="labelling", unit="chunk", disable=len(chunks) < 2 or None))
    shown, notes = summary_lines(table)
    print(format_table(shown))
    for note in notes:
        print(note, file=sys.stderr)
    if args.out:
        path = write_table(table, args.out, args.format)
        print(f"\nwrote {len(table)} rows to {path}")
    return 0


ADDED_GOLD_FOLDS = 5


def _shipped_gold(names, gold):
    """``--with-gold``: the shipped gold sets named (comma-separated, or ``all``) to train on beside ``gold``.

    A set of a data-home corpus needs that corpus (its text is joined from it). The shipped sentences of
    articles that ``gold`` annotates are left out: in the folds over ``gold``'s articles they would put an
    article on both sides. Returns the added rows, the set names and how many were left out; raises
    StanceInputError for an unknown name."""
    from .annotate.annotations import bundled_annotations, load_gold

    shipped = list(bundled_annotations())
    wanted = shipped if names.strip() == "all" else list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    unknown = [n for n in wanted if n not in shipped]
    if unknown or not wanted:
        raise StanceInputError("--with-gold", f"unknown gold set {', '.join(unknown) or repr(names)}; choose from all, "
                               f"{', '.join(shipped)}")
    added = load_gold(wanted)
    same_article = added["article_id"].isin(set(gold["article_id"]))
    return added[~same_article], wanted, int(same_article.sum())


def _positive_int(text):
    """A whole number of at least 1 (``--chunk``, ``--partitions``, ``--workers``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _decision(text):
    """``--stance-decision``: ``argmax``, ``balanced`` or a number in [0, 1]."""
    from .models.estimators import NAMED_DECISIONS, prior_power

    try:
        decision = text if text in NAMED_DECISIONS else float(text)
        prior_power(decision)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not argmax, balanced or a number in [0, 1]") from None
    return decision


def _add_corpus_and_output(parser, out_help):
    """The corpus argument and the --out/--format options that corpus-reading commands share."""
    parser.add_argument(
        "path", nargs="?", default=None,
        help="a folder of .txt files, a .txt, .csv, .jsonl or .parquet file, a folder of Parquet (or JSONL and "
        "CSV) files, or a bundled corpus name (default: the seed corpus)",
    )
    parser.add_argument("--out", metavar="FILE", help=out_help)
    parser.add_argument("--format", choices=["csv", "jsonl", "parquet"],
                        help="table format (default: from FILE's suffix, .parquet for Parquet, else csv)")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other error of the command line."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    """Return the argument parser of the ``stance`` command."""
    parser = _Parser(
        prog="stance",
        description="Topic, tone and stance labels for texts about supporting Ukraine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    corpus = commands.add_parser(
        "corpus", help="load and split a corpus, print a summary",
        description="Load a corpus, split it into sentences, flag boilerplate and print a summary per "
        "article. With --out, also write the sentence table.",
    )
    _add_corpus_and_output(corpus, "write the sentence table to FILE")
    corpus.add_argument("--list", action="store_true", help="list the corpora found (bundled and in the data home) and exit")
    corpus.set_defaults(run=_cmd_corpus)

    sample = commands.add_parser(
        "sample", help="draw a batch of sentences to annotate (random + targeted)",
        description="Split a corpus into sentences and draw, from the non-boilerplate sentences of 4 words "
        "to 600 characters, a simple random sample of N and a disjoint targeted sample of M enriched for "
        "rare classes (reconstruction and NATO terms, opposition cues, VADER compound <= -0.3). Writes "
        "FILE as CSV: sentence_id, article_id, role, text, sample, stratum, seed. With --plan, draw over "
        "the corpora of the data home as a TOML plan says (per corpus: random, targeted, voices, weights) "
        "and write spans and a SHA-256 of each sentence instead of its text.",
    )
    sample.add_argument("--plan", metavar="PLAN", help="a TOML sampling plan over named corpora (see annotations/critical-voices/plan.toml)")
    sample.add_argument(
        "path", nargs="?", default=None,
        help="a folder of .txt files, a .txt, .csv or .jsonl file, or a bundled corpus name (default: the seed corpus)",
    )
    sample.add_argument("--random", type=int, default=260, metavar="N", help="size of the random sample (default: %(default)s)")
    sample.add_argument("--targeted", type=int, default=260, metavar="M", help="size of the targeted sample (default: %(default)s)")
    sample.add_argument("--seed", type=int, default=2026, metavar="S", help="random seed (default: %(default)s)")
    sample.add_argument("--out", required=True, metavar="FILE", help="the batch CSV to write")
    sample.set_defaults(run=_cmd_sample)

    label = commands.add_parser(
        "label", help="label a corpus with the shipped model (or --model DIR)",
        description="Split a corpus into sentences and label each with topics, tone and stance; "
        "with --level article, aggregate to one row per article. Works in chunks of articles; "
        "the output is written to a temporary file and renamed when complete.",
    )
    _add_corpus_and_output(label, "output file (default: <name>-<level>-labels.<format>, csv locally, parquet on Dask)")
    label.add_argument("--level", choices=["sentence", "article"], default="sentence", help="one row per sentence (default) or per article")
    label.add_argument("--model", metavar="DIR", help="a model folder or file from `stance train` (default: the shipped model)")
    label.add_argument("--chunk", type=_positive_int, default=CHUNK_ARTICLES, help="articles per chunk (default: %(default)s)")
    label.add_argument("--stance-decision", type=_decision, metavar="RULE",
                       help="how stance is decided from its probabilities: argmax (the most probable class), balanced "
                       "(probability over class share: finds more critical sentences, with more false alarms) or a "
                       "power in [0, 1] in between (default: the model's own). Sentence level only: article "
                       "labels come from the mean stance score")
    dask = label.add_argument_group(
        "Dask", "--engine dask labels the corpus's partitions on a Dask cluster (pip install 'stance[dask]'); "
        "the output is a Parquet dataset (default) or one CSV or JSONL file, with the labels of the local engine")
    dask.add_argument("--engine", choices=["local", "dask"], default="local",
                      help="local: this process (default); dask: a Dask cluster")
    dask.add_argument("--scheduler", metavar="ADDRESS",
                      help="a running Dask scheduler (tcp://host:8786); default: a local cluster, one worker per CPU")
    dask.add_argument("--partitions", type=_positive_int, metavar="N",
                      help="about N partitions (default: blocks of 4 MiB, at least two per worker)")
    dask.add_argument("--partition-on", metavar="COLUMNS",
                      help="Parquet dataset partitioned on these article columns, e.g. source,year (year: from date)")
    dask.add_argument("--workers", type=_positive_int, metavar="N", help="worker processes of the local cluster (default: the CPUs)")
    label.set_defaults(run=_cmd_label)

    measure = commands.add_parser(
        "measure", help="prevalence of topics, tone and stance per group, corrected for classifier error",
        description="Label a corpus and estimate, per group (columns of the corpus and periods of its dates), the "
        "share of every topic, tone and stance class, corrected for the classifier's error rates measured on gold "
        "it was not trained on, with a 95% bootstrap interval over both the group and the gold; the raw "
        "classify-and-count share stands beside it. One row per group, task and class.",
    )
    _add_corpus_and_output(measure, "write the full table to FILE (csv, jsonl or parquet)")
    measure.add_argument("--by", default="source", help="columns to group by, comma-separated: any column of the "
                         "corpus (source, speaker, party, genre, speaker_country, ...) and year, quarter, month of "
                         "its dates (default: %(default)s)")
    measure.add_argument("--level", choices=["sentence", "article"], default="sentence",
                         help="shares of sentences (default), or every article weighing once")
    measure.add_argument("--method", default=None, help="cc, pcc, acc, pacc, sld or emq (default: the one the validation chose)")
    measure.add_argument("--min-size", type=int, default=30, help="groups with fewer sentences (articles at article "
                         "level) get no estimate (default: %(default)s)")
    measure.add_argument("--model", metavar="DIR", help="a model folder with its gold predictions (default: the shipped model)")
    measure.add_argument("--predictions", metavar="FILE", help="reuse the corpus's sentence predictions from FILE, "
                         "or write them there (no text) so that the next run skips labelling")
    measure.add_argument("--design", default="auto", choices=["auto", "k-fold", "leave-one-corpus-out"],
                         help="the out-of-fold design of the error rates (default: the one matching the corpus)")
    measure.add_argument("--gold", default="auto", choices=["auto", "own", "pooled"],
                         help="error rates from the corpus's own gold, from all gold sets, or own when it suffices (default)")
    measure.add_argument("--min-gold", type=int, default=10, help="gold sentences needed per class (default: %(default)s)")
    measure.add_argument("--gold-sample", default="random", choices=["random", "all"],
                         help="error rates from the gold sentences drawn at random, which represent their corpus "
                         "(default), or also from the targeted ones, selected by cues (more rare-class gold, not typical)")
    measure.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates (default: %(default)s)")
    measure.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default: %(default)s)")
    labelled = measure.add_argument_group(
        "labels of stance label", "measure sentence labels written by `stance label` (e.g. on a Dask cluster) "
        "instead of labelling the corpus again; the corpus gives the groups and dates")
    labelled.add_argument("--labels", metavar="PATH", help="the corpus's sentence labels (CSV, JSONL, Parquet file or "
                          "dataset folder) made with the same model; without a corpus argument, --by names columns "
                          "of the labels themselves (e.g. those of stance label --partition-on source,year)")
    labelled.add_argument("--engine", choices=["local", "dask"], default="local",
                          help="dask: reduce the labels to one row per article on a Dask cluster, correct here "
                          "(pip install 'stance[dask]'; default: local)")
    labelled.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler (default: a local cluster)")
    measure.set_defaults(run=_cmd_measure)

    train = commands.add_parser(
        "train", help="train classifiers on annotations and print cross-validated metrics",
        description="Train topic, tone and stance models on an annotation file in the gold format "
        "(article_id, sentence_id, start, end, text, topics, tone, stance), report leave-one-article-out "
        "metrics with bootstrap 95% CIs, and save the model to DIR/model.skops.",
    )
    train.add_argument("--annotations", default=None, metavar="FILE", help="gold-format CSV (default: the seed gold)")
    train.add_argument("--corpus", default=None, help="check the annotations against this corpus's sentence split")
    train.add_argument("--out", required=True, metavar="DIR", help="folder for model.skops and metadata.json")
    # No `choices`: the catalogue lives with the models, and importing it here would make --help slow.
    train.add_argument("--model", default=None, metavar="MODEL",
                       help="a model of the catalogue (stance.models.CATALOGUE; an unknown name lists them), "
                       "families:<family>,... for a linear model on those feature families, or a saved model "
                       "(file or folder; its estimator is retrained from its parameters) (default: the shipped "
                       "default's)")
    train.add_argument("--with-gold", metavar="SETS", default=None,
                       help="also train on shipped gold sets (comma-separated names, or all; a set of a data-home "
                       "corpus needs that corpus): your annotations adapt the shipped model to your corpus. The "
                       f"metrics are then those of your annotations in {ADDED_GOLD_FOLDS} folds of articles, the "
                       "shipped gold in every training fold (less the sentences of your articles)")
    train.add_argument("--no-priors", action="store_true", help="train without the shipped synthetic prior sentences")
    train.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the CIs (default: %(default)s)")
    train.set_defaults(run=_cmd_train)

    experiment = commands.add_parser("experiment", help="run experiments and compare runs")
    experiment_commands = experiment.add_subparsers(dest="experiment_command", metavar="ACTION", required=True)
    run = experiment_commands.add_parser(
        "run", help="run an experiment config and print where its run folder is",
        description="Run the experiment of CONFIG (TOML): a comparison of its models by grouped cross-validation "
        "(leave-one-article-out, or whole-article folds) or a cross-source train-test split, with "
        "bootstrap CIs, per-label and article-level scores, learning curve, ablation, error table and figures, "
        "written to a new folder <results>/<UTC timestamp>-<name>/ and listed in <results>/index.csv.",
    )
    run.add_argument("config", nargs="?", default="experiments/default.toml", help="config file (default: %(default)s)")
    run.add_argument("--results", metavar="DIR", help="registry folder (default: 'results' beside the config)")
    run.set_defaults(run=_cmd_experiment_run)
    compare = experiment_commands.add_parser("compare", help="print the metric differences between two runs")
    compare.add_argument("run_a", help="run folder A")
    compare.add_argument("run_b", help="run folder B")
    compare.set_defaults(run=_cmd_experiment_compare)
    readme = experiment_commands.add_parser("readme", help="put a run's main table and figures into the README")
    readme.add_argument("run_folder", metavar="RUN", help="run folder")
    readme.add_argument("--readme", default="README.md", help="file with the results markers (default: %(default)s)")
    readme.set_defaults(run=_cmd_experiment_readme)

    annotations = commands.add_parser("annotations", help="build gold annotations, agreement and statistics")
    annotation_commands = annotations.add_subparsers(dest="annotations_command", metavar="ACTION", required=True)
    build = annotation_commands.add_parser(
        "build", help="agreement report, adjudicated gold and label statistics from an annotation folder",
        description="Read FOLDER/pass_a.csv, FOLDER/pass_b.csv and FOLDER/adjudication.csv (two independent "
        "passes and the adjudication of their disagreements), check them against the corpus's current "
        "sentence split, and write the agreement report, the gold table and the label statistics. "
        "When FOLDER/batch.csv records each sentence's sample (random or targeted), the gold keeps it.",
    )
    build.add_argument("folder", nargs="+", help="annotation folder(s); several folders (batches of one set) are read as one")
    build.add_argument("--corpus", default=None, help="the annotated corpus (path or bundled name; default: the seeds)")
    build.add_argument("--gold", required=True, metavar="FILE", help="gold table to write (CSV); for a batch over "
                       "several corpora (a `corpus` column) a path with {corpus}, one file per corpus. Gold of a corpus "
                       "from the data home stores a SHA-256 of each sentence, not its text")
    build.add_argument("--report", required=True, metavar="FILE", help="agreement report to write (Markdown)")
    build.add_argument("--stats", required=True, metavar="FILE", help="label statistics to write (Markdown)")
    build.add_argument("--name", help="name used in the reports (default: the folder's name)")
    build.set_defaults(run=_cmd_annotations_build)
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StanceInputError as err:
        print(f"stance: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MissingExtraError as err:
        print(f"stance: error: {err}", file=sys.stderr)
        return EXIT_MISSING_EXTRA


if __name__ == "__main__":
    sys.exit(main())
