"""Email addresses people disguise: ``john dot smith at example dot com``, ``john[at]example
[dot]com``, ``john (at) example.com``, ``john at example.com``.

A candidate is a local part, an "at" (bracketed ``[at]``/``(at)``/``{at}``/``<at>``, a bare
word ``at``, or an ``@`` with spaces), and a domain whose labels are joined by ``.``, ``dot``
or a bracketed ``dot`` and that ends in a known top-level domain. A bare ``at`` is ordinary
English ("look at example.com", "meet me at home dot"), so it counts only when the word before
it is not one that usually precedes "at", no domain label is such a word, and a domain written
with real dots does not end like a file name ("error at utils.py").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_S = r"[ \t]"
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_LABEL = r"[a-z0-9][a-z0-9-]{0,62}+"  # possessive: a separator never starts with these
_DOT = (rf"{_S}{{0,3}}{_OPEN}{_S}{{0,2}}dot{_S}{{0,2}}{_CLOSE}{_S}{{0,3}}"
        rf"|{_S}{{1,3}}dot{_S}{{1,3}}|\.")
_DOMAIN = rf"(?P<domain>{_LABEL}(?:(?:{_DOT}){_LABEL}){{1,5}})(?![\w@-])"
_DOT_SPLIT = re.compile(rf"(?i)({_DOT})")

# Scanning for a whole address at every word costs more than the rest of this kind's work,
# so the finder starts at each "at" or "@" and reads the domain forwards and the local part
# backwards (a reversed pattern over the reversed text), both anchored there.
_AT_WORD = re.compile(r"(?i)at\b")  # a literal start: fast to search for
_BEFORE_AT_WORD = frozenset(" \t[({<")
_AFTER_AT = re.compile(
    rf"(?i)at(?:{_S}{{0,2}}(?P<close>{_CLOSE}){_S}{{0,3}}|{_S}{{1,3}}){_DOMAIN}")
_AFTER_SIGN = re.compile(rf"(?i)@{_S}{{0,3}}{_DOMAIN}")
# Reversed: a local part is words joined by dots (spelled or not), the first word starting
# with a letter or digit and standing at the start of a token.
_WORD_REVERSED = r"[a-z0-9_%+-]*+(?<=[a-z0-9])"
_DOT_REVERSED = (rf"{_S}{{0,3}}{_CLOSE}{_S}{{0,2}}tod{_S}{{0,2}}{_OPEN}{_S}{{0,3}}"
                 rf"|{_S}{{1,3}}tod{_S}{{1,3}}|\.")
_LOCAL_REVERSED = (rf"(?P<local>{_WORD_REVERSED}(?:(?:{_DOT_REVERSED}){_WORD_REVERSED}){{0,4}})"
                   r"(?![\w.%+@-])")
_BEFORE_AT_REVERSED = re.compile(
    rf"(?i)(?:{_S}{{0,2}}(?P<open>{_OPEN}){_S}{{0,3}}|{_S}{{1,3}}){_LOCAL_REVERSED}")
_BEFORE_SIGN_REVERSED = re.compile(rf"(?i){_S}{{0,3}}{_LOCAL_REVERSED}")

# Every text an address is found in matches this: an "@", or the word "at" followed by a
# label and a dot (spelled or not). The scanner's hint gate relies on it.
# ("at" before its look-behind: a letter is quicker to rule out at every position.)
HINT = (r"@|(?i:at(?<![a-z0-9]at)[^a-z0-9\n]{1,6}[a-z0-9][a-z0-9-]{0,62}[^a-z0-9\n]{0,6}"
        r"(?:\.[a-z0-9]|dot(?![a-z0-9])))")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Top-level domains common in email addresses: the generic ones people use and the country
# codes (ISO 3166-1 alpha-2, plus uk and eu). Rare new gTLDs ("now", "day", "dot") are left
# out on purpose: after a bare "at" they are more often words than domains.
TLDS = _words(
    "com net org edu gov mil int info biz name pro mobi io ai app dev xyz online site tech "
    "email cloud studio agency digital group live shop store blog news media "
    "ac ad ae af ag ai al am ao ar as at au aw az ba bb bd be bf bg bh bi bj bm bn bo br bs "
    "bt bw by bz ca cd cf cg ch ci ck cl cm cn co cr cu cv cy cz de dj dk dm do dz ec ee eg "
    "er es et eu fi fj fm fo fr ga gd ge gh gi gl gm gn gp gr gt gu gy hk hn hr ht hu id ie "
    "il im in iq ir is it je jm jo jp ke kg kh ki km kn kr kw ky kz la lb lc li lk lr ls lt "
    "lu lv ly ma mc md me mg mk ml mm mn mo mt mu mv mw mx my mz na nc ne nf ng ni nl no np "
    "nr nu nz om pa pe pf pg ph pk pl pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg si "
    "sk sl sm sn so sr st sv sy sz tc td tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us "
    "uy uz va vc ve vg vi vn vu ws ye za zm zw")

# Country codes that are also file extensions: "main.py", "notes.md" after a bare "at" are
# files, not mail domains. (Spelled "dot py" or a bracketed at still count.)
_FILE_EXTENSIONS = _words("py md sh rs pl cc so ps ml sc in am")

# Words that usually stand before a bare "at" in prose ("look at", "available at", "meet me
# at") and words that are domain labels only in prose ("at the dot com").
_PROSE_BEFORE_AT = _words("""
    a an the i me you him her it us them we they he she one someone everyone anyone nobody
    this that these those here there where what which who whom when while
    and or but if so as of in on up out off to for from by with than then also just only
    is are was were be been being am do does did have has had can could will would should
    may might must shall not no yes all any some more most less least many much
    look looks looked looking see saw seen glance glanced stare stared point pointed
    arrive arrived arrives arriving stay stayed staying meet met meeting live lives lived
    work works worked working job jobs study studied intern internship based located hosted
    host found find listed published posted stored saved kept available online offline
    download downloads visit sign signed log logged login apply applied register registered
    buy bought sell sold shop shopping order ordered sale sales price priced free
    docs doc documentation info information details page site website web blog repo code
    source demo link links url home error errors line fails failed failure crash crashed
    exception raised thrown starts started ends ended begins begin stop stopped open opened
    now today tonight tomorrow yesterday anytime
    aimed aim aiming good bad best better worse great poor expert skilled
    lunch dinner breakfast noon night midnight morning evening once twice
    """)
_PROSE_LABELS = _words("""
    a an the my your our his her their its this that these those some any every each
    home work school office noon night midnight morning evening lunch dinner least most
    """)


class ObfuscatedEmailDetector:
    """Spans of disguised email addresses (plain ones are the email regex's)."""

    kind = "email"
    hint = HINT

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        reversed_text = ""
        anchors = [(m.start(), _AFTER_AT, _BEFORE_AT_REVERSED) for m in _AT_WORD.finditer(text)
                   if m.start() and text[m.start() - 1] in _BEFORE_AT_WORD]
        at_sign = text.find("@")
        while at_sign >= 0:
            anchors.append((at_sign, _AFTER_SIGN, _BEFORE_SIGN_REVERSED))
            at_sign = text.find("@", at_sign + 1)
        for at_start, after_pattern, before_pattern in anchors:  # overlaps: the scanner merges
            after = after_pattern.match(text, at_start)
            if after is None:
                continue
            reversed_text = reversed_text or text[::-1]
            before = before_pattern.match(reversed_text, len(text) - at_start)
            if before is None or not self._brackets_agree(before, after):
                continue
            start = len(text) - before.end("local")
            at_end = after.start("domain")
            end = self._domain_end(text[start:len(text) - before.start("local")],
                                   text[len(text) - before.start("local"):at_end],
                                   after.group("domain"), at_end)
            if end is not None:
                yield start, end

    @staticmethod
    def _brackets_agree(before: re.Match[str], after: re.Match[str]) -> bool:
        """"[at]" and " at " but not "[at " or " at]"."""
        opened = before.groupdict().get("open") is not None
        return opened == (after.groupdict().get("close") is not None)

    def _domain_end(self, local: str, at: str, domain: str, domain_start: int) -> int | None:
        """Where the address ends (its last known TLD), or None when it is not one."""
        # pieces: label, separator, label, separator, ..., label
        pieces = _DOT_SPLIT.split(domain)
        labels, separators = pieces[0::2], pieces[1::2]
        bare_at = at.strip().lower() == "at"
        spelled = [s for s in separators + _DOT_SPLIT.findall(local) if s != "."]
        if at == "@" and not spelled:
            return None  # a plain address: the email regex finds it
        for last in range(len(labels) - 1, 0, -1):
            tld = labels[last]
            if tld.lower() not in TLDS or not (tld.islower() or tld.isupper()):
                continue
            used_labels, used_separators = labels[:last + 1], separators[:last]
            if any(label.endswith("-") for label in used_labels):
                return None
            if bare_at and not self._plausible_after_bare_at(local, used_labels,
                                                             used_separators):
                return None
            return domain_start + sum(map(len, used_labels)) + sum(map(len, used_separators))
        return None

    @staticmethod
    def _plausible_after_bare_at(local: str, labels: list[str],
                                 separators: list[str]) -> bool:
        before_at = _DOT_SPLIT.split(local)[-1].lower()
        if not any(c.isalpha() for c in local):
            return False  # "version 3.12 at python.org"
        if before_at in _PROSE_BEFORE_AT or any(lab.lower() in _PROSE_LABELS for lab in labels):
            return False
        written_with_dots = separators[-1] == "."
        return not (written_with_dots and labels[-1].lower() in _FILE_EXTENSIONS)
