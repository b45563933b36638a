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
    from .summary import corpus_summary, format_table

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
