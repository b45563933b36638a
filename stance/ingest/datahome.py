"""Where named third-party corpora are found: the data home, as ``sklearn.datasets.get_data_home`` does it.

Third-party corpora are never copied into the repository or the wheel; they are read where
they are. A named corpus is a folder ``<data home>/<name>/`` holding ``documents.jsonl``
(one JSON object per article) and a README on its provenance and licence.

The data home is, in order: the ``STANCE_DATA`` environment variable; else the folder
``shared/corpora`` beside the repository this package runs from, when it exists; else
``~/stance_data``. The seed corpus is not in the data home: it ships with the package.
"""

import os
from pathlib import Path

DATA_HOME_VARIABLE = "STANCE_DATA"
DOCUMENTS = "documents.jsonl"
# The repository root when the package runs from a checkout (stance/ is one level down).
_REPOSITORY = Path(__file__).resolve().parents[2]


def data_home_candidates():
    """Return the data homes in the order they are tried, each as ``(how it was chosen, Path)``."""
    candidates = []
    if os.environ.get(DATA_HOME_VARIABLE):
        candidates.append((f"${DATA_HOME_VARIABLE}", Path(os.environ[DATA_HOME_VARIABLE]).expanduser()))
    candidates.append(("beside the repository", _REPOSITORY.parent / "shared" / "corpora"))
    candidates.append(("home folder", Path("~/stance_data").expanduser()))
    return candidates


def get_data_home():
    """Return the data home: ``$STANCE_DATA`` if set, else ``../shared/corpora`` when it exists, else ``~/stance_data``.

    The folder is not created; a data home that does not exist holds no corpus.
    """
    candidates = data_home_candidates()
    if os.environ.get(DATA_HOME_VARIABLE):
        return candidates[0][1]
    beside = candidates[-2][1]
    return beside if beside.is_dir() else candidates[-1][1]


def named_corpora(data_home=None):
    """Return ``{name: documents file}`` for every corpus folder of the data home, sorted by name."""
    home = Path(data_home) if data_home is not None else get_data_home()
    if not home.is_dir():
        return {}
    return {p.name: p / DOCUMENTS for p in sorted(home.iterdir()) if (p / DOCUMENTS).is_file()}


def find_corpus(name, data_home=None):
    """Return the documents file of the named corpus, or None when the data home does not hold it."""
    return named_corpora(data_home).get(name)


def where_looked(data_home=None):
    """One line saying where a named corpus was looked for (for the error of a name not found)."""
    home = Path(data_home) if data_home is not None else get_data_home()
    return (f"looked in the data home {home} (set {DATA_HOME_VARIABLE}, or put the corpora in "
            f"../shared/corpora beside the repository or in ~/stance_data)")
