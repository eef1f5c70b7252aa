import pytest

from courses.scoring.evaluation import agreement_for, quadratic_weighted_kappa


def test_hand_computed_example():
    # Observed: one pair off by one level, so sum of (i - j)^2 * O = 1.
    # Rater A uses each level once; rater B uses levels 0, 2, 2, 3. Expected, with E = row * column / n:
    # sum over j of column_j * sum over i of (i - j)^2 = 1*14 + 0 + 2*6 + 1*14 = 40, divided by n = 4 gives 10.
    # Kappa = 1 - 1 / 10.
    assert quadratic_weighted_kappa([0, 1, 2, 3], [0, 2, 2, 3]) == pytest.approx(0.9)


def test_complete_reversal_is_minus_one():
    # Observed 9 + 9 = 18; expected (0 + 9 + 9 + 0) / 2 = 9.
    assert quadratic_weighted_kappa([0, 3], [3, 0]) == pytest.approx(-1.0)


def test_perfect_agreement_is_one():
    labels = [0, 1, 2, 3, 3, 2, 0, 1, 1]
    assert quadratic_weighted_kappa(labels, list(labels)) == 1.0


def test_no_expected_disagreement_and_none_observed_is_one():
    # Both raters put everything on one level: chance predicts no disagreement at all.
    assert quadratic_weighted_kappa([2, 2, 2], [2, 2, 2]) == 1.0


def test_a_rater_who_never_varies_agrees_no_better_than_chance():
    assert quadratic_weighted_kappa([1, 1, 1], [0, 1, 2]) == pytest.approx(0.0)


def test_symmetric_and_order_independent():
    a, b = [0, 1, 1, 2, 3, 3, 0], [1, 1, 2, 2, 3, 1, 0]
    assert quadratic_weighted_kappa(a, b) == pytest.approx(quadratic_weighted_kappa(b, a))
    assert quadratic_weighted_kappa(a, b) == quadratic_weighted_kappa(a[::-1], b[::-1])


def test_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([0, 1], [0])
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([], [])


def test_agreement_counts_exact_and_within_one():
    result = agreement_for("wow", human=[0, 1, 2, 3], machine=[0, 2, 0, 3])
    assert (result.n, result.exact, result.within_one) == (4, 0.5, 0.75)
