"""Format-aware post-processing: look-alikes swapped only where a pattern demands."""
import pytest

from lprlab.postprocess import fit_text, postprocess, region_formats


def test_swaps_only_where_the_pattern_demands():
    br = region_formats("br")
    assert fit_text("A8C1234", br).text == "ABC1234"  # letter position: 8 -> B
    assert fit_text("ABC12B4", br).text == "ABC1284"  # digit position: B -> 8
    assert fit_text("ABC1234", br).swaps == 0
    assert fit_text("ABC1D23", br).format == "br_mercosur"  # a letter where Mercosur has one stays
    assert fit_text("ABX1234X", br) is None


def test_postprocess_prefers_the_most_probable_fitting_alternative():
    br = region_formats("br")
    assert postprocess([("AB1234", 0.5), ("ABC1234", 0.3)], br) == ("ABC1234", 0.3, "br_old")
    assert postprocess([("A8C1234", 0.6), ("ABC1234", 0.3)], br) == ("ABC1234", 0.6, "br_old")
    assert postprocess([("QQQQQQQQQ", 0.6)], br) == ("QQQQQQQQQ", 0.6, None)
    with pytest.raises(ValueError):
        postprocess([], br)


def test_unknown_region():
    with pytest.raises(KeyError, match="known regions"):
        region_formats("mars")


def test_whole_word_tokens_fit_slovak_districts():
    eu = region_formats("eu")
    fitted = fit_text("RK34OAB", eu)  # district RK, digits, letters: O -> 0 where digits stand
    assert fitted.text == "RK340AB" and fitted.swaps == 1
    assert fit_text("RK340AO", eu).variant == "sk"  # O is a Slovak letter; Italy has none


def test_an_extra_character_at_either_end_is_dropped_only_when_nothing_fits():

    assert postprocess([("MRK819AM", 0.4)], region_formats("eu"))[:2] == ("RK819AM", 0.4)  # the band read as M
    assert postprocess([("ABC12341", 0.4)], region_formats("br"))[0] == "ABC1234"  # a bolt read as 1
    assert postprocess([("ABC1234", 0.4)], region_formats("br"))[0] == "ABC1234"


def test_a_dropped_edge_character_allows_no_further_swaps():
    # German show plates the pair reads right; dropping a character and swapping look-alikes on
    # top made them `MSX5` and `BIMMI4` before 0.30.0.
    eu = region_formats("eu")
    assert postprocess([("M5XSX", 0.96), ("W5XSX", 0.01)], eu) == ("M5XSX", 0.96, None)
    assert postprocess([("BIMMIAN", 0.89)], eu) == ("BIMMIAN", 0.89, None)


def test_a_colour_crop_without_a_blue_band_favours_the_older_south_american_formats():
    import numpy as np

    from lprlab.formats import get_format
    from lprlab.postprocess import colour_preferred_formats, mercosur_band
    from lprlab.render import render_plate

    br = region_formats("br")
    mercosur = render_plate("ABC1D23", get_format("br_mercosur"), np.random.default_rng(0), height_px=64).image
    grey = render_plate("ABC1234", get_format("br_old"), np.random.default_rng(0), height_px=64).image
    grey[:, :16] = (200, 40, 40)  # a red car beside it: a colour photo
    assert mercosur_band(mercosur) > 0.5 and mercosur_band(grey) < 0.2
    assert [f.name for f in colour_preferred_formats(grey, br)] == ["br_old"]
    assert colour_preferred_formats(mercosur, br) == ()  # blue is no evidence (sky, cars)
    assert colour_preferred_formats(grey, region_formats("eu")) == ()  # only Mercosur against older formats
    infrared = np.repeat(grey.mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
    assert mercosur_band(infrared) is None and colour_preferred_formats(infrared, br) == ()
    # A grey plate's 8 read as B fits Mercosur exactly; the colours send it to the older format.
    assert postprocess([("PJT4B84", 0.9)], br) == ("PJT4B84", 0.9, "br_mercosur")
    assert postprocess([("PJT4B84", 0.9)], br, colour_preferred_formats(grey, br)) == ("PJT4884", 0.9, "br_old")
    assert postprocess([("QQQ", 0.9)], br, colour_preferred_formats(grey, br))[2] is None  # then the others
    with pytest.raises(ValueError, match="uint8"):
        mercosur_band(np.zeros((10, 10), np.uint8))


def test_reweight_applies_a_regions_character_priors():
    from lprlab.postprocess import REGION_CHARACTER_WEIGHTS, reweight

    alternatives = [("ABO123", 0.5), ("AB0123", 0.3)]
    assert reweight(alternatives, None) == tuple(alternatives)
    us = reweight(alternatives, REGION_CHARACTER_WEIGHTS["us"])  # US serials rarely hold an O
    assert [text for text, _ in us] == ["AB0123", "ABO123"]
    assert us[1][1] == pytest.approx(0.5 * REGION_CHARACTER_WEIGHTS["us"]["O"])
    assert postprocess(us, region_formats("us"))[0] == "AB0123"
    with pytest.raises(ValueError, match="positive"):
        reweight(alternatives, {"O": 0.0})


def test_prefer_serials_favours_a_state_layout_over_a_vanity_reading_and_keeps_the_mass():
    from lprlab.postprocess import SERIAL_WEIGHT_US, fits_serial, prefer_serials

    us = region_formats("us")
    assert fits_serial("DG2Z6U", us) and fits_serial("5VCF203", us)  # Missouri's AB1C2D, California's
    assert not fits_serial("DG276U", us) and not fits_serial("GOLFING", us)  # vanity texts only
    alternatives = [("DG276U", 0.4), ("DG2Z6U", 0.3), ("DG2Z6", 0.1)]
    weight = SERIAL_WEIGHT_US
    preferred = prefer_serials(alternatives, us, weight)
    assert [text for text, _ in preferred][0] == "DG2Z6U"
    assert sum(p for _, p in preferred) == pytest.approx(0.8)  # renormalised over the alternatives
    assert preferred[0][1] / dict(preferred)["DG276U"] == pytest.approx(0.3 / (0.4 * weight))
    assert postprocess(preferred, us)[0] == "DG2Z6U"
    vanity = [("GOLFING", 0.6), ("G0LFING", 0.2)]  # nothing fits a serial layout: unchanged
    assert prefer_serials(vanity, us, weight) == tuple(vanity)
    assert prefer_serials(alternatives, us, None) == tuple(alternatives)
    assert prefer_serials(alternatives, us, 1.0) == tuple(alternatives)
    with pytest.raises(ValueError, match="positive"):
        prefer_serials(alternatives, us, 0.0)
