"""Rebuilds fonts/ from Debian's font packages; run after `apt-get install` of the packages below.

    apt-get install fonts-opendin fonts-dejavu-core fonts-bebas-neue fonts-roboto-unhinted \
        fonts-ipafont-gothic fonts-nanum fonts-wqy-zenhei fonts-liberation fonts-roadgeek \
        fonts-play
    apt-get install fonts-routed-gothic fonts-national-park fonts-b612 fonts-urw-base35 \
        fonts-freefont-ttf fonts-open-sans fonts-inter fonts-lato fonts-cantarell fonts-clear-sans \
        fonts-dosis fonts-cabin fonts-league-spartan fonts-karla fonts-jura fonts-beteckna \
        fonts-manrope fonts-quicksand fonts-hack fonts-jetbrains-mono fonts-crosextra-carlito \
        fonts-noto-core fonts-dejavu-extra
    .venv/bin/python fonts/make_fonts.py [--pool-only] [--only NAME ...]

The *font pool* (``fonts/pool/``, `lprlab.plate_catalog.FONT_POOL`: sans-serif faces of every
build, from signage and cockpit fonts to monospaced and rounded ones, and three serif faces, drawn on a share of Latin plates
so that the recogniser learns characters rather than a dozen fonts' glyphs) is subset to the Latin
letters and digits. CJK fonts are subset with fontTools to the glyphs the plate catalogue uses, so the repository
stays small. Each font's Debian copyright file is copied beside it as <font>.LICENSE.txt.
"""
import pathlib
import shutil
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

from lprlab.formats import DIGITS, LETTERS
from lprlab.plate_catalog import CN_PROVINCES, JP_KANA, JP_REGIONS, KR_PRIVATE, KR_REGIONS

HERE = pathlib.Path(__file__).parent
SYSTEM = pathlib.Path("/usr/share/fonts")
LATIN = {  # file in fonts/ -> (system path, Debian package)
    "OSP-DIN.ttf": ("truetype/opendin/OSP-DIN.ttf", "fonts-opendin"),
    "DejaVuSansCondensed-Bold.ttf": ("truetype/dejavu/DejaVuSansCondensed-Bold.ttf", "fonts-dejavu-core"),
    "BebasNeue-Regular.otf": ("opentype/bebas-neue/BebasNeue-Regular.otf", "fonts-bebas-neue"),
    "RobotoCondensed-Bold.ttf": ("truetype/roboto/unhinted/RobotoCondensed-Bold.ttf", "fonts-roboto-unhinted"),
    "RobotoCondensed-BoldItalic.ttf": ("truetype/roboto/unhinted/RobotoCondensed-BoldItalic.ttf",
                                       "fonts-roboto-unhinted"),
    "RobotoCondensed-Medium.ttf": ("truetype/roboto/unhinted/RobotoCondensed-Medium.ttf", "fonts-roboto-unhinted"),
    "RobotoCondensed-Regular.ttf": ("truetype/roboto/unhinted/RobotoCondensed-Regular.ttf", "fonts-roboto-unhinted"),
    "DejaVuSansCondensed.ttf": ("truetype/dejavu/DejaVuSansCondensed.ttf", "fonts-dejavu-core"),
    "DejaVuSansMono-Bold.ttf": ("truetype/dejavu/DejaVuSansMono-Bold.ttf", "fonts-dejavu-core"),
    "LiberationSansNarrow-Bold.ttf": ("truetype/liberation/LiberationSansNarrow-Bold.ttf", "fonts-liberation"),
    "RG2014B.ttf": ("truetype/roadgeek/RG2014B.ttf", "fonts-roadgeek"),
    "RG2014C.ttf": ("truetype/roadgeek/RG2014C.ttf", "fonts-roadgeek"),
    "RG2014D.ttf": ("truetype/roadgeek/RG2014D.ttf", "fonts-roadgeek"),
    "Play-Bold.ttf": ("truetype/play/Play-Bold.ttf", "fonts-play"),
    "Play-Regular.ttf": ("truetype/play/Play-Regular.ttf", "fonts-play"),
}
POOL = {  # file in fonts/pool/ -> (system path, Debian package)
    "routed-gothic.ttf": ("truetype/routed-gothic/routed-gothic.ttf", "fonts-routed-gothic"),
    "routed-gothic-narrow.ttf": ("truetype/routed-gothic/routed-gothic-narrow.ttf", "fonts-routed-gothic"),
    "NationalPark-Regular.otf": ("opentype/national-park/NationalPark-Regular.otf", "fonts-national-park"),
    "NationalPark-Heavy.otf": ("opentype/national-park/NationalPark-Heavy.otf", "fonts-national-park"),
    "B612-Bold.otf": ("opentype/b612/B612-Bold.otf", "fonts-b612"),
    "B612Mono-Bold.otf": ("opentype/b612/B612Mono-Bold.otf", "fonts-b612"),
    "NimbusSansNarrow-Bold.otf": ("opentype/urw-base35/NimbusSansNarrow-Bold.otf", "fonts-urw-base35"),
    "NimbusSansNarrow-Regular.otf": ("opentype/urw-base35/NimbusSansNarrow-Regular.otf", "fonts-urw-base35"),
    "NimbusSans-Bold.otf": ("opentype/urw-base35/NimbusSans-Bold.otf", "fonts-urw-base35"),
    "URWGothic-Demi.otf": ("opentype/urw-base35/URWGothic-Demi.otf", "fonts-urw-base35"),
    "FreeSansBold.ttf": ("truetype/freefont/FreeSansBold.ttf", "fonts-freefont-ttf"),
    "OpenSans-CondBold.ttf": ("truetype/open-sans/OpenSans-CondBold.ttf", "fonts-open-sans"),
    "OpenSans-Semibold.ttf": ("truetype/open-sans/OpenSans-Semibold.ttf", "fonts-open-sans"),
    "Inter-Bold.otf": ("opentype/inter/Inter-Bold.otf", "fonts-inter"),
    "Lato-Bold.ttf": ("truetype/lato/Lato-Bold.ttf", "fonts-lato"),
    "Cantarell-Bold.otf": ("opentype/cantarell/Cantarell-Bold.otf", "fonts-cantarell"),
    "ClearSans-Bold.ttf": ("truetype/clear-sans/ClearSans-Bold.ttf", "fonts-clear-sans"),
    "ClearSans-Medium.ttf": ("truetype/clear-sans/ClearSans-Medium.ttf", "fonts-clear-sans"),
    "Dosis-Bold.otf": ("opentype/dosis/Dosis-Bold.otf", "fonts-dosis"),
    "Dosis-SemiBold.otf": ("opentype/dosis/Dosis-SemiBold.otf", "fonts-dosis"),
    "Cabin-Bold.otf": ("opentype/cabin/Cabin-Bold.otf", "fonts-cabin"),
    "LeagueSpartan-Bold.otf": ("opentype/league-spartan/LeagueSpartan-Bold.otf", "fonts-league-spartan"),
    "Karla-Bold.otf": ("truetype/karla/Karla-Bold.otf", "fonts-karla"),
    "Jura-Bold.otf": ("opentype/jura/Jura-Bold.otf", "fonts-jura"),
    "BetecknaGS-Bold.ttf": ("truetype/beteckna/BetecknaGS-Bold.ttf", "fonts-beteckna"),
    "BetecknaGSCondensed-Bold.ttf": ("truetype/beteckna/BetecknaGSCondensed-Bold.ttf", "fonts-beteckna"),
    "Manrope-Bold.ttf": ("truetype/manrope/Manrope-Bold.ttf", "fonts-manrope"),
    "Quicksand-Bold.ttf": ("truetype/quicksand/Quicksand-Bold.ttf", "fonts-quicksand"),
    "Hack-Bold.ttf": ("truetype/hack/Hack-Bold.ttf", "fonts-hack"),
    "JetBrainsMono-ExtraBold.ttf": ("truetype/jetbrains-mono/JetBrainsMono-ExtraBold.ttf", "fonts-jetbrains-mono"),
    "LiberationMono-Bold.ttf": ("truetype/liberation/LiberationMono-Bold.ttf", "fonts-liberation"),
    "LiberationSans-Bold.ttf": ("truetype/liberation/LiberationSans-Bold.ttf", "fonts-liberation"),
    "LiberationSansNarrow-Regular.ttf": ("truetype/liberation/LiberationSansNarrow-Regular.ttf", "fonts-liberation"),
    "Carlito-Bold.ttf": ("truetype/crosextra/Carlito-Bold.ttf", "fonts-crosextra-carlito"),
    "NotoSans-Bold.ttf": ("truetype/noto/NotoSans-Bold.ttf", "fonts-noto-core"),
    "NotoSansDisplay-Bold.ttf": ("truetype/noto/NotoSansDisplay-Bold.ttf", "fonts-noto-core"),
    # serif faces (generator 0.32.0): Virginia's and older US dies have serifs
    "DejaVuSerifCondensed-Bold.ttf": ("truetype/dejavu/DejaVuSerifCondensed-Bold.ttf", "fonts-dejavu-extra"),
    "DejaVuSerif-Bold.ttf": ("truetype/dejavu/DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    "LiberationSerif-Bold.ttf": ("truetype/liberation/LiberationSerif-Bold.ttf", "fonts-liberation"),
}
COMMON = DIGITS + LETTERS + "-・· "
CJK = {  # file in fonts/ -> (system path, font number in collection, package, characters kept)
    "ipag-plates.ttf": ("opentype/ipafont-gothic/ipag.ttf", 0, "fonts-ipafont-gothic",
                        COMMON + JP_KANA + "".join(JP_REGIONS)),
    "NanumGothicBold-plates.ttf": ("truetype/nanum/NanumGothicBold.ttf", 0, "fonts-nanum",
                                   COMMON + KR_PRIVATE + "바사아자" + "".join(KR_REGIONS)),
    "wqy-zenhei-plates.ttf": ("truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei", COMMON + CN_PROVINCES),
}


def copy_licence(name: str, package: str) -> None:
    shutil.copyfile(f"/usr/share/doc/{package}/copyright", HERE / f"{name}.LICENSE.txt")


def save_subset(source: pathlib.Path, target: pathlib.Path, chars: str, number: int = 0) -> None:
    """Saves the glyphs of `chars` (and the layout features) of `source` as `target`."""
    font = TTFont(source, fontNumber=number)
    options = subset.Options()
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
    subsetter.subset(font)
    font.save(target)


def main(pool_only: bool = False, only: tuple[str, ...] = ()) -> None:
    """Rebuilds the fonts; with `only`, just those pool fonts (the others stay as they are)."""
    for name, (path, package) in ({} if pool_only or only else LATIN).items():
        shutil.copyfile(SYSTEM / path, HERE / name)
        copy_licence(name, package)
    for name, (path, number, package, chars) in ({} if pool_only or only else CJK).items():
        save_subset(SYSTEM / path, HERE / name, chars, number)
        copy_licence(name, package)
    (HERE / "pool").mkdir(exist_ok=True)
    for name, (path, package) in POOL.items():
        if only and name not in only:
            continue
        save_subset(SYSTEM / path, HERE / "pool" / name, DIGITS + LETTERS)
        copy_licence(f"pool/{name}", package)
    for path in sorted([*HERE.glob("*.*tf"), *HERE.glob("pool/*.*tf")]):
        print(f"{path.name:34s} {path.stat().st_size / 1024:8.1f} KiB")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(pool_only="--pool-only" in arguments,
         only=tuple(arguments[arguments.index("--only") + 1:]) if "--only" in arguments else ())
