import pytest

from pluskod.core.lockout import policy_from_env
from pluskod.core.settings import positive_number


def test_a_setting_is_read_as_a_positive_number_or_its_default():
    assert positive_number({}, "X", 2.5) == 2.5
    assert positive_number({"X": "0.25"}, "X", 2.5) == 0.25
    assert positive_number({"X": " 7 "}, "X", 2.5) == 7.0


@pytest.mark.parametrize("raw, says", [
    ("many", "X must be a number, not 'many'"), ("", "X must be a number, not ''"),
    ("0", "X must be a number greater than 0, not '0'"),
    ("-3", "X must be a number greater than 0, not '-3'"),
    ("nan", "X must be a number greater than 0, not 'nan'"),
    ("inf", "X must be a number greater than 0, not 'inf'"),
])
def test_a_bad_setting_names_the_variable_and_the_value(raw, says):
    with pytest.raises(ValueError) as error:
        positive_number({"X": raw}, "X", 1.0)
    assert str(error.value) == says


def test_a_lockout_limit_of_nan_minutes_is_refused_not_taken():
    with pytest.raises(ValueError, match="PLUSKOD_LOCK_MINUTES must be a number greater than 0"):
        policy_from_env({"PLUSKOD_LOCK_MINUTES": "nan"})
