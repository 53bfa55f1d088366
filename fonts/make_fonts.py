"""Rebuilds fonts/ from Debian's font packages; run after `apt-get install` of the packages below.

    apt-get install fonts-opendin fonts-dejavu-core fonts-bebas-neue fonts-roboto-unhinted \
        fonts-ipafont-gothic fonts-nanum fonts-wqy-zenhei fonts-liberation fonts-roadgeek \
        fonts-play
    .venv/bin/python fonts/make_fonts.py

CJK fonts are subset with fontTools to the glyphs the plate catalogue uses, so the repository
stays small. Each font's Debian copyright file is copied beside it as <font>.LICENSE.txt.
"""
import pathlib
import shutil

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


def main() -> None:
    for name, (path, package) in LATIN.items():
        shutil.copyfile(SYSTEM / path, HERE / name)
        copy_licence(name, package)
    for name, (path, number, package, chars) in CJK.items():
        font = TTFont(SYSTEM / path, fontNumber=number)
        options = subset.Options()
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
        subsetter.subset(font)
        font.save(HERE / name)
        copy_licence(name, package)
    for path in sorted(HERE.glob("*.*tf")):
        print(f"{path.name:34s} {path.stat().st_size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
