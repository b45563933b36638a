"""Experiments: a TOML config in, a run folder in the registry out.

The steps, each its own module:

- :mod:`~stance.experiments.config`: :func:`load_config` reads and checks a config into an
  :class:`ExperimentConfig` (:func:`config_kind` tells classification from quantification configs);
- :func:`load_gold` (from :mod:`stance.annotate.annotations`) reads the gold of an experiment;
  :mod:`~stance.experiments.gold` says what a run folder may show of it (third-party text emptied);
- :mod:`~stance.experiments.run`: :func:`run` trains and scores the models into a :class:`RunResult`
  (data only, no file written);
- :mod:`~stance.experiments.registry`: :func:`save_run` writes a run folder, :func:`load_run` reads its
  data back, :func:`compare_runs`, :func:`registry_runs`, :func:`run_index`;
- :mod:`~stance.experiments.report`: ``summary.md``, the figures and the README block, rendered from data;
- :mod:`~stance.experiments.quantification`: the validation of the quantification methods (configs of
  ``kind = "quantification"``).

:func:`run_experiment` does it all for a config file.
"""

from pathlib import Path

from ..annotate.annotations import load_gold
from .config import ExperimentConfig, config_kind, load_config
from .registry import compare_runs, load_run, registry_runs, run_index, save_run
from .run import RunResult, run

__all__ = ["ExperimentConfig", "RunResult", "compare_runs", "config_kind", "load_config", "load_gold", "load_run",
           "registry_runs", "run", "run_experiment", "run_index", "save_run"]


def run_experiment(config_path, results=None, progress=None):
    """Run the experiment of the config file ``config_path``; return the new run folder.

    ``results`` (the registry) defaults to a ``results`` folder beside the config; ``progress``
    wraps iterables (e.g. ``tqdm``). A config of ``kind = "quantification"`` runs
    :func:`stance.experiments.quantification.run_validation`.
    """
    config_path = Path(config_path)
    if config_kind(config_path) == "quantification":
        from .quantification import run_validation

        return run_validation(config_path, results=results, progress=progress)
    config = load_config(config_path)
    result = run(config, progress=progress)
    return save_run(result, Path(results) if results else config_path.parent / "results",
                    config_path.read_text(encoding="utf-8"))
