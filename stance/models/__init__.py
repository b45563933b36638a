"""Classifiers: baselines and trained models for topic, tone and stance, and their persistence."""

from .classifier import MODEL_SPECS, StanceClassifier
from .persistence import load_classifier, save_classifier

__all__ = ["MODEL_SPECS", "StanceClassifier", "load_classifier", "save_classifier"]
