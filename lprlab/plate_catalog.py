"""The catalogue of plate formats: real sizes, patterns, colours, decorations and fonts.

Sources for sizes and patterns: the national registration rules as summarised in the public
Wikipedia articles "Vehicle registration plates of <country>" (Mercosur 400x130 mm, EU 520x110 mm,
US 12x6 in, Japan 330x165 mm, Korea 520x110 / 335x170 mm, China GA 36-2018 440x140 / 440x220 mm).
Fonts are free look-alikes of the official ones (FE-Schrift, DIN 1451, Mandatory, Highway Gothic, ...):
see the README's "Fonts" section and ``fonts/make_fonts.py``.
"""
from __future__ import annotations

from lprlab.formats import (
    LETTERS, ROUNDED_O, SHORT_VERTEX_W, SLAB_I, STRAIGHT_SHORT_W, STRAIGHT_W, Band, Bolts, Border, Caption, ColourScheme, EUStars, Flag, PlateFormat, PlateVariant, Row, Scenery,
    Seal, SideMark, Slots,
)

DIN = "OSP-DIN.ttf"
ROBOTO = "RobotoCondensed-Bold.ttf"
BEBAS = "BebasNeue-Regular.otf"
DEJAVU = "DejaVuSansCondensed-Bold.ttf"
ROBOTO_MEDIUM = "RobotoCondensed-Medium.ttf"  # lighter strokes, as on many worn or US plates
ROBOTO_REGULAR = "RobotoCondensed-Regular.ttf"
DEJAVU_BOOK = "DejaVuSansCondensed.ttf"
MONO = "DejaVuSansMono-Bold.ttf"  # wide, evenly spaced, like embossed dies
SCRIPT = "RobotoCondensed-BoldItalic.ttf"
NARROW = "LiberationSansNarrow-Bold.ttf"  # tall and narrow, like Brazil's grey-plate font and many US dies
# FHWA Highway Gothic series B, C and D (Roadgeek 2014): the road-sign letters most US plate dies
# derive from (plain-bar 1, stadium O equal to 0, near-vertical 7) and close to Brazil's grey plates.
HIGHWAY_B, HIGHWAY_C, HIGHWAY_D = "RG2014B.ttf", "RG2014C.ttf", "RG2014D.ttf"
# Play (Jonas Hecksher; Debian fonts-play, Apache 2.0): O, 0 and D drawn as rounded rectangles. Brazil's grey plates and many
# US dies draw their O so, and recogniser 0.8, which never saw one, read it as D or Q (the Bahia
# series OKL, OUZ, OZG: 13 of the 19 BR misreads; generator 0.11.0).
PLAY_BOLD, PLAY = "Play-Bold.ttf", "Play-Regular.ttf"
# The font pool (generator 0.13.0): 36 sans-serif faces of every build (and 3 serif ones since 0.32.0) (signage, cockpit, grotesque,
# geometric, rounded, condensed, monospaced; `fonts/make_fonts.py`), any of which may set a Latin
# plate (`lprlab.render.FONT_POOL_SHARE`). The recognisers trained on the dozen plate look-alikes
# above read clean, legible real grey BR plates wrong (O as D or Q, 9 as 5, 6 as 8): a real plate's
# glyphs are none of ours, and learning from many fonts is how synthetic text recognition reaches
# real text (Jaderberg et al. 2014, Gupta et al. 2016: over a thousand fonts).
FONT_POOL = tuple(f"pool/{name}" for name in (
    "routed-gothic.ttf", "routed-gothic-narrow.ttf", "NationalPark-Regular.otf", "NationalPark-Heavy.otf",
    "B612-Bold.otf", "B612Mono-Bold.otf", "NimbusSansNarrow-Bold.otf", "NimbusSansNarrow-Regular.otf",
    "NimbusSans-Bold.otf", "URWGothic-Demi.otf", "FreeSansBold.ttf", "OpenSans-CondBold.ttf",
    "OpenSans-Semibold.ttf", "Inter-Bold.otf", "Lato-Bold.ttf", "Cantarell-Bold.otf", "ClearSans-Bold.ttf",
    "ClearSans-Medium.ttf", "Dosis-Bold.otf", "Dosis-SemiBold.otf", "Cabin-Bold.otf", "LeagueSpartan-Bold.otf",
    "Karla-Bold.otf", "Jura-Bold.otf", "BetecknaGS-Bold.ttf", "BetecknaGSCondensed-Bold.ttf", "Manrope-Bold.ttf",
    "Quicksand-Bold.ttf", "Hack-Bold.ttf", "JetBrainsMono-ExtraBold.ttf", "LiberationMono-Bold.ttf",
    "LiberationSans-Bold.ttf", "LiberationSansNarrow-Regular.ttf", "Carlito-Bold.ttf", "NotoSans-Bold.ttf",
    "NotoSansDisplay-Bold.ttf", "DejaVuSerifCondensed-Bold.ttf", "DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf",
))
# Serif faces (generator 0.32.0). Virginia's dies (and many older US ones) have serifs; the pair of
# 0.30.0 read all three real Virginia G as C (`XGK9239` read `XCK9239` at 0.99), and on synthetic
# state plates set in a serif face its 32x128 member reads the G right on 38-46 of 48 plates per
# layout, against 46-48 in its own faces (mostly as C, K, X or W; `benchmarks/font_probe.py`,
# `font_probe_us_serif_g.txt`). In the pool (all Latin formats) and among the generic US faces.
# Measured (session 32): the member continued two epochs on 0.32.0 reads the same 496 real crops as
# on 0.31.0 and still reads the Virginia G as C; on serif synthetic plates its G comes right more
# often (42-46 of 48, `font_probe_us_serif_g_v32a.txt`). Kept for the faces' variety.
SERIF_NARROW = ("pool/DejaVuSerifCondensed-Bold.ttf", "pool/LiberationSerif-Bold.ttf")
JP_FONT = "ipag-plates.ttf"
KR_FONT = "NanumGothicBold-plates.ttf"
CN_FONT = "wqy-zenhei-plates.ttf"

WHITE, BLACK = (250, 250, 248), (15, 15, 15)
MERCOSUR_BLUE, EU_BLUE = (0, 56, 168), (0, 51, 153)
NO_IOQU = "ABCDEFGHJKLMNPRSTVWXYZ"


def _letters_without(excluded: str) -> str:
    return "".join(c for c in LETTERS if c not in excluded)


# --- South America ---------------------------------------------------------------------------
def _mercosur(country: str, title: str, patterns: tuple[str, ...], schemes) -> PlateVariant:
    return PlateVariant(
        name=country, size_mm=(400, 130), patterns=patterns,
        rows=(Row(top=0.34, bottom=0.88, left=0.06, right=0.95),),
        schemes=schemes, fonts=(DIN, ROBOTO, ROBOTO_MEDIUM),
        decorations=(
            Band("top", 0.23, MERCOSUR_BLUE),
            Caption((0.2, 0.035, 0.8, 0.19), (title,), colour=(255, 255, 255)),
            Caption((0.025, 0.06, 0.15, 0.17), ("MERCOSUR",), colour=(255, 255, 255)),
            Flag((0.87, 0.04, 0.96, 0.19), country),
            Caption((0.015, 0.72, 0.06, 0.9), (country.upper(),), colour=BLACK),
            Border(width=0.025, inset=0.0),
        ),
    )


AR_MERCOSUR = PlateFormat("ar_mercosur", "Argentina, Mercosur (2016-): AB 123 CD, blue band", (
    _mercosur("ar", "REPUBLICA ARGENTINA", ("LL DDD LL",), (ColourScheme(WHITE, BLACK, BLACK),)),
))

BR_MERCOSUR = PlateFormat("br_mercosur", "Brazil, Mercosur (2018-): ABC1D23, blue band", (
    _mercosur("br", "BRASIL", ("LLLDLDD",), (
        ColourScheme(WHITE, BLACK, BLACK), ColourScheme(WHITE, (180, 20, 25), (180, 20, 25)),
        ColourScheme(WHITE, (20, 40, 150), (20, 40, 150)),
    )),
))

AR_OLD = PlateFormat("ar_old", "Argentina (1995-2016): ABC 123, white on black", (
    PlateVariant(
        name="ar_1995", size_mm=(294, 129), patterns=("LLL DDD",),
        rows=(Row(top=0.3, bottom=0.86, left=0.06, right=0.94),),
        schemes=(ColourScheme((22, 22, 24), (240, 240, 240), (200, 200, 200)),),
        fonts=(ROBOTO, DEJAVU, DIN, ROBOTO_MEDIUM, PLAY_BOLD),
        decorations=(Border(width=0.02, inset=0.03),
                     Caption((0.3, 0.07, 0.7, 0.2), ("ARGENTINA", "REPUBLICA ARGENTINA"), colour=(230, 230, 230)),
                     Bolts(((0.1, 0.13), (0.9, 0.13)), radius=0.035)),
    ),
))

BR_CITIES = ("SP-SAO PAULO", "RJ-RIO DE JANEIRO", "MG-BELO HORIZONTE", "PR-CURITIBA", "RS-PORTO ALEGRE",
             "BA-SALVADOR", "PE-RECIFE", "CE-FORTALEZA", "DF-BRASILIA", "SP-CAMPINAS", "GO-GOIANIA", "AM-MANAUS",
             "PA-BELEM", "SC-FLORIANOPOLIS", "ES-VITORIA", "RN-NATAL", "SP-SANTOS", "MG-MONTES CLAROS",
             "BA-SIMOES FILHO", "MG-UBERLANDIA")

# Brazil's grey-plate font draws the O as a rounded rectangle with straight sides (read D or Q by
# recognisers that never saw one) and the W with a short middle vertex (read M); 0.14.0. 0.19.0
# tried the O as narrow as the D with the D in the same box, square-cornered on the left
# (`ROUNDED_D`, `render.O_RADIUS` 0.4), and the straight-sided W on two thirds of the US plates
# drawn with forms: the recogniser trained on it read the real grey plates' O as D or Q more, not
# less (README, "Plate formats"), so the catalogue draws as 0.18.0 did.
BR_GREY_FORMS = "O" + ROUNDED_O + "W" + SHORT_VERTEX_W

BR_GREY_SCHEMES = (ColourScheme((188, 190, 192), BLACK, BLACK), ColourScheme((176, 178, 180), (25, 25, 25), (40, 40, 40)),
                   ColourScheme((190, 30, 35), (245, 245, 245), (245, 245, 245)))
BR_GREY_FONTS = (NARROW, NARROW, DEJAVU, ROBOTO, ROBOTO_MEDIUM, DIN, MONO, HIGHWAY_C, HIGHWAY_D, PLAY_BOLD, PLAY_BOLD,
                 PLAY)
# The grey plates' two mounting slots just under the characters (0.26.0: the real dev photos show
# them under nearly every plate, and a slot under a round O reads as a Q's tail), and on rear
# plates the red seal over the left bolt.
BR_GREY_SLOTS = Slots(((0.3, 0.935), (0.7, 0.935)), size=(0.04, 0.07))


def _br_grey(name: str, rear: bool) -> PlateVariant:
    bolts = Bolts(((0.05, 0.14), (0.95, 0.14)), radius=0.03)
    return PlateVariant(
        name=name, size_mm=(400, 130), patterns=("LLL·DDDD", "LLL-DDDD"),
        rows=(Row(top=0.3, bottom=0.9, left=0.04, right=0.96),), schemes=BR_GREY_SCHEMES, fonts=BR_GREY_FONTS,
        decorations=(Border(width=0.03, inset=0.015), Caption((0.12, 0.06, 0.88, 0.22), BR_CITIES), bolts,
                     BR_GREY_SLOTS, *((Seal((0.05, 0.14)),) if rear else ())),
        # glyph_aliases="O0" (the letter O drawn as the digit 0's stadium) was tried in 0.9.0 and
        # is off: the recogniser trained with it read the real grey plates' O *and* 0 as D (README).
        # Since 0.14.0 the O is drawn instead as a rounded rectangle as wide as the font's O, and
        # the W with a short middle vertex, as the real grey plates draw them.
        glyph_aliases=BR_GREY_FORMS,
    )


BR_OLD = PlateFormat("br_old", "Brazil (1990-2018): ABC·1234 (also ABC-1234), grey plate with city line", (
    _br_grey("br_1990", rear=True), _br_grey("br_1990_front", rear=False),
))


# --- Europe ----------------------------------------------------------------------------------
# Germany's FE-Schrift (also on other EU plates) draws a narrow W whose middle vertex stops short
# of the top, read M, H or N by recognisers that never saw one (WOB read M0B, VW read VM). 0.14.0
# drew it on half the EU plates; the recogniser trained on it read a W before 6 real Italian plates
# that have none (RK819AM as WK819AM), so 0.14.1 turns it off again (README, "Recogniser results").
EU_FORMS = ""
# Drawn on German plates alone (tried in session 26, `DE_FORMS = "W" + SHORT_VERTEX_W`): the recogniser
# trained on it still read the real FE-Schrift W of WOB-VWMK4 and VW 4X4-WP as M, and read RK161AG as
# WK116AA; not kept (README, "Recogniser results").
# Session 31 drew on half the German plates `STRAIGHT_W` (upright stems, vertex at the top) and then
# `STRAIGHT_SHORT_W` (upright stems, vertex short of the top: the W of `VW 4X4-WP`, DIN 1451 on a
# pre-1994 plate): the recogniser continued on either still read both real German plates' W as M, and
# read no more real crops; not kept (README, "Recogniser results").


def _eu(name: str, code: str, patterns: tuple[str, ...], background=WHITE, letters: str = LETTERS,
        right_band: tuple[str, ...] = (), words: tuple[str, ...] = (), max_chars: int = 0,
        edge_bands: tuple[int, int, int] | None = None, forms: str = EU_FORMS) -> PlateVariant:
    decorations = [Band("left", 0.085, EU_BLUE), EUStars((0.0, 0.07, 0.085, 0.55)),
                   Caption((0.012, 0.58, 0.073, 0.92), (code,), colour=(255, 255, 255), font=DIN)]
    right = 0.97
    if right_band:
        decorations += [Band("right", 0.085, EU_BLUE),
                        Caption((0.925, 0.55, 0.985, 0.9), right_band, colour=(255, 255, 255), font=DIN)]
        right = 0.9
    if edge_bands:  # Austria: red bands along the top and bottom edges
        decorations += [Band("top", 0.07, edge_bands), Band("bottom", 0.07, edge_bands)]
    decorations.append(Border(width=0.03, inset=0.0))
    return PlateVariant(
        name=name, size_mm=(520, 110), patterns=patterns,
        rows=(Row(top=0.15, bottom=0.86, left=0.11, right=right),),
        schemes=(ColourScheme(background, BLACK, BLACK),), fonts=(DIN, DIN, ROBOTO_MEDIUM, DEJAVU_BOOK),
        decorations=tuple(decorations),
        letters=letters, words=words, max_chars=max_chars, glyph_aliases=forms,
    )


HR_CITIES = ("ZG", "ST", "RI", "OS", "DU", "PU", "ZD", "SB", "KA", "VZ", "BJ", "KC", "KR", "SK", "VU", "PZ", "SI",
             "GS", "NA", "MA", "PS", "VK", "BM", "DA", "IM", "KT", "PO", "VT", "ZU")

SK_DISTRICTS = ("BA", "BB", "BJ", "BN", "BR", "BS", "BY", "CA", "DK", "DS", "DT", "GA", "GL", "HC", "HE", "IL", "KA",
                "KE", "KK", "KM", "KN", "KS", "LC", "LE", "LM", "LV", "MA", "MI", "ML", "MT", "NM", "NO", "NR", "NZ",
                "PB", "PD", "PE", "PK", "PN", "PO", "PP", "PT", "PU", "RA", "RK", "RS", "RV", "SA", "SB", "SC", "SE",
                "SI", "SK", "SL", "SN", "SO", "SP", "SV", "TN", "TO", "TR", "TS", "TT", "TV", "VK", "VT", "ZA", "ZC",
                "ZH", "ZM", "ZV")

# Austrian district codes (one or two letters) before the state's arms.
AT_DISTRICTS = ("W", "G", "L", "S", "K", "I", "B", "P", "E", "GU", "LL", "LA", "KU", "SZ", "BN", "MD", "WU", "VB", "FK",
                "BZ", "DO", "KB", "LI", "SP", "VL", "WL", "ZE", "HL", "MU", "NK", "AM", "BR", "GD", "JU", "KS")

EU = PlateFormat("eu", "European Union, 520x110 mm with the blue EU band: DE, NL, HR, IT, FR, ES, SK, CZ, PL, AT", (
    _eu("de", "D", ("L{1,3}oL{1,2} D{1,4}",), letters=_letters_without("Q"), max_chars=8),
    _eu("nl", "NL", ("DD-LLL-D", "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "DD-LL-LL", "LL-DD-LL"),
        background=(250, 205, 30), letters="BDFGHJKLNPRSTVXZ"),
    _eu("hr", "HR", ("WcDDD-LL", "WcDDDD-LL", "WcDDDD-L"), letters=_letters_without("QWXY"), words=HR_CITIES),
    _eu("it", "I", ("LL DDD LL",), letters=_letters_without("IOQU"), right_band=("", "RM", "MI", "TO", "NA")),
    _eu("fr", "F", ("LL-DDD-LL",), letters=_letters_without("IOU"),
        right_band=("75", "13", "69", "33", "59", "92", "44", "31", "06", "67")),
    _eu("es", "E", ("DDDD LLL",), letters="BCDFGHJKLMNPRSTVWXYZ"),
    _eu("sk", "SK", ("W-DDDLL", "WsDDDLL"), letters=_letters_without("Q"), words=SK_DISTRICTS),
    _eu("cz", "CZ", ("NLA DDDD", "NLA·DDDD"), letters=_letters_without("GOQW")),
    _eu("pl", "PL", ("LL DDDDD", "LLL DDDD", "LL DDDLL", "LLL DLDD"), letters=_letters_without("BDIOZ")),
    _eu("at", "A", ("WaD{2,5} LL", "WaD{3,5} L", "WaLD{2,4}", "WaLL D{2,3}"), words=AT_DISTRICTS, max_chars=8,
        edge_bands=(210, 30, 40)),
))


# --- United States ---------------------------------------------------------------------------
# US dies draw the I with slab serifs and many a narrow W whose middle vertex stops short: drawn so
# on `render.ALIAS_SHARE` of the US plates (0.9.2); Texas and California dies a W with upright outer
# stems, drawn instead of the short-vertex W on half of those plates (0.15.0); Texas, Colorado and
# Vermont dies a W with upright outer stems and a middle vertex short of the top, the third form
# (0.22.0: recogniser 0.15 and the 0.21 pair read 9 real W of such plates as M, H or N).
# Serial letters (0.31.0): many US states leave I, O and Q out of their serials (they read as 1 and
# 0); vanity plates (``A`` tokens) and free texts keep all 26. The real US truth has O 7 times, I 24
# and Q 16 among 1,342 letters (about 52 per letter on average); generator 0.30.0 drew every letter
# alike, and the pair misread nine real US crops between 0/O, 1/I and 0/Q.
US_SERIAL_LETTERS = _letters_without("IOQ")
US_FORMS = "I" + SLAB_I + "W" + SHORT_VERTEX_W + "W" + STRAIGHT_W + "W" + STRAIGHT_SHORT_W
US_BOLTS = Bolts(((0.21, 0.09), (0.79, 0.09), (0.21, 0.91), (0.79, 0.91)), radius=0.035)


# Marks against the registration (0.16.0): on real US crops the stacked type letters (``BR 2515``
# read ``892515``), Wyoming's county number and seals beside the text were the largest group of
# misreadings (read longer than the truth); the fixed-place captions above sit too far from it.
US_SIDE_MARK = SideMark(("stacked", "county", "seal"), 0.25)


def _us(name: str, patterns, top: tuple[str, ...], bottom: tuple[str, ...], background, text, caption_colour,
        fonts=(ROBOTO, DEJAVU, ROBOTO_MEDIUM, ROBOTO_REGULAR, MONO, NARROW, HIGHWAY_B, HIGHWAY_C, HIGHWAY_D,
               PLAY_BOLD),
        letters: str = US_SERIAL_LETTERS, extra=(),
        rows=None) -> PlateVariant:
    decorations = (*extra,
                   Caption((0.27, 0.03, 0.73, 0.2), top, colour=caption_colour, font=SCRIPT),
                   Caption((0.27, 0.82, 0.73, 0.96), bottom, colour=caption_colour), US_BOLTS, Border(0.02, 0.015),
                   US_SIDE_MARK)
    return PlateVariant(
        name=name, size_mm=(305, 152), patterns=patterns,
        rows=rows or (Row(top=0.25, bottom=0.78, left=0.05, right=0.95),),
        schemes=(ColourScheme(background, text, text),), fonts=fonts, decorations=decorations, letters=letters,
        vanity_letters=LETTERS, glyph_aliases=US_FORMS,
    )


# Short texts (0.24.0): 57 of the 374 real US crops have 3-5 characters (vanity plates; numbers
# beside stacked type letters, as Massachusetts' `5555` or Wyoming's `3555`), and the shipped pair
# read 23 of them (4 of 20 with four characters), mostly by doubling a character (`2422` read
# `24222`, `GUTSY` `GUU3YY`); generator 0.23.0 drew 4 characters on 1% of US plates, 3 on none.
VANITY = "A{2,8}"
SHORT_VANITY = "A{3,5}"
SHORT_NUMBER = "D{3,5}"
US_STATES = ("ALABAMA", "Alaska", "ARIZONA", "Arkansas", "California", "Colorado", "CONNECTICUT", "Delaware",
             "FLORIDA", "GEORGIA", "Hawaii", "IDAHO", "Illinois", "INDIANA", "IOWA", "KANSAS", "Kentucky", "LOUISIANA",
             "MAINE", "Maryland", "MASSACHUSETTS", "Michigan", "MINNESOTA", "MISSISSIPPI", "MISSOURI", "MONTANA",
             "NEBRASKA", "NEVADA", "New Hampshire", "New Jersey", "New Mexico", "NEW YORK", "North Carolina",
             "NORTH DAKOTA", "OHIO", "OKLAHOMA", "OREGON", "Pennsylvania", "Rhode Island", "South Carolina",
             "SOUTH DAKOTA", "Tennessee", "TEXAS", "UTAH", "Vermont", "VIRGINIA", "Washington", "West Virginia",
             "Wisconsin", "WYOMING")
US_SLOGANS = ("", "Land of Lincoln", "First in Flight", "Live Free or Die", "Great Lakes", "The Natural State",
              "Famous Potatoes", "Sweet Home", "Wild, Wonderful", "America's Dairyland", "Aloha State")
US_STICKERS = (Caption((0.03, 0.05, 0.2, 0.2), ("JAN", "APR", "JUL", "OCT", "FEB", "DEC", ""), colour=(255, 255, 255),
                       background=(40, 60, 150)),
               Caption((0.8, 0.05, 0.97, 0.2), ("2009", "11", "2012", "05", ""), colour=(20, 20, 20),
                       background=(250, 200, 40)))


# Idaho-like county codes: a small digit over a letter at the plate's left end, not part of the
# registration; readers must learn to leave them out (extra first characters on real US crops).
US_COUNTY_CODE = (Caption((0.025, 0.3, 0.11, 0.5), tuple("123456789")),
                  Caption((0.025, 0.5, 0.11, 0.7), tuple("ABCEGKLMNPTW")))


# Specialty-plate marks beside the registration, not part of it (about one real US crop in seven has
# one): two stacked letters of the plate type at the left or right end (handicapped "DP", "HH",
# "MSC", ...), or a symbol at the left (wheelchair, club and service logos).
US_STACKED_LEFT = (Caption((0.03, 0.27, 0.12, 0.52), tuple(LETTERS)), Caption((0.03, 0.52, 0.12, 0.77), tuple(LETTERS)))
US_STACKED_RIGHT = (Caption((0.88, 0.27, 0.97, 0.52), tuple(LETTERS)), Caption((0.88, 0.52, 0.97, 0.77), tuple(LETTERS)))
US_SYMBOL = (Caption((0.03, 0.24, 0.2, 0.78), ("\u267f", "\u2605", "\u2708", "\u2693", "\u2663", "\u2740", "\u2691",
                                                "\u2665", "\u269c")),)
US_SIDE_MARKS = {"": ((), 0.05, 0.95), "county": (US_COUNTY_CODE, 0.13, 0.95),
                 "stacked_left": (US_STACKED_LEFT, 0.14, 0.95), "stacked_right": (US_STACKED_RIGHT, 0.05, 0.86),
                 "symbol": (US_SYMBOL, 0.21, 0.95)}  # marks, row left, row right


def _us_generic(name: str, scenery: Scenery | None, schemes, side: str = "") -> PlateVariant:
    art = (scenery,) if scenery else ()
    marks, left, right = US_SIDE_MARKS[side]
    return PlateVariant(
        name=name, size_mm=(305, 152), patterns=(VANITY, SHORT_VANITY, SHORT_NUMBER, "NLLLDDD", "DDDLLL", "LLLDDD", "AAA·AAA", "DLLDDD", "LLLeDDD", "DDDeLLL",
                                        "LLeDDDD", "DDDeDDD", "LLLpDDD", "DDDpLLL", "DpDDLL"),
        rows=(Row(top=0.25, bottom=0.78, left=left, right=right),), schemes=schemes,
        fonts=(ROBOTO, DEJAVU, BEBAS, ROBOTO_MEDIUM, ROBOTO_REGULAR, MONO, NARROW, HIGHWAY_B, HIGHWAY_C, HIGHWAY_D,
               PLAY_BOLD, *SERIF_NARROW),
        decorations=(*art, Caption((0.22, 0.02, 0.78, 0.21), US_STATES, font=SCRIPT),
                     Caption((0.2, 0.82, 0.8, 0.96), US_SLOGANS), *US_STICKERS, US_BOLTS, Border(0.02, 0.015),
                     *marks, *(() if side else (US_SIDE_MARK,))),
        letters=US_SERIAL_LETTERS, vanity_letters=LETTERS, glyph_aliases=US_FORMS,
    )


US_DARK_TEXT = ((20, 35, 110), (150, 20, 30), (15, 15, 15), (0, 85, 50), (90, 30, 110))
US = PlateFormat("us", "United States, 12x6 in, several state-like designs, 2-8 characters", (
    _us("california", ("NLLLDDD", "NLLL·DDD", VANITY), ("California",), ("dmv.ca.gov", ""), WHITE, (25, 35, 120), (190, 30, 40)),
    _us("new_york", ("LLL-DDDD",), ("NEW YORK",), ("EMPIRE STATE", "THE EMPIRE STATE"), (246, 190, 60),
        (20, 30, 90), (20, 30, 90), fonts=(ROBOTO, BEBAS)),
    _us("texas", ("LLL-DDDD", "LLLDDDD", "LLLeDDDD", "AAA·AAA", VANITY), ("TEXAS",), ("THE LONE STAR STATE",), WHITE, BLACK, BLACK),
    _us("florida", ("LLL LDD", "DDD LLL", "LLLLDD", "LLLeLDD", "DDDeLLL", "DDDeLDL"), ("MYFLORIDA.COM", "FLORIDA"), ("SUNSHINE STATE",), WHITE,
        (0, 95, 55), (0, 95, 55), fonts=(DEJAVU, ROBOTO)),
    _us("illinois", ("LL DDDDD", "DDDDDDD", "NAA·AAA", VANITY), ("Illinois",), ("LAND OF LINCOLN",), WHITE, (130, 20, 30),
        (20, 40, 120)),
    _us("new_jersey", ("LDDLLL", "LLLDDL", "AAA AAA", "AAAA AA"), ("NEW JERSEY",), ("Garden State",), (240, 226, 165), BLACK, BLACK,
        fonts=(BEBAS, ROBOTO)),
    _us("pennsylvania", ("LLL-DDDD",), ("PENNSYLVANIA",), ("visitPA.com",), WHITE, (20, 40, 120), (255, 255, 255),
        extra=(Band("top", 0.2, (25, 45, 125)), Band("bottom", 0.16, (245, 190, 40))),
        rows=(Row(top=0.29, bottom=0.79, left=0.05, right=0.95),)),
    _us("arizona", ("LLLDDDD", "DDD·LLL", "NAA·AAA", VANITY), ("ARIZONA",), ("GRAND CANYON STATE",), (252, 236, 205),
        (110, 30, 30), (110, 30, 30), fonts=(BEBAS, DEJAVU)),
    _us("delaware", ("D{4,6}", "LDDDDD", "LLDDDD"), ("THE FIRST STATE",), ("DELAWARE",), (40, 45, 70),
        (150, 200, 235), (235, 200, 90), fonts=(ROBOTO, DEJAVU, BEBAS)),
    _us("delaware_gold", ("D{4,6}", "LDDDDD"), ("",), ("DELAWARE",), (25, 25, 25), (235, 200, 90), (235, 200, 90),
        fonts=(ROBOTO, BEBAS)),
    _us("district", ("LLeDDDD", "DDDeDDD", "LL DDDD"), ("WASHINGTON, DC", "Washington, D.C."),
        ("TAXATION WITHOUT REPRESENTATION", "Celebrate & Discover"), WHITE, (200, 70, 40), (30, 50, 140),
        fonts=(ROBOTO, ROBOTO_MEDIUM, BEBAS)),
    # New Mexico (0.29.0): the centennial plate (yellow characters on turquoise) and the classic
    # yellow one (red characters), both with the red zia sun between the groups. The shipped pair of
    # 0.27.0 misread all four centennial plates of the real US crops (`LLL333` read `LLX333`,
    # `LMS301` `MS330`, `LJK920` `74`): no US variant drew light characters on a coloured plate,
    # nor a sun between the groups.
    _us("new_mexico", ("LLLzDDD", "DDDzLLL", "A{1,3}zA{1,4}"), ("CENTENNIAL 1912-2012", "NEW MEXICO"),
        ("NEW MEXICO", "LAND OF ENCHANTMENT"), (40, 165, 180), (250, 210, 45), (250, 225, 110),
        fonts=(NARROW, HIGHWAY_C, ROBOTO, BEBAS)),
    _us("new_mexico_yellow", ("LLLzDDD", "DDDzLLL", "A{1,3}zA{1,4}"), ("NEW MEXICO", "USA"),
        ("LAND OF ENCHANTMENT",), (245, 205, 50), (175, 30, 40), (175, 30, 40),
        fonts=(NARROW, HIGHWAY_C, ROBOTO, BEBAS)),
    # Missouri (0.35.0): two letters, a digit, the registration tabs, a letter, a digit and a letter
    # (`AB1 C2D`), dark blue on a white-to-pale-blue plate. 37 of the 114 real US dev photos' plates
    # are Missouri's; no variant drew the pattern (only free and vanity texts), nor stickers between
    # the groups, and the pair misread 9 of their true-box crops (`DG2Z6U` read `DG276U`).
    _us("missouri", ("LLDtLDL",), ("Missouri", "MISSOURI"), ("SHOW-ME STATE", ""), (236, 242, 248), (25, 40, 105),
        (25, 40, 105), fonts=(NARROW, HIGHWAY_C, HIGHWAY_D, ROBOTO, DEJAVU, ROBOTO_MEDIUM)),
    _us_generic("state_plain", None, tuple(ColourScheme(bg, text, text) for bg in (WHITE, (236, 240, 245),
                                                                                   (250, 240, 200))
                                           for text in US_DARK_TEXT)),
    _us_generic("state_scenery", Scenery((0.0, 0.0, 1.0, 1.0), (150, 190, 235), (250, 250, 245), (200, 215, 190)),
                tuple(ColourScheme(WHITE, text, text) for text in US_DARK_TEXT)),
    _us_generic("state_sunset", Scenery((0.0, 0.0, 1.0, 1.0), (250, 215, 150), (255, 250, 235), (230, 190, 150)),
                tuple(ColourScheme(WHITE, text, text) for text in US_DARK_TEXT)),
    _us_generic("state_county", Scenery((0.0, 0.0, 1.0, 1.0), (200, 40, 45), (245, 245, 250), (170, 190, 215)),
                tuple(ColourScheme(WHITE, text, text) for text in US_DARK_TEXT), side="county"),
    _us_generic("state_stacked_left", None, tuple(ColourScheme(bg, text, text) for bg in (WHITE, (250, 240, 200))
                                                  for text in US_DARK_TEXT), side="stacked_left"),
    _us_generic("state_stacked_right", Scenery((0.0, 0.0, 1.0, 1.0), (150, 190, 235), (250, 250, 245), (200, 215, 190)),
                tuple(ColourScheme(WHITE, text, text) for text in US_DARK_TEXT), side="stacked_right"),
    _us_generic("state_symbol", Scenery((0.0, 0.0, 1.0, 1.0), (250, 215, 150), (255, 250, 235), (230, 190, 150)),
                tuple(ColourScheme(bg, text, text) for bg in (WHITE, (236, 240, 245)) for text in US_DARK_TEXT),
                side="symbol"),
))


# --- East Asia -------------------------------------------------------------------------------
JP_REGIONS = ("品川", "練馬", "足立", "横浜", "名古屋", "大阪", "神戸", "京都", "札幌", "福岡", "仙台", "千葉", "湘南", "多摩",
              "世田谷", "所沢", "相模", "尾張小牧", "和泉", "堺", "奈良", "広島", "長野", "新潟", "静岡", "浜松", "宇都宮",
              "熊本", "沖縄", "八王子", "川崎", "岡山")
JP_KANA = "さすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるろれわ"

JP = PlateFormat("jp", "Japan, 330x165 mm, two rows: region + class number, hiragana + serial", (
    PlateVariant(
        name="jp", size_mm=(330, 165), patterns=("W NDD|K ND-DD", "W NDD|K ·NDD", "W NDD|K ··ND", "W NDD|K ···N",
                                                 "W ND|K ND-DD"),
        rows=(Row(top=0.1, bottom=0.36, left=0.2, right=0.8),
              Row(top=0.44, bottom=0.92, left=0.04, right=0.97, special_scale=0.58)),
        schemes=(ColourScheme(WHITE, (0, 95, 55), (0, 95, 55)), ColourScheme((245, 210, 40), BLACK, BLACK),
                 ColourScheme((0, 100, 60), WHITE, WHITE), ColourScheme(BLACK, (245, 210, 40), (245, 210, 40))),
        fonts=(JP_FONT,), decorations=(Border(0.015, 0.02), Bolts(((0.12, 0.16), (0.88, 0.16)), radius=0.045)),
        specials=JP_KANA, words=JP_REGIONS,
    ),
))

KR_REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "경기", "강원", "충북", "충남", "전북", "전남", "경북",
              "경남", "제주")
KR_PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호"
KR_TWO_ROWS = (Row(top=0.1, bottom=0.38, left=0.2, right=0.8), Row(top=0.45, bottom=0.92, left=0.05, right=0.95))

KR = PlateFormat("kr", "South Korea: 12가 3456 / 123가 4567 one row, region + class over hangul + serial two rows", (
    PlateVariant(
        name="kr_2006", size_mm=(520, 110), patterns=("DDK DDDD", "DDDK DDDD"),
        rows=(Row(top=0.16, bottom=0.84, left=0.1, right=0.96),),
        schemes=(ColourScheme(WHITE, BLACK, BLACK),), fonts=(KR_FONT,),
        decorations=(Flag((0.025, 0.2, 0.075, 0.8), "kr"), Border(0.03, 0.0)), specials=KR_PRIVATE,
    ),
    PlateVariant(
        name="kr_green", size_mm=(335, 170), patterns=("W DD|K DDDD",), rows=KR_TWO_ROWS,
        schemes=(ColourScheme((40, 110, 75), WHITE, WHITE),), fonts=(KR_FONT,),
        decorations=(Border(0.02, 0.02), Bolts(((0.1, 0.2), (0.9, 0.2)))), specials=KR_PRIVATE, words=KR_REGIONS,
    ),
    PlateVariant(
        name="kr_commercial", size_mm=(335, 170), patterns=("W DD|K DDDD",), rows=KR_TWO_ROWS,
        schemes=(ColourScheme((245, 200, 35), (20, 40, 110), (20, 40, 110)),), fonts=(KR_FONT,),
        decorations=(Border(0.02, 0.02), Bolts(((0.1, 0.2), (0.9, 0.2)))), specials="바사아자", words=KR_REGIONS,
    ),
))

CN_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
CN_LETTERS = _letters_without("IO")

CN = PlateFormat("cn", "China (GA 36-2018): 京A·12345, white on blue; two-row yellow for large vehicles", (
    PlateVariant(
        name="cn_blue", size_mm=(440, 140), patterns=("KL·AAAAA",),
        rows=(Row(top=0.14, bottom=0.86, left=0.04, right=0.96),),
        schemes=(ColourScheme((15, 60, 170), WHITE, WHITE),), fonts=(CN_FONT,),
        decorations=(Border(0.025, 0.035),), letters=CN_LETTERS, specials=CN_PROVINCES,
    ),
    PlateVariant(
        name="cn_yellow", size_mm=(440, 220), patterns=("KL|AAAAA",),
        rows=(Row(top=0.08, bottom=0.36, left=0.25, right=0.75), Row(top=0.44, bottom=0.92, left=0.05, right=0.95)),
        schemes=(ColourScheme((245, 195, 20), BLACK, BLACK),), fonts=(CN_FONT,),
        decorations=(Border(0.02, 0.025),), letters=CN_LETTERS, specials=CN_PROVINCES,
    ),
))

FORMATS: dict[str, PlateFormat] = {f.name: f for f in (AR_MERCOSUR, AR_OLD, BR_MERCOSUR, BR_OLD, EU, US, JP, KR, CN)}
LATIN_FORMATS = ("ar_mercosur", "ar_old", "br_mercosur", "br_old", "eu", "us")
CJK_FORMATS = ("jp", "kr", "cn")
