import os

# One OpenBLAS thread, here and in the processes the tests start (the CLI, notebook kernels): the tests
# fit thousands of logistic regressions on a few hundred rows, where OpenBLAS's second thread only spins;
# on this two-core machine, busy with other jobs, sklearn's checks of MultiLabelThresholds took 92 s of
# CPU with two threads and 7 s with one.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import stance  # noqa: E402

threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")  # in case numpy was imported already


@pytest.fixture(scope="session")
def seed_articles():
    return stance.load_corpus()


@pytest.fixture(scope="session")
def seed_sentences(seed_articles):
    return stance.split_sentences(seed_articles)


@pytest.fixture(scope="session")
def us_articles():
    """The U.S. government corpus of the data home (read once per session)."""
    return stance.load_corpus("us-government-2022")


@pytest.fixture(scope="session")
def us_sentences(us_articles):
    """Its sentence split (some seconds), shared by the sampling and debris tests: do not modify."""
    return stance.split_sentences(us_articles)


@pytest.fixture(scope="session")
def bundled_gold():
    """``bundled_gold(name)``: a copy of ``stance.load_annotations(name)``, loaded once per session
    (a gold set of the data home splits its annotated articles on every load)."""
    loaded = {}

    def load(name=None):
        if name not in loaded:
            loaded[name] = stance.load_annotations(name)
        return loaded[name].copy()
    return load


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory):
    """The package built as a wheel from this checkout (as `pip install .` would install it)."""
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path_factory.mktemp("wheel")
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(repo)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = folder.glob("stance-*.whl")
    return wheel


@pytest.fixture(scope="session")
def lexicon_model(tmp_path_factory):
    """A small model without torch (lexicon counts, stance cues, VADER), trained on the seed gold; its file."""
    from stance.models.persistence import save_classifier
    from stance.training import train_classifier

    path = tmp_path_factory.mktemp("models") / "lexicon.skops"
    classifier, metadata = train_classifier(stance.load_annotations(), "lexicon", priors=False, evaluate=False)
    return save_classifier(classifier, path, metadata)
