import numpy as np
import pytest
from fontTools.ttLib import TTFont

from lprlab.decorations import font_path
from lprlab.formats import (
    format_names, get_format, match_text, parse_pattern, random_text, resolve_formats, validate_text,
)

REAL_EXAMPLES = {
    "ar_mercosur": "AB123CD", "ar_old": "ABC123", "br_mercosur": "ABC1D23", "br_old": "ABC1234",
    "eu": "GE356TT", "us": "7ABC123", "jp": "品川500さ1234", "kr": "12가3456", "cn": "京A12345",
}


def test_registry_has_every_format_of_the_issue():
    assert set(format_names()) == set(REAL_EXAMPLES)


@pytest.mark.parametrize("name", sorted(REAL_EXAMPLES))
def test_random_texts_match_pattern_and_alphabet(name):
    fmt = get_format(name)
    for i in range(200):
        text = random_text(fmt, np.random.default_rng([7, i]))
        assert set(text) <= set(fmt.alphabet), text
        assert match_text(fmt, text), text
        assert " " not in text and "-" not in text
    validate_text(fmt, REAL_EXAMPLES[name])


def test_us_lengths_cover_two_to_eight_characters():
    fmt = get_format("us")
    lengths = [len(random_text(fmt, np.random.default_rng([3, i]))) for i in range(2000)]
    assert min(lengths) == 2 and max(lengths) == 8  # short vanity plates to 8-character ones
    # about one US plate in seven has 3-5 characters, as on the real crops (0.24.0; 0.23.0: 1 in 14)
    assert 0.1 < np.mean([3 <= n <= 5 for n in lengths]) < 0.25
    assert all(match_text(fmt, text) for text in ("5555", "548", "GUTSY", "2422"))  # real short crops


def test_variants_of_eu_include_the_national_ones():
    names = {v.name for v in get_format("eu").variants}
    assert {"de", "nl", "hr", "it", "fr", "at"} <= names


@pytest.mark.parametrize("name", sorted(REAL_EXAMPLES))
def test_every_character_has_a_glyph_in_its_fonts(name):
    for variant in get_format(name).variants:
        for font_name in variant.fonts:
            cmap = TTFont(font_path(font_name), fontNumber=0).getBestCmap()
            missing = [c for c in variant.alphabet if ord(c) not in cmap]
            assert not missing, (variant.name, font_name, missing)


def test_unknown_format_names_the_known_ones():
    with pytest.raises(KeyError, match="known formats: .*br_mercosur"):
        get_format("mars")
    with pytest.raises(KeyError):
        resolve_formats("eu,mars")


def test_character_outside_alphabet_is_named():
    with pytest.raises(ValueError, match="outside the alphabet"):
        validate_text(get_format("br_old"), "ABÇ1234")


def test_wrong_order_names_the_patterns():
    with pytest.raises(ValueError, match="matches no pattern"):
        validate_text(get_format("br_old"), "1234ABC")
    with pytest.raises(ValueError, match="empty"):
        validate_text(get_format("eu"), "")


def test_pattern_parser_rejects_unknown_tokens():
    assert parse_pattern("L{1,3}oD") == [("L", 1, 3), ("o", 0, 0), ("D", 1, 1)]
    with pytest.raises(ValueError, match="unknown token"):
        parse_pattern("LL?")


def test_max_text_length_bounds_every_random_text():
    from lprlab.formats import max_text_length

    for name in REAL_EXAMPLES:
        fmt = get_format(name)
        longest = max(len(random_text(fmt, np.random.default_rng([5, i]))) for i in range(300))
        assert longest <= max_text_length(fmt)
    assert max_text_length(get_format("jp")) == 12 and max_text_length(get_format("us")) == 8


def test_letter_or_digit_positions_hold_digits_half_the_time():
    """`A` tokens and free texts draw digit or letter first (50/50), so readers do not learn to
    prefer the letter of a look-alike pair; the draw is seeded."""
    from lprlab.formats import mixed_chars

    text = mixed_chars("ABC", 4000, np.random.default_rng(0))
    share = sum(c.isdigit() for c in text) / len(text)
    assert 0.45 < share < 0.55
    assert set(text) <= set("ABC0123456789")
    assert text == mixed_chars("ABC", 4000, np.random.default_rng(0))
    vanity = get_format("us").variant("state_plain")
    texts = [random_text(get_format("us"), np.random.default_rng([9, i]), vanity) for i in range(400)]
    chars = "".join(texts)
    assert 0.4 < sum(c.isdigit() for c in chars) / len(chars) < 0.75


def test_us_serials_leave_out_i_o_and_q_but_vanity_plates_and_free_texts_keep_them():
    from lprlab.render import free_groups

    fmt = get_format("us")
    plain = fmt.variant("state_plain")
    assert set("IOQ").isdisjoint(plain.letters) and set("IOQ") <= set(plain.mixed_letters)
    serials = [random_text(fmt, np.random.default_rng([11, i]), fmt.variant(name))
               for i in range(300) for name in ("new_york", "florida", "pennsylvania")]  # serial patterns only
    assert set("IOQ").isdisjoint("".join(serials)) and set("ABCXYZ") <= set("".join(serials))
    vanity = "".join(random_text(fmt, np.random.default_rng([12, i]), plain) for i in range(3000))
    free = "".join("".join(free_groups(plain, "LLLDDDD", np.random.default_rng([13, i]))) for i in range(300))
    assert set("IOQ") <= set(vanity) and set("IOQ") <= set(free)
    # an O is now drawn about a quarter as often as an average letter on US plates (was 1.0)
    counts = {c: vanity.count(c) for c in plain.mixed_letters}
    assert counts["O"] < 0.5 * np.mean(list(counts.values()))
    assert match_text(fmt, "OQK466") and match_text(fmt, "7ABC123")  # a vanity O and Q still fit
    assert get_format("eu").variant("cz").mixed_letters == get_format("eu").variant("cz").letters
