"""Which language an answer is in: ``?lang=``, then Accept-Language by weight, then the default."""

import pytest

from portalkit.i18n import Catalogue, negotiate_language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en", "en"),
        ("nl", "nl"),
        ("en-GB,en;q=0.8", "en"),
        ("EN-us", "en"),
        ("fr, en;q=0.5, nl;q=0.8", "nl"),
        ("nl;q=0.2, en;q=0.9", "en"),
        ("de-DE, en-US;q=0.1", "en"),
    ],
)
def test_the_supported_language_weighed_highest_wins(header, expected):
    assert negotiate_language(header, None, "nl") == expected


def test_a_refused_language_is_not_chosen():
    assert negotiate_language("en;q=0, nl;q=0.1", None, "en") == "nl"


@pytest.mark.parametrize("header", [None, "", "fr, de", "not a header;;;"])
def test_without_a_supported_language_the_default_answers(header):
    assert negotiate_language(header, None, "en") == "en"


def test_any_language_is_the_default():
    assert negotiate_language("*", None, "en") == "en"
    assert negotiate_language("*", None, "nl") == "nl"


def test_the_lang_parameter_wins_over_the_header():
    assert negotiate_language("en", "nl", "en") == "nl"


def test_an_unsupported_lang_parameter_is_ignored():
    assert negotiate_language("en", "fr", "nl") == "en"


CATALOGUE = Catalogue({"greeting": {"nl": "Dag {name}", "en": "Hello {name}"}})


def test_a_text_is_filled_in_for_the_language():
    assert CATALOGUE.text("greeting", "en", name="An") == "Hello An"


def test_an_unknown_language_falls_back_to_dutch():
    assert CATALOGUE.text("greeting", "fr", name="An") == "Dag An"


def test_a_service_catalogue_falls_back_to_its_parent():
    child = CATALOGUE.extend({"bye": {"nl": "Tot ziens", "en": "Goodbye"}})
    assert child.text("greeting", "nl", name="An") == "Dag An" and "greeting" in child and "bye" in child


def test_an_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        CATALOGUE.text("missing", "nl")


def test_a_text_without_every_language_is_refused():
    with pytest.raises(ValueError, match="en"):
        Catalogue({"half": {"nl": "Half"}})
