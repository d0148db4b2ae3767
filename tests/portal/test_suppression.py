"""The small-group suppression of one column (portal/opendata/suppression.py)."""

from __future__ import annotations

import itertools

import pytest

from portal.opendata.suppression import suppress


def recoverable(people, withheld, k=5):
    """Could a reader work out a withheld cell, or a sum of withheld cells about
    fewer than k people, from the total and the shown cells?"""
    hidden = [n for n, w in zip(people, withheld, strict=True) if w]
    return len(hidden) == 1 or 0 < sum(hidden) < k


def test_a_group_of_four_people_is_withheld():
    assert suppress([4, 20, 30])[0] is True


def test_a_group_of_five_people_is_shown():
    assert suppress([5, 20, 30]) == [False, False, False]


def test_zero_is_shown_and_never_a_complement():
    assert suppress([0, 3, 0, 9]) == [False, True, False, True]


def test_total_minus_one_group_cannot_give_the_small_group_away():
    withheld = suppress([4, 20, 30])
    assert withheld.count(True) == 2
    assert withheld == [True, True, False]  # the smallest other group


def test_two_small_groups_hiding_each_other_need_no_third():
    # 2 + 3: their sum (5) is all a reader learns, and it is about five people.
    assert suppress([2, 3, 40, 50]) == [True, True, False, False]


def test_two_small_groups_whose_sum_is_still_small_take_a_third():
    withheld = suppress([1, 2, 40, 50])
    assert withheld == [True, True, True, False]


def test_only_one_small_cell_in_a_row_withholds_that_cell_and_a_complement():
    # A row's cells live in different columns; each column is suppressed alone.
    participants = suppress([20, 30, 25])
    new_participants = suppress([3, 12, 9])
    assert participants == [False, False, False]
    assert new_participants == [True, False, True]


def test_the_not_given_row_is_a_complement_only_as_a_last_resort():
    # "not given" (index 3) is the smallest other cell but is kept while another
    # cell will do, so that "given by N of M" can still be said.
    assert suppress([4, 30, 40, 6], last_resort={3}) == [True, True, False, False]
    assert suppress([4, 0, 0, 6], last_resort={3}) == [True, False, False, True]


def test_a_column_where_every_cell_is_small_withholds_them_all():
    assert suppress([1, 2, 1]) == [True, True, True]


def test_an_empty_column_withholds_nothing():
    assert suppress([]) == []
    assert suppress([0, 0]) == [False, False]


def test_k_is_a_parameter():
    assert suppress([9, 20, 30], k=10) == [True, True, False]


def test_negative_counts_and_k_below_one_are_refused():
    with pytest.raises(ValueError):
        suppress([-1, 5])
    with pytest.raises(ValueError):
        suppress([3, 5], k=0)


@pytest.mark.parametrize(
    "people", [list(p) for p in itertools.product([0, 1, 2, 4, 5, 30], repeat=4)]
)
def test_no_small_cell_is_shown_and_nothing_withheld_can_be_recovered(people):
    withheld = suppress(people, last_resort={3})
    for n, w in zip(people, withheld, strict=True):
        if 0 < n < 5:
            assert w
    hidden_cells = [n for n, w in zip(people, withheld, strict=True) if w]
    shown_others = [n for n, w in zip(people, withheld, strict=True) if not w and n]
    if shown_others:  # there was something left to withhold as well
        assert not recoverable(people, withheld)
    else:
        assert all(withheld[i] for i, n in enumerate(people) if n) or not hidden_cells
