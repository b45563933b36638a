"""scikit-learn's common estimator checks on every custom estimator, with the checks that
cannot apply documented.

The trained task models (``CalibratedLinear``, ``MultiLabelThresholds``) take a
feature matrix and run the checks like any scikit-learn classifier; the multi-label
one takes an indicator matrix, so the checks that train it on a multiclass target
do not apply. The feature extractors and baselines read one text per row: a check
that validates numeric input (NaN, complex numbers, sparse matrices, 1-d arrays,
``n_features_in_``) or passes a numeric matrix of several columns does not apply to
them. Each such check is listed below with its reason; any other failing check fails
the test, and the API checks that must hold for every estimator (cloning,
parameters, repr, no work in ``__init__``) are required to pass.
"""

import warnings

import pytest
from sklearn.utils.estimator_checks import check_estimator

from stance.features import DescriptionSimilarity, LexiconCounts, SentenceEmbeddings, TargetedCues, VaderScores
from stance.models.baselines import KeywordTopics, MajorityClass, VaderTone, ZeroShotSimilarity
from stance.models.estimators import CalibratedLinear, MultiLabelThresholds

NUMERIC_VALIDATION = "reads one text per row: validation of numeric arrays does not apply to text"
NO_FEATURE_COUNT = "text input has no fixed number of input features, so there is no n_features_in_"
NOT_AN_ARRAY = "takes an iterable of texts; the check's array wrapper is not iterable"
NUMERIC_ROWS = "the check passes a numeric matrix of several columns, which is not one text per row"
STATELESS = "a stateless transformer (a fixed pretrained model or lexicon): transform needs no fit"
LABEL_MATRIX = "y is a binary indicator matrix (n_texts, n_labels); the check trains on a multiclass target"
TRAINING_FREE = "a baseline without training: it ignores X and y in fit, so it checks neither"
SINGLE_CLASS = "a task model needs at least two classes to train; the error says so in its own words"
CONSTANT_LABEL = ("a label with one value in training is kept constant (a fold without a rare topic), and the "
                  "prediction is an indicator matrix, one column per label, where the check wants a vector")

TEXT_CHECKS = {
    "check_complex_data": NUMERIC_VALIDATION,
    "check_dtype_object": NUMERIC_VALIDATION,
    "check_estimators_empty_data_messages": NUMERIC_VALIDATION,
    "check_estimators_nan_inf": NUMERIC_VALIDATION,
    "check_estimator_sparse_tag": NUMERIC_VALIDATION,
    "check_estimator_sparse_array": NUMERIC_VALIDATION,
    "check_estimator_sparse_matrix": NUMERIC_VALIDATION,
    "check_fit1d": NUMERIC_VALIDATION,
    "check_fit2d_predict1d": NUMERIC_VALIDATION,
    "check_supervised_y_no_nan": NUMERIC_VALIDATION,
    "check_classifiers_regression_target": NUMERIC_VALIDATION,
    "check_n_features_in": NO_FEATURE_COUNT,
    "check_n_features_in_after_fitting": NO_FEATURE_COUNT,
    "check_transformer_data_not_an_array": NOT_AN_ARRAY,
    "check_classifier_data_not_an_array": NOT_AN_ARRAY,
    "check_transformer_general": NUMERIC_ROWS,
    "check_methods_sample_order_invariance": NUMERIC_ROWS,
    "check_classifiers_train": NUMERIC_ROWS,
}
# Checks that run the estimator on numeric rows end to end: they cannot apply to a model on word features.
NUMERIC_END_TO_END = [
    "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
    "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_estimators_dtypes",
    "check_pipeline_consistency", "check_estimators_pickle", "check_f_contiguous_array_estimator",
    "check_classifiers_classes", "check_supervised_y_2d", "check_methods_subset_invariance",
    "check_fit2d_1sample", "check_fit2d_1feature", "check_dict_unchanged", "check_fit_idempotent",
    "check_fit_check_is_fitted", "check_requires_y_none", "check_positive_only_tag_during_fit",
    "check_estimators_unfitted", "check_classifiers_one_label",
]
# Checks that train on a multiclass (or multiclass multi-output) target.
MULTICLASS_TARGETS = [
    "check_classifier_multioutput", "check_classifiers_classes", "check_classifiers_regression_target",
    "check_classifiers_train", "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object",
    "check_estimator_sparse_array", "check_estimator_sparse_matrix", "check_estimator_sparse_tag",
    "check_estimators_fit_returns_self", "check_estimators_overwrite_params", "check_f_contiguous_array_estimator",
    "check_fit2d_predict1d", "check_fit_score_takes_y", "check_methods_sample_order_invariance",
    "check_methods_subset_invariance", "check_n_features_in_after_fitting", "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input", "check_supervised_y_2d",
]
READS_TEXT_ROWS = {**TEXT_CHECKS, **dict.fromkeys([*NUMERIC_END_TO_END, "check_transformer_preserve_dtypes"], NUMERIC_ROWS)}

REQUIRED = ["check_estimator_cloneable", "check_estimator_repr", "check_no_attributes_set_in_init",
            "check_get_params_invariance", "check_set_params", "check_do_not_raise_errors_in_init_or_set_params",
            "check_mixin_order", "check_estimator_tags_renamed", "check_valid_tag_types"]

ESTIMATORS = {
    "LexiconCounts": (LexiconCounts(), READS_TEXT_ROWS),
    "TargetedCues": (TargetedCues(), READS_TEXT_ROWS),
    "VaderScores": (VaderScores(), {**READS_TEXT_ROWS, "check_transformers_unfitted": STATELESS}),
    "SentenceEmbeddings": (SentenceEmbeddings(), {**READS_TEXT_ROWS, "check_transformers_unfitted": STATELESS}),
    "DescriptionSimilarity": (DescriptionSimilarity(), READS_TEXT_ROWS),
    "CalibratedLinear": (CalibratedLinear(), {}),
    "MultiLabelThresholds": (MultiLabelThresholds(), {**dict.fromkeys(MULTICLASS_TARGETS, LABEL_MATRIX),
                                                      "check_classifiers_one_label": CONSTANT_LABEL}),
    "MajorityClass": (MajorityClass(), {**TEXT_CHECKS, "check_classifiers_train": TRAINING_FREE,
                                        "check_supervised_y_2d": "a 2-d y is a topic indicator matrix, by design"}),
    "KeywordTopics": (KeywordTopics(), {**READS_TEXT_ROWS, "check_classifiers_train": TRAINING_FREE}),
    "VaderTone": (VaderTone(), {**READS_TEXT_ROWS, "check_classifiers_train": TRAINING_FREE}),
    "ZeroShotSimilarity": (ZeroShotSimilarity("tone"), {**READS_TEXT_ROWS, "check_classifiers_train": TRAINING_FREE}),
}


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_estimator_passes_the_checks_that_apply_to_text(name):
    estimator, documented = ESTIMATORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    status = {}
    for result in results:
        status.setdefault(result["check_name"], set()).add(result["status"])
    failed = {check for check, states in status.items() if "failed" in states}
    undocumented = sorted(failed - set(documented))
    assert not undocumented, f"{name} fails checks without a documented reason: {undocumented}"
    for check in REQUIRED:
        assert status.get(check) == {"passed"}, f"{name}: {check} {status.get(check)}"
