"""messages.measure: pixel sizes and areas named in report lines, rounded half up as its docstring says."""
import pytest

from terraprompt.plugin.core.messages import measure, set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("value, text", [(12.5, "13"), (10.5, "11"), (14.5, "15"), (99.5, "100"), (0.125, "0.13"),
                                         (2.25, "2.3"), (-12.5, "-13")])
def test_halves_round_up(value, text):
    """A 12.5 m pixel was written '12 m' and a 10.5 m one '10 m' (round half to even)."""
    assert measure(value) == text


@pytest.mark.parametrize("value, text", [(0, "0"), (0.04, "0.04"), (0.3, "0.3"), (2.5, "2.5"), (9.96, "10"), (15, "15"),
                                         (1000, "1,000"), (62550, "62,550"), (0.0001234, "0.00012")])
def test_two_digits_below_ten_whole_numbers_above(value, text):
    assert measure(value) == text


def test_language_separators():
    set_language("fr")
    assert (measure(0.125), measure(62550.5)) == ("0,13", "62\u202f551")
    set_language("de")
    assert (measure(12.5), measure(1.25)) == ("13", "1,3")
