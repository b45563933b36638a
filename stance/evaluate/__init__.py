"""Evaluation: cross-validated predictions of any estimator under any grouped splitter, scores with
bootstrap intervals, learning curves and ablations.

``validation`` (cross-validated predictions and their scores), ``splitters`` (grouped splitters and the
designs of experiment configs), ``analyses`` (learning
curves, ablations). The functions of ``validation`` (and the headline scores of :mod:`stance.metrics`) are importable from here.
"""

from ..metrics import HEADLINE, task_scores
from .validation import (article_predictions, article_scores, best_model, bootstrap_indices, bootstrap_samples,
                         compare_models, cross_val_predictions, group_scores, headline_table, per_label_table,
                         score_models, score_with_ci, select_rows, train_test)

__all__ = ["HEADLINE", "article_predictions", "article_scores", "best_model", "bootstrap_indices", "bootstrap_samples",
           "compare_models", "cross_val_predictions", "group_scores", "headline_table", "per_label_table",
           "score_models", "score_with_ci", "select_rows", "task_scores", "train_test"]
