"""Experiment configs: a TOML file in, a checked :class:`ExperimentConfig` out.

A config names the annotation sets to score (and to train on, for a cross-source run), the
models to compare, the priors, the bootstrap and the seed, the cross-validation design
(``[cv]``) and the analyses (``[learning_curve]``, ``[ablation]``). Every problem is one
line, a :class:`~stance.errors.StanceInputError` naming the file.

A config of ``kind = "quantification"`` is a validation of the quantification methods
(:mod:`stance.experiments.quantification`, its own schema); :func:`config_kind` tells them apart.
"""

import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Optional

from ..errors import StanceInputError
from ..labels import SCHEME

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("classification", "quantification")
# leave-one-article-out: every article (document) held out in turn; train-test: train on
# train_annotations, test on annotations (cross-source).
# grouped-k-fold: cv.folds folds of whole articles (for corpora of hundreds of documents).
# leave-one-corpus-out: every annotation set (corpus) held out in turn, trained on all the others.
SCHEMES = ("leave-one-article-out", "grouped-k-fold", "train-test", "leave-one-corpus-out")


@dataclass(frozen=True)
class CVConfig:
    """``[cv]``: the evaluation design, ``scheme`` (one of :data:`SCHEMES`) and, for
    ``grouped-k-fold`` only, the number of ``folds``."""

    scheme: str = "leave-one-article-out"
    folds: Optional[int] = None


@dataclass(frozen=True)
class LearningCurveConfig:
    """``[learning_curve]``: the main model trained on ``fractions`` of each training fold,
    ``repeats`` times (cross-validated designs only)."""

    enabled: bool = True
    fractions: tuple = (0.25, 0.5, 0.75, 1.0)
    repeats: int = 3


@dataclass(frozen=True)
class AblationConfig:
    """``[ablation]``: the main model without each of its feature families (cross-validated
    designs and models of more than one family only)."""

    enabled: bool = True


@dataclass(frozen=True)
class ExperimentConfig:
    """A checked classification-experiment config (the fields are the TOML keys).

    ``annotations``, ``train_annotations``, ``corpus`` and ``test_sample`` are tuples (a single
    string in the TOML becomes a one-element tuple); ``main_model`` defaults to the last model;
    ``name`` to the file's stem. ``corpus`` names the corpora whose article metadata (date,
    outlet) the figures use (default: those of the bundled annotation sets). ``tasks`` is
    recorded only (every run scores every task of the label scheme); it must name tasks of the
    scheme. ``source`` is the file the config was read from (not a key).
    """

    models: tuple
    main_model: str
    name: str
    kind: str = "classification"
    description: str = ""
    corpus: Optional[tuple] = None
    annotations: tuple = ("seeds",)
    train_annotations: Optional[tuple] = None
    test_sample: Optional[tuple] = None
    tasks: tuple = tuple(SCHEME.tasks)
    priors: bool = True
    bootstrap: int = 1000
    seed: int = 0
    cv: CVConfig = CVConfig()
    learning_curve: LearningCurveConfig = LearningCurveConfig()
    ablation: AblationConfig = AblationConfig()
    source: Optional[Path] = field(default=None, compare=False, repr=False)

    @property
    def design(self):
        """The evaluation design in words, for titles: see :func:`design_label`."""
        return design_label(self.cv.scheme, self.cv.folds)

    def to_dict(self):
        """The config as plain data (lists for tuples), without ``source``."""
        data = asdict(self)
        data.pop("source")
        return _lists(data)


SECTIONS = {"cv": CVConfig, "learning_curve": LearningCurveConfig, "ablation": AblationConfig}
KEYS = tuple(f.name for f in fields(ExperimentConfig) if f.name != "source")
LISTS = ("annotations", "train_annotations", "corpus", "test_sample", "tasks", "models")


def _lists(value):
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_lists(v) for v in value]
    return value


def design_label(scheme, folds=None):
    """A run's evaluation design in words: ``leave-one-article-out``, ``grouped 10-fold by article``,
    ``cross-source train-test`` or ``leave-one-corpus-out``."""
    if scheme == "grouped-k-fold":
        return f"grouped {folds}-fold by article" if folds else "grouped k-fold by article"
    if scheme == "train-test":
        return "cross-source train-test"
    return scheme


def read_toml(path):
    """The TOML table of ``path``; a one-line error naming it when it is missing or malformed."""
    path = Path(path)
    if not path.is_file():
        raise StanceInputError(path, "no such config file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise StanceInputError(path, f"not a valid TOML file ({err})") from None


def config_kind(path):
    """The ``kind`` of an experiment config: ``classification`` (the default) or ``quantification``
    (a validation of the quantification methods, :mod:`stance.experiments.quantification`)."""
    kind = read_toml(path).get("kind", "classification")
    if kind not in KINDS:
        raise StanceInputError(path, f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    return kind


def load_config(path, check_models=True):
    """Read and check an experiment config file.

    Parameters
    ----------
    path : str or Path
        A TOML file (see :class:`ExperimentConfig` for its keys).
    check_models : bool
        Whether every model name must be known to :func:`stance.models.catalogue.make_model`
        (False to read the config of an old run whose models have since been renamed).

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    StanceInputError
        Naming the file, for a missing or malformed file, an unknown key (also inside ``[cv]``,
        ``[learning_curve]`` or ``[ablation]``), model, task or CV scheme, or an inconsistent design.
    """
    path = Path(path)
    return parse_config(read_toml(path), path, check_models=check_models)


def parse_config(raw, path, check_models=True):
    """Check the TOML table ``raw`` (read from ``path``, named in errors): see :func:`load_config`."""
    path = Path(path)
    kind = raw.get("kind", "classification")
    if kind != "classification":
        raise StanceInputError(path, f"a config of kind {kind!r} is not a classification experiment")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise StanceInputError(path, f"unknown config keys: {', '.join(unknown)}; known: {', '.join(KEYS)}")
    sections = {}
    for key, kind in SECTIONS.items():
        table = raw.get(key, {})
        if not isinstance(table, dict):
            raise StanceInputError(path, f"'{key}' must be a table ([{key}])")
        known = [f.name for f in fields(kind)]
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise StanceInputError(path, f"unknown keys in [{key}]: {', '.join(unknown)}; known: {', '.join(known)}")
        sections[key] = table
    values = {k: v for k, v in raw.items() if k not in SECTIONS}
    for key in LISTS:
        if isinstance(values.get(key), str):
            values[key] = [values[key]]
        if values.get(key) is not None:
            if not isinstance(values[key], list):
                raise StanceInputError(path, f"'{key}' must be a string or a list of strings")
            values[key] = tuple(values[key])
    models = values.get("models") or ()
    if not models:
        raise StanceInputError(path, "'models' must list at least one model")
    main_model = values.get("main_model")
    if check_models:
        from ..models.catalogue import check_model

        for name in models + ((main_model,) if main_model else ()):
            try:
                check_model(name)
            except ValueError as err:
                raise StanceInputError(path, str(err)) from None
    main_model = main_model or models[-1]
    if main_model not in models:
        raise StanceInputError(path, f"main_model {main_model!r} is not among the models")
    bad = [t for t in values.get("tasks", ()) if t not in SCHEME.tasks]
    if bad:
        raise StanceInputError(path, f"unknown task {bad[0]!r}; choose from {', '.join(SCHEME.tasks)}")
    cv = CVConfig(**sections["cv"])
    if cv.scheme not in SCHEMES:
        raise StanceInputError(path, f"unknown cv scheme {cv.scheme!r}; choose from {', '.join(SCHEMES)}")
    if (cv.scheme == "train-test") != bool(values.get("train_annotations")):
        raise StanceInputError(path, "cv scheme 'train-test' needs train_annotations, and only it takes them")
    if (cv.scheme == "grouped-k-fold") != bool(cv.folds):
        raise StanceInputError(path, "cv scheme 'grouped-k-fold' needs cv.folds (an integer >= 2), and only it takes them")
    if cv.scheme == "grouped-k-fold" and (not isinstance(cv.folds, int) or cv.folds < 2):
        raise StanceInputError(path, "cv scheme 'grouped-k-fold' needs cv.folds (an integer >= 2), and only it takes them")
    curve = sections["learning_curve"]
    if "fractions" in curve:
        curve = {**curve, "fractions": tuple(curve["fractions"])}
    config = ExperimentConfig(**{**values, "models": models, "main_model": main_model,
                                 "name": values.get("name") or path.stem},
                              cv=cv, learning_curve=LearningCurveConfig(**curve),
                              ablation=AblationConfig(**sections["ablation"]), source=path)
    if cv.scheme == "leave-one-corpus-out" and len(config.annotations) < 2:
        raise StanceInputError(path, "cv scheme 'leave-one-corpus-out' needs at least two annotation sets")
    return config
