"""Where a catalogue alias may start and end inside a word: one rule per script family. Pure.

The catalogue lists each name once, as a dictionary writes it; these rules let it carry the
affixes its language attaches to names, and nothing else:

- Slavic (Cyrillic): an alias written as a stem (``Путин*``) takes up to three more Cyrillic
  letters (Путина, Путиным); an inner ``*`` (``сборн* России``) takes one of the case endings
  of ``SLAVIC_ENDINGS`` (the loader expands it);
- Arabic and Persian (Arabic script): attached prefixes before the name (و and, ف so, ب in,
  ل for, ك as, ال the, and their combinations: والصين, بالصين, للصين) and attached suffixes
  after it (the nisba ي/ية/يين/يون, Persian ی/یی/ها/های);
- Devanagari and Bengali: attached case suffixes (রাশিয়ার, রাশিয়াকে, अमेरिकियों);
- Hangul: particles after the name (러시아는, 미국의, 중국과의), chained;
- Latin (Turkish suffixes after an apostrophe, Rusya'nın): the apostrophe already ends the
  word, so the plain word-boundary rule holds; a Latin stem (``russisch*``) takes up to three
  letters; Han or kana beside a Latin name is a boundary (FBIが, 米ＣＮＮ);
- Arabic script is folded before matching, in the text and the aliases alike
  (``fold_arabic``): the Persian and Arabic forms of yeh and kaf (ی ي ى, ک ك) are one
  letter, hamza seats (أ إ آ) are bare alef, and vowel marks, the shadda, the tatweel and the
  zero-width non-joiner are skipped (بـوتين, الصّين, روس‌ها are بوتين, الصين, روسها);
- Han and kana (Chinese, Japanese): no boundaries at all; names match anywhere, and blockers
  (纽约时报) hide the names inside longer words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LATIN, CYRILLIC, ARABIC, INDIC = "latin", "cyrillic", "arabic", "indic"
HANGUL, CJK = "hangul", "cjk"
MAX_STEM_SUFFIX = 3

# Case endings an inner "*" of a Slavic alias stands for (Russian and Ukrainian nouns and
# adjectives, singular and plural); "" too: the word as written.
SLAVIC_ENDINGS = (
    "", "а", "я", "у", "ю", "ы", "и", "е", "о", "і", "ї", "ой", "ей", "ом", "ем", "ам", "ям",
    "ах", "ях", "ами", "ями", "ая", "яя", "ую", "юю", "ое", "ее", "ые", "ие", "ый", "ий", "ого",
    "его", "ому", "ему", "ым", "им", "ых", "их", "ыми", "ими", "ою", "ею", "ій", "ої", "ові",
    "ів")

# Arabic script: what may be attached before a name. A conjunction (و, ف), then a
# preposition (ب, ل, ك), then the article (ال); ل + ال is written لل.
_AR_CONJ = ("", "و", "ف")
_AR_PREP = ("", "ب", "ل", "ك")
_AR_ART = ("", "ال")
ARABIC_PREFIXES = frozenset(c + p + a for c in _AR_CONJ for p in _AR_PREP for a in _AR_ART
                            if c + p + a) | frozenset({"لل", "ولل", "فلل"})
# ... and after it: nisba adjectives, plurals, duals, pronoun suffixes, Persian ezafe/plural.
ARABIC_SUFFIXES = frozenset({
    "ي", "ية", "يين", "يون", "يان", "يتين", "ه", "ها", "هم", "ة", "ات", "ان", "ين", "ون",
    "ی", "یی", "ای", "های", "یان", "ییان", "ایی"})

# Bengali and Devanagari: case and number suffixes written onto the noun, with an emphatic
# ও / ই (also) that may follow. য় is listed in both encodings (U+09DF and য + nukta).
_BN_CASES = ("র", "এর", "ের", "কে", "য়", "য়", "য়ে", "য়ে", "য়ের", "য়ের", "তে", "ে", "রা", "দের",
             "ীয়", "ীয়", "ান", "ের")
_HI_CASES = ("ी", "ियों", "ियो", "ियां", "ों", "े", "ा", "ीय")
_EMPHATIC = ("", "ও", "ই")
INDIC_SUFFIXES = frozenset({c + e for c in _BN_CASES for e in _EMPHATIC} | set(_EMPHATIC[1:])
                           | set(_HI_CASES))

# Korean particles and the bound nouns written onto a name (측 side, 산 made in, 인 person,
# 군 army, 발 from, 행 bound for), chained: 중국과의 = 중국 + 과 + 의.
KOREAN_PARTICLES = frozenset({
    "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "와", "과", "도", "만", "로",
    "으로", "까지", "부터", "보다", "처럼", "라는", "이라는", "이나", "나", "이며", "이다", "엔",
    "에도", "에선", "에서도", "으로서", "로서", "으로부터", "로부터", "과도", "와도", "측", "산",
    "인", "인들", "군", "발", "행", "계", "간", "식", "이랑", "랑", "한테", "께", "뿐", "마저",
    "조차", "이란", "란", "대로", "만큼"})
KOREAN_CHAIN = 3


# Arabic script folding: letters written two ways become one (same length), and marks that
# are not letters are skipped.
_AR_LETTERS = str.maketrans({"\u06cc": "\u064a", "\u0649": "\u064a", "\u06a9": "\u0643",
                             "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
                             "\u0671": "\u0627"})
_AR_SKIP = re.compile("[\u064b-\u065f\u0670\u0640\u200c]")
_AR_LEAD_BYTES = (b"\xd8", b"\xd9", b"\xda", b"\xdb")
_AR_FOLD = re.compile("[\u064b-\u065f\u0670\u0640\u200c\u06cc\u0649\u06a9\u0623\u0625"
                      "\u0622\u0671]")


def fold_arabic(text: str) -> str:
    """Arabic-script text as the matcher compares it (see the module's docstring)."""
    return _AR_SKIP.sub("", text.translate(_AR_LETTERS))


def arabic_folded(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded, and for each of its characters the offset in ``text`` it came from;
    (``text``, None) when there is nothing to fold."""
    # Arabic script is U+0600-U+06FF, lead bytes D8-DB in UTF-8: memchr beats a regex.
    raw = text.encode("utf-8", "surrogatepass")
    if not any(lead in raw for lead in _AR_LEAD_BYTES) or _AR_FOLD.search(text) is None:
        return text, None
    letters = text.translate(_AR_LETTERS)
    if _AR_SKIP.search(letters) is None:
        return letters, list(range(len(text)))
    at = [i for i, ch in enumerate(letters) if not _AR_SKIP.match(ch)]
    return "".join(letters[i] for i in at), at


def script_of(text: str) -> str:
    """The script family that decides an alias's boundaries (its first letter's)."""
    for ch in text:
        if "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            return CJK
        if "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f":
            return HANGUL
        if "\u0400" <= ch <= "\u04ff":
            return CYRILLIC
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            return ARABIC
        if "\u0900" <= ch <= "\u09ff":
            return INDIC
        if ch.isalpha():
            return LATIN
    return LATIN


def is_word(ch: str) -> bool:
    """A letter, digit, or a combining mark (Indic vowel signs are marks, not letters)."""
    return ch.isalnum() or ch == "_" or (not ch.isascii() and unicodedata.category(ch)[0] == "M")


@lru_cache(maxsize=65536)
def _korean_ok(rest: str, depth: int = 0) -> bool:
    if not rest:
        return True
    if depth == KOREAN_CHAIN:
        return False
    return any(rest.startswith(p) and _korean_ok(rest[len(p):], depth + 1)
               for p in KOREAN_PARTICLES)


def _word_end(text: str, end: int, script: str) -> int:
    n = len(text)
    while end < n and is_word(text[end]) and (not text[end].isalpha()
                                              or script_of(text[end]) == script):
        end += 1
    return end


def _beside_cjk(script: str, ch: str) -> bool:
    """A name in Latin letters beside Han or kana ends there: Chinese and Japanese write no
    spaces around a foreign word (FBIが, 米ＣＮＮ, 在FBI的)."""
    return script == LATIN and script_of(ch) == CJK


def start_ok(text: str, start: int, script: str) -> bool:
    """Whether an alias of ``script`` may begin at ``start``."""
    if script == CJK or start == 0 or not is_word(text[start - 1]) or not is_word(text[start]):
        return True
    if _beside_cjk(script, text[start - 1]):
        return True
    if script == ARABIC:
        begin = start
        while begin > 0 and is_word(text[begin - 1]) and start - begin <= 8:
            begin -= 1
        if begin > 0 and is_word(text[begin - 1]):
            return False
        return fold_arabic(text[begin:start]) in ARABIC_PREFIXES
    return False


def _is_harakah(ch: str) -> bool:
    """An Arabic vowel mark or shadda (أميركيّة), or the tatweel: not a letter of the word."""
    return "\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640"


_ARABIC_SUFFIXES_FOLDED = frozenset(map(fold_arabic, ARABIC_SUFFIXES))


def end_of(text: str, start: int, end: int, script: str, stem: bool) -> int | None:
    """Where a match of an alias of ``script`` ending at ``end`` really ends (its affixes
    taken in), or None when it ends inside another word."""
    n = len(text)
    if script == CJK or end >= n:
        return end
    if stem and script in (CYRILLIC, LATIN, ARABIC):
        extra = 0
        while end < n and (_is_harakah(text[end]) or (
                extra < MAX_STEM_SUFFIX and text[end].isalpha()
                and script_of(text[end]) == script)):
            extra += not _is_harakah(text[end])
            end += 1
    if end >= n or not is_word(text[end]) or not is_word(text[end - 1]) \
            or _beside_cjk(script, text[end]):
        return end
    if script in (ARABIC, INDIC, HANGUL):
        word_end = _word_end(text, end, script)
        if word_end < n and is_word(text[word_end]):
            return None  # runs into a word of another script
        rest = "".join(ch for ch in text[end:word_end] if not _is_harakah(ch))
        if not rest:
            return word_end
        if script == ARABIC:
            rest = fold_arabic(rest)
        allowed = {ARABIC: _ARABIC_SUFFIXES_FOLDED, INDIC: INDIC_SUFFIXES}.get(script)
        if (allowed is not None and rest in allowed) or (script == HANGUL and _korean_ok(rest)):
            return word_end
    return None


__all__ = ["SLAVIC_ENDINGS", "arabic_folded", "end_of", "fold_arabic", "is_word", "script_of",
           "start_ok"]
