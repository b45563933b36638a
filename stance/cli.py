"""The ``stance`` command line.

Every command prints a one-line error and exits with status 2 on bad input.
"""

import argparse
import sys

from .errors import StanceInputError

EXIT_BAD_INPUT = 2


def _cmd_corpus(args):
    from .corpus import bundled_corpora, load_corpus
    from .io import write_table
    from .segment import split_sentences
    from .summary import corpus_summary
    from .tables import format_table

    if args.list:
        for name, path in bundled_corpora().items():
            print(f"{name}\t{path}")
        return 0
    articles = load_corpus(args.path)
    sentences = split_sentences(articles)
    print(format_table(corpus_summary(articles, sentences)))
    if args.out:
        path = write_table(sentences, args.out, args.format)
        print(f"\nwrote {len(sentences)} sentences to {path}")
    return 0


def _cmd_annotations_build(args):
    from pathlib import Path

    from .annotations import agreement_report, build_gold, label_statistics, read_labels
    from .corpus import load_corpus
    from .io import write_table, write_text
    from .segment import split_sentences

    folder = Path(args.folder)
    passes = [read_labels(folder / f"pass_{p}.csv") for p in ("a", "b")]
    adjudication_path = folder / "adjudication.csv"
    adjudication = read_labels(adjudication_path) if adjudication_path.exists() else passes[0].iloc[0:0]
    sentences = split_sentences(load_corpus(args.corpus))
    gold = build_gold(sentences, *passes, adjudication, source=adjudication_path)
    name = args.name or folder.name
    outputs = [
        write_text(agreement_report(*passes, name), args.report),
        write_table(gold, args.gold),
        write_text(label_statistics(gold, name), args.stats),
    ]
    disagreements = int((gold["adjudication"] != "").sum())
    print(f"{len(gold)} sentences, {disagreements} adjudicated disagreements")
    for path in outputs:
        print(f"wrote {path}")
    return 0


def build_parser():
    """Return the argument parser of the ``stance`` command."""
    parser = argparse.ArgumentParser(
        prog="stance",
        description="Topic, tone and stance labels for texts about supporting Ukraine.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    corpus = commands.add_parser(
        "corpus", help="load and split a corpus, print a summary",
        description="Load a corpus, split it into sentences, flag boilerplate and print a summary per "
        "article. With --out, also write the sentence table.",
    )
    corpus.add_argument(
        "path", nargs="?", default=None,
        help="a folder of .txt files, a .txt, .csv or .jsonl file, or a bundled corpus name "
        "(default: the seed corpus)",
    )
    corpus.add_argument("--out", metavar="FILE", help="write the sentence table to FILE")
    corpus.add_argument("--format", choices=["csv", "jsonl"], help="table format (default: from FILE's suffix, else csv)")
    corpus.add_argument("--list", action="store_true", help="list the bundled corpora and exit")
    corpus.set_defaults(run=_cmd_corpus)

    annotations = commands.add_parser("annotations", help="build gold annotations, agreement and statistics")
    annotation_commands = annotations.add_subparsers(dest="annotations_command", metavar="ACTION", required=True)
    build = annotation_commands.add_parser(
        "build", help="agreement report, adjudicated gold and label statistics from an annotation folder",
        description="Read FOLDER/pass_a.csv, FOLDER/pass_b.csv and FOLDER/adjudication.csv (two independent "
        "passes and the adjudication of their disagreements), check them against the corpus's current "
        "sentence split, and write the agreement report, the gold table and the label statistics.",
    )
    build.add_argument("folder", help="annotation folder")
    build.add_argument("--corpus", default=None, help="the annotated corpus (path or bundled name; default: the seeds)")
    build.add_argument("--gold", required=True, metavar="FILE", help="gold table to write (CSV)")
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


if __name__ == "__main__":
    sys.exit(main())
