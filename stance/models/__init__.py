"""Classifiers: the estimator, its catalogue of named models, baselines and persistence."""

from .catalogue import CATALOGUE, make_model
from .classifier import StanceClassifier
from .decision import with_decision
from .persistence import load_classifier, save_classifier

__all__ = ["CATALOGUE", "StanceClassifier", "load_classifier", "make_model", "save_classifier", "with_decision"]
