"""Measuring prevalence: corpus predictions, out-of-fold gold predictions, quantification methods
and their intervals, groups of articles."""
