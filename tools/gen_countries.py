#!/usr/bin/env python3
"""Generates services/registration's country tables from Debian's iso-codes.

Usage: python3 tools/gen_countries.py INPUT.json OUTPUT.inc

INPUT.json is iso-codes' iso_3166-1.json (in /usr/share/iso-codes/json/).
OUTPUT.inc is a C++ fragment that services/registration/countries.cc includes
inside its namespace, using the row types declared in countries.h:

  kCountryRows    {alpha-2 code, iso-codes "name"} for every entry, by code.
  kAliasRows      {key, alpha-2 code}, by key (bytewise), for binary search.
  kKeySampleRows  {raw text, key} for every text this script made a key of,
                  plus probes covering the whole fold table; the C++ test
                  checks that CountryKey() gives the same key for each, so the
                  two implementations of the key rule are held together.

Aliases come mechanically from each entry: alpha_2, alpha_3, name,
official_name, common_name, and for any of those of the form "X, Y" also
"Y X" and "X (Y)". A leading "the " is part of the key rule and so is dropped
everywhere. _EXTRA_ALIASES adds the few UN/common forms iso-codes lacks.

The key rule (mirrored by CountryKey() in countries.cc; change both together):
every code point is folded -- whitespace (ASCII and U+00A0) to a space,
typographic apostrophes to "'", Unicode hyphens to "-", accented Latin letters
to their lower-case base letters, ASCII capitals to lower case, anything else
kept; runs of spaces collapse to one and are trimmed at both ends; then one
leading "the " is removed.

Two codes claiming the same key is an error, unless the key is listed in
_AMBIGUOUS, in which case it is dropped (and said so on stderr). The output
depends only on the input file.
"""

import json
import os
import sys
import unicodedata

# --- The key rule. Keep in step with countries.cc. ---------------------------

# Whitespace, apostrophes, hyphens and letters that fold to two letters;
# checked before _FOLD_RANGES.
_SPECIAL_FOLDS = {
    0x09: " ", 0x0A: " ", 0x0B: " ", 0x0C: " ", 0x0D: " ", 0x20: " ",
    0xA0: " ",
    0x2018: "'", 0x2019: "'", 0x02BC: "'",
    0x2010: "-", 0x2011: "-",
    0xC6: "ae", 0xE6: "ae", 0xDE: "th", 0xFE: "th", 0xDF: "ss", 0x1E9E: "ss",
    0x132: "ij", 0x133: "ij", 0x152: "oe", 0x153: "oe",
}

# (first code point, one lower-case base letter per code point; "*" = no fold).
_FOLD_RANGES = (
    (0x00C0, "aaaaaa*ceeeeiiiidnooooo*ouuuuy**"
             "aaaaaa*ceeeeiiiidnooooo*ouuuuy*y"),
    (0x0100, "aaaaaaccccccccddddeeeeeeeeeegggg"
             "gggghhhhiiiiiiiiii**jjkkklllllll"
             "lllnnnnnnnnnoooooo**rrrrrrssssss"
             "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs"),
    (0x0218, "sstt"),
    (0x1E00, "aabbbbbbccddddddddddeeeeeeeeeeff"
             "gghhhhhhhhhhiiiikkkkkkllllllllmm"
             "mmmmnnnnnnnnoooooooopppprrrrrrrr"
             "ssssssssssttttttttuuuuuuuuuuvvvv"
             "wwwwwwwwwwxxxxyyzzzzzzhtwyas****"
             "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
             "eeeeeeeeiiiioooooooooooooooooooo"
             "oooouuuuuuuuuuuuuuyyyyyyyy******"),
)


def _fold(cp):
    special = _SPECIAL_FOLDS.get(cp)
    if special is not None:
        return special
    for first, letters in _FOLD_RANGES:
        if first <= cp < first + len(letters):
            if letters[cp - first] != "*":
                return letters[cp - first]
            break
    if ord("A") <= cp <= ord("Z"):
        return chr(cp + 32)
    return chr(cp)


def country_key(text):
    """The lookup key of `text`; see the module docstring."""
    words = "".join(_fold(ord(ch)) for ch in text).split(" ")
    key = " ".join(w for w in words if w)
    if key.startswith("the "):
        key = key[4:]
    return key


def _check_fold_ranges():
    """Guards the hand-kept fold strings against slips, using unicodedata."""
    for first, letters in _FOLD_RANGES:
        for i, letter in enumerate(letters):
            cp = first + i
            decomposed = unicodedata.normalize("NFKD", chr(cp))[0].lower()
            is_letter = decomposed.isascii() and decomposed.isalpha()
            if letter == "*":
                if is_letter and cp not in _SPECIAL_FOLDS:
                    sys.exit(f"gen_countries: U+{cp:04X} decomposes to "
                             f"{decomposed!r} but is not folded")
            elif is_letter and decomposed != letter:
                sys.exit(f"gen_countries: U+{cp:04X} folds to {letter!r}, "
                         f"unicodedata says {decomposed!r}")
            elif not letter.isascii() or not letter.islower():
                sys.exit(f"gen_countries: U+{cp:04X} folds to {letter!r}, "
                         "not a lower-case letter")


# --- Data. -------------------------------------------------------------------

# UN and common forms that iso-codes does not give (as name, official_name,
# common_name or a derived "X, Y" form).
_EXTRA_ALIASES = (
    ("Lao PDR", "LA"),
    ("Turkey", "TR"),
    ("Netherlands (Kingdom of the)", "NL"),
    ("UK", "GB"),
    ("Great Britain", "GB"),
    ("Russia", "RU"),
    ("Brunei", "BN"),
    ("Swaziland", "SZ"),
    ("Macedonia", "MK"),
    ("Burma", "MM"),
    ("East Timor", "TL"),
    ("Cape Verde", "CV"),
    ("Ivory Coast", "CI"),
    ("Palestine", "PS"),
    ("UAE", "AE"),
    ("Macau", "MO"),
    ("Vatican", "VA"),
    ("DR Congo", "CD"),
)

# Keys that more than one code may claim; dropped rather than guessed.
_AMBIGUOUS = frozenset()

# Extra texts run through the key rule only so that the C++ test can compare
# the two implementations over every fold and over whitespace handling.
_KEY_PROBES = (
    "  Viet \t Nam  ",
    "\u00a0The\u00a0 Gambia\n",
    "the",
    "The ",
    "THE THE Netherlands",
    "Lao People\u2019s Democratic Republic",
    "Timor\u2010Leste",
    "C\u00d4TE D\u2018IVOIRE",
    "Vi\u1ec7t Nam",
    "Cura\u00e7ao \u00d7 \u00f7 \u0180 \u4e2d\u56fd \U0001f1fb\U0001f1f3",
)


def _probes():
    yield from _KEY_PROBES
    yield "".join(chr(cp) for cp in sorted(_SPECIAL_FOLDS))
    for first, letters in _FOLD_RANGES:
        yield "".join(chr(first + i) for i in range(len(letters)))
        # The code points on either side of the range are not folded.
        yield chr(first - 1) + chr(first + len(letters))


def _forms(text):
    """`text`, and for "X, Y" also "Y X" and "X (Y)"."""
    yield text
    if text.count(", ") == 1:
        x, y = text.split(", ")
        yield f"{y} {x}"
        yield f"{x} ({y})"


def _c_string(text):
    """A C++ string literal holding `text` as UTF-8."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in (0x22, 0x5C):
            out.append("\\" + chr(byte))
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: gen_countries.py INPUT.json OUTPUT.inc")
    _check_fold_ranges()
    with open(argv[1], encoding="utf-8") as f:
        entries = json.load(f)["3166-1"]

    names = {}  # alpha-2 -> display name
    claims = {}  # key -> {alpha-2}
    samples = set()  # (raw, key)

    def claim(text, code):
        key = country_key(text)
        samples.add((text, key))
        if key:
            claims.setdefault(key, set()).add(code)

    for entry in entries:
        code = entry["alpha_2"]
        if (len(code) != 2 or not code.isascii() or not code.isupper()
                or code in names):
            sys.exit(f"gen_countries: bad or repeated alpha_2 {code!r}")
        names[code] = entry["name"]
        claim(code, code)
        claim(entry["alpha_3"], code)
        for field in ("name", "official_name", "common_name"):
            if field in entry:
                for form in _forms(entry[field]):
                    claim(form, code)

    for text, code in _EXTRA_ALIASES:
        if code not in names:
            sys.exit(f"gen_countries: extra alias {text!r} names unknown "
                     f"code {code}")
        if claims.get(country_key(text)) == {code}:
            print(f"gen_countries: note: extra alias {text!r} is now given "
                  "by iso-codes", file=sys.stderr)
        claim(text, code)

    for probe in _probes():
        samples.add((probe, country_key(probe)))

    clashes = {key: codes for key, codes in claims.items() if len(codes) > 1}
    unexpected = {key: codes for key, codes in clashes.items()
                  if key not in _AMBIGUOUS}
    if unexpected:
        for key, codes in sorted(unexpected.items()):
            print(f"gen_countries: {key!r} is claimed by "
                  f"{', '.join(sorted(codes))}", file=sys.stderr)
        sys.exit("gen_countries: ambiguous aliases; resolve them or list "
                 "them in _AMBIGUOUS")
    for key in sorted(_AMBIGUOUS):
        if key in clashes:
            print(f"gen_countries: dropping ambiguous {key!r} "
                  f"({', '.join(sorted(clashes[key]))})", file=sys.stderr)
            del claims[key]

    def utf8(text):
        return text.encode("utf-8")

    lines = [
        "// Generated by tools/gen_countries.py from "
        f"{os.path.basename(argv[1])} ({len(names)} countries). Do not edit.",
        "",
        "constexpr CountryRow kCountryRows[] = {",
    ]
    for code in sorted(names):
        lines.append(f"    {{{_c_string(code)}, {_c_string(names[code])}}},")
    lines += ["};", "", "constexpr AliasRow kAliasRows[] = {"]
    for key in sorted(claims, key=utf8):
        (code,) = claims[key]
        lines.append(f"    {{{_c_string(key)}, {_c_string(code)}}},")
    lines += ["};", "", "constexpr KeySampleRow kKeySampleRows[] = {"]
    for raw, key in sorted(samples, key=lambda s: (utf8(s[0]), utf8(s[1]))):
        lines.append(f"    {{{_c_string(raw)}, {_c_string(key)}}},")
    lines += ["};", ""]

    tmp = argv[2] + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines))
    os.replace(tmp, argv[2])


if __name__ == "__main__":
    main(sys.argv)
