"""The explanation's matching method after the encoder loaded: spelling guesses and words not understood are said, not
'every phrase is a known synonym'."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core.landcover.extract import synonyms_sufficed
from terraprompt.plugin.core.prompts import load_encoder, parse_prompt


@pytest.fixture(scope="module")
def encoder():
    if load_encoder() is None:
        pytest.skip("sentence encoder not installed")


@pytest.mark.parametrize("text, said", [
    ("watr", "exact synonyms and spelling guesses"),
    ("dense forest", "some words were not understood"),
    ("urban areas", "every phrase is a known synonym"),
])
def test_method_after_the_encoder_loaded(encoder, text, said):
    method = synonyms_sufficed(parse_prompt(text)).method
    assert said in method
    if said != "every phrase is a known synonym":
        assert "every phrase is a known synonym" not in method
