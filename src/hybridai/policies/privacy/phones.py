"""Phone numbers as Google's libphonenumber finds and validates them, read for the countries a
prompt implies.

A number written without a country code ("020 7946 0958") means something only in a country:
it is read as a number of the configured region, and of every region the prompt points to — a
country or city it names, an e-mail or web domain, a currency, another number's country code,
the language it is written in. With a phone word right before it ("Tel.", "Telefon",
"téléphone"), a formatted number is also tried in the most common regions. A bare run of digits
counts only after such a word: unformatted, it is more often an ID, and so is a number that an
order or a ticket is named by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import id_numbers
from .detectors import ID_COMPOUND_PREFIX, ID_CUE, RunDetector, Span, line_before

# Cues in a text, and the regions they point to. Each is a whole word (or a symbol).
_REGION_CUES: dict[str, tuple[str, ...]] = {
    r"uk|u\.k\.|united kingdom|britain|england|scotland|wales|london|manchester|birmingham|"
    r"£|gbp|nhs": ("GB",),
    r"ireland|dublin": ("IE",),
    r"germany|deutschland|berlin|m[üu]nchen|munich|hamburg|k[öo]ln|frankfurt|"
    r"stra(?:ß|ss)e|telefon|handy|rufnummer|anrufen|bitte|danke|und": ("DE", "AT", "CH"),
    r"austria|[öo]sterreich|wien|vienna": ("AT",),
    r"switzerland|schweiz|suisse|z[üu]rich|gen[eè]ve|geneva|chf": ("CH",),
    r"france|paris|lyon|marseille|toulouse|t[ée]l[ée]phone|portable|bonjour|merci|"
    r"appelez|num[ée]ro": ("FR", "BE", "CH"),
    r"belgium|belgique|belgi[ëe]|brussels|bruxelles": ("BE",),
    r"india|mumbai|delhi|bangalore|bengaluru|chennai|hyderabad|kolkata|pune|₹|rs\.?|inr|"
    r"lakh|crore": ("IN",),
    r"spain|espa[ñn]a|madrid|barcelona|valencia|sevilla|tel[ée]fono|m[óo]vil|hola|"
    r"gracias|llamar": ("ES", "MX"),
    r"mexico|m[ée]xico|guadalajara|monterrey|celular": ("MX",),
    r"italy|italia|roma|rome|milano|milan|napoli|torino|telefono|cellulare|grazie|"
    r"chiamare": ("IT",),
    r"netherlands|nederland|holland|amsterdam|rotterdam|utrecht|bellen|bedankt": ("NL",),
    r"portugal|lisboa|lisbon|porto": ("PT",),
    r"brazil|brasil|s[ãa]o paulo|rio de janeiro|telefone|obrigad[oa]|r\$": ("BR",),
    r"australia|sydney|melbourne|brisbane|perth|aud": ("AU",),
    r"japan|tokyo|osaka|¥|jpy": ("JP",),
    r"canada|toronto|vancouver|montr[ée]al": ("CA",),
    # Countries, capitals and the words a letter closes with, further afield.
    r"denmark|danmark|copenhagen|k[øo]benhavn|aarhus|odense|med venlig hilsen|"
    r"venlig hilsen|mvh": ("DK",),
    r"sweden|sverige|stockholm|g[öo]teborg|gothenburg|malm[öo]|med v[äa]nlig h[äa]lsning|"
    r"v[äa]nliga h[äa]lsningar|h[äa]lsningar": ("SE",),
    r"norway|norge|oslo|bergen|trondheim|med vennlig hilsen|vennlig hilsen": ("NO",),
    r"finland|suomi|helsinki|helsingfors|tampere|turku|yst[äa]v[äa]llisin terveisin|"
    r"terveisin|kiitos": ("FI",),
    r"iceland|[íi]sland|reykjav[íi]k|me[ðd] kve[ðd]ju|kve[ðd]ja": ("IS",),
    r"greenland|gr[øo]nland|kalaallit|nuuk": ("GL",),
    r"poland|polska|warszawa|warsaw|krak[óo]w|wroc[łl]aw|gda[ńn]sk|pozdrawiam|"
    r"z powa[żz]aniem|dzi[ęe]kuj[ęe]": ("PL",),
    r"czech|czechia|[čc]esko|praha|prague|brno|s pozdravem|d[ěe]kuji": ("CZ",),
    r"slovakia|slovensko|bratislava|ko[šs]ice|s pozdravom|[ďd]akujem": ("SK",),
    r"hungary|magyarorsz[áa]g|budapest|debrecen|szeged|[üu]dv[öo]zlettel|k[öo]sz[öo]n[öo]m":
        ("HU",),
    r"estonia|eesti|tallinn|tartu|lugupidamisega|t[äa]nan": ("EE",),
    r"latvia|latvija|riga|r[īi]ga": ("LV",),
    r"lithuania|lietuva|vilnius": ("LT",),
    r"slovenia|slovenija|ljubljana|maribor|lep pozdrav|hvala": ("SI", "HR"),
    r"croatia|hrvatska|zagreb|split|lijep pozdrav|srda[čc]an pozdrav": ("HR",),
    r"romania|rom[âa]nia|bucure[șs]ti|bucharest|cu stim[ăa]": ("RO",),
    r"bulgaria|sofia": ("BG",),
    r"greece|ελλάδα|athens|athina|thessaloniki": ("GR",),
    r"cyprus|kypros|nicosia|lefkosia|limassol|larnaca": ("CY",),
    r"luxembourg|luxemburg": ("LU",),
    r"new zealand|aotearoa|auckland|wellington|christchurch|nz": ("NZ",),
    r"south africa|johannesburg|cape town|pretoria|durban|rand|zar": ("ZA",),
    r"tunisia|tunisie|tunis|sfax|sousse": ("TN",),
    r"morocco|maroc|casablanca|rabat": ("MA",),
    r"uruguay|montevideo": ("UY",),
    r"argentina|buenos aires|c[óo]rdoba|rosario": ("AR",),
    r"chile|santiago de chile": ("CL",),
    r"colombia|bogot[áa]|medell[íi]n": ("CO",),
    r"turkey|t[üu]rkiye|istanbul|ankara|sayg[ıi]lar[ıi]mla": ("TR",),
}
_TLD_REGIONS = {"uk": "GB", "ie": "IE", "de": "DE", "at": "AT", "ch": "CH", "fr": "FR",
                "be": "BE", "in": "IN", "es": "ES", "mx": "MX", "it": "IT", "nl": "NL",
                "pt": "PT", "br": "BR", "au": "AU", "jp": "JP", "ca": "CA", "dk": "DK",
                "se": "SE", "no": "NO", "fi": "FI", "is": "IS", "gl": "GL", "pl": "PL",
                "cz": "CZ", "sk": "SK", "hu": "HU", "ee": "EE", "lv": "LV", "lt": "LT",
                "si": "SI", "hr": "HR", "ro": "RO", "bg": "BG", "gr": "GR", "cy": "CY",
                "lu": "LU", "nz": "NZ", "za": "ZA", "tn": "TN", "ma": "MA", "uy": "UY",
                "ar": "AR", "cl": "CL", "co": "CO", "tr": "TR"}
_TLD = re.compile(r"(?i)[a-z0-9-]\.(" + "|".join(_TLD_REGIONS) + r")(?![\w.-])")
# One pass over the text finds every cue; the group that matched names its regions.
_CUES = re.compile(r"(?i)(?<![\w.])(?:" + "|".join(
    f"(?P<c{i}>{cue})" for i, cue in enumerate(_REGION_CUES)) + r")(?!\w)")
_CUE_REGIONS = {f"c{i}": regions for i, regions in enumerate(_REGION_CUES.values())}
_COUNTRY_CODE = re.compile(r"(?<![\w+])(?:\+|00)(\d{1,3})[\s.-]?\(?\d")
# Tried for a formatted number right after a phone word, when no cue names its country:
# the regions of every cue above, most populous first.
_COMMON_REGIONS = tuple(dict.fromkeys(
    ("GB", "DE", "FR", "IN", "ES", "IT", "NL", "BR", "MX", "AU", "CA", "JP")
    + tuple(r for regions in _REGION_CUES.values() for r in regions)))


def implied_regions(text: str) -> list[str]:
    """The regions a text points to, in the order its cues first appear."""
    import phonenumbers

    found: list[tuple[int, str]] = []
    for match in _CUES.finditer(text):
        assert match.lastgroup is not None
        found += [(match.start(), region) for region in _CUE_REGIONS[match.lastgroup]]
    for match in _TLD.finditer(text):
        found.append((match.start(), _TLD_REGIONS[match.group(1).lower()]))
    for match in _COUNTRY_CODE.finditer(text):
        region = phonenumbers.region_code_for_country_code(int(match.group(1)))
        if region != phonenumbers.UNKNOWN_REGION:
            found.append((match.start(), region))
    found.sort(key=lambda cue: cue[0])  # stable: a cue's own regions keep their order
    return list(dict.fromkeys(region for _, region in found))


class PhoneDetector:
    """Numbers libphonenumber validates for the configured region or one the text implies.

    Each run of digits and separators is tried piece by piece (from the longest), each piece
    parsed and validated by libphonenumber: a run may hold a number with stray numbers glued
    on ("555-0132 5 times"), which its matcher gives up on, and the matcher costs more than the
    rest of the scan together. The regions a text implies are only worked out when a piece is
    not a number of the configured region. One detector serves every thread: what it learns
    of a text stays in that text's ``_Reading``.
    """

    kind = "phone"
    hint = r"\d"

    def __init__(self, region: str) -> None:
        self.region = region

    # An extension printed after the number belongs to it: "438.241.8468 ext. 4394".
    _extension = re.compile(r"(?i)[ \t]*,?[ \t]*(?:ext\.?|extension|x|durchwahl|dw\.?|poste|"
                            r"interno|int\.|anexo)[ \t]*:?[ \t]*\d{1,6}(?!\d)")

    def find(self, text: str) -> Iterator[Span]:
        if sum(map(str.isdigit, text)) < 7:
            return  # nothing to find; spares the matcher's start-up
        for start, end in _Reading(self.region, text).spans():
            extension = self._extension.match(text, end)
            yield start, extension.end() if extension else end


class _Reading(RunDetector):
    """One text read for phone numbers: the regions it implies, its printed blocks."""

    kind = "phone"
    # Digits and the separators numbers are printed with ("030/1234567" in Germany).
    # A run of digits ends at a word's character, except an extension's "x" ("…2671x123").
    run = re.compile(r"(?<![\w+])\+?\(?\d[\d ()./-]{5,}\d(?!(?!x\d)\w)")
    _cue = re.compile(r"(?i)(?:phone|tel|call|mobile|cell|fax|whatsapp|text|sms|number|reach|"
                      r"contact|dial|telefon|rufnummer|handy|mobil|anrufen|t[ée]l[ée]phone|"
                      r"portable|num[ée]ro|n[úu]mero|appel(?:er|ez)?|tel[ée]fono|m[óo]vil|celular|"
                      r"llam(?:ar|e)|telefone|cellulare|chiam(?:are|a)|nummer|bellen|"
                      r"puh|puhelin|tlf|mob|gsm|s[íi]mi|telefonsz[áa]m|numer|[čc][íi]slo|"
                      r"broj|ph|bel|appelle|suna[țt]i|suna|ring|calls|kontakt|cel|cell?ulare?|"
                      r"lig(?:ar|ue|a)|τηλέφωνο|τηλ|κινητό|телефон|тел|m(?=:))\b\.?"
                      # "call me on", "ruf mich an:", "appelez-moi au": a few short words
                      r"(?:\W{1,3}[^\W\d_]{1,6}){0,3}\W{0,30}$")
    # "number", "contact", "reach" and "text" also precede order and tracking numbers.
    _weak_cues = frozenset({"number", "contact", "reach", "text", "kontakt", "número",
                            "numero"})
    # ...but not as "my new number", "contact no.": a person's own number.
    _own = re.compile(r"(?i)\bmy[ \t]+(?:new[ \t]+|own[ \t]+|personal[ \t]+|private[ \t]+)?$")
    _contact_no = re.compile(r"(?i)contact[ \t]+(?:no|nr|number)\b")
    # A phone word after the number: "Is 01564153643 a mobile?", "0412 734 881 (mobile)".
    _cue_after = re.compile(r"(?i)[ \t]*(?:is[ \t]+|was[ \t]+)?(?:a|my|the|your)?[ \t]*"
                            r"(?:mobile|cell(?:phone)?|landline|phone)\b|[ \t]*\((?:mobile|"
                            r"cell|home|work|landline|mob|tel)\.?\)")
    # A calendar date, not "+55-11-93726-3074" (55 is no day, 9372 no year).
    _date = re.compile(
        r"(?<!\d)(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])"
        r"|(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d\d"
        r"|(?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)\d\d)(?!\d)")
    _national = re.compile(r"(?:\(0\d{1,4}\)[ ]?|0\d{1,4}[ ./-])\d{2,8}(?:[ .-]\d{2,8}){0,3}")
    _groups = re.compile(r"[\d()]+")
    _glued = re.compile(r"[A-Za-z0-9][-_/]$")  # "ORD-555-123-4567": part of an identifier
    _block = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{4}(?: [A-Za-z0-9]{4}){3,}")
    # How a phone number is printed: a + or a 0 or a bracketed code first, groups of 2-5.
    _printed = re.compile(r"(?:\+\d{1,3}[ .-]?|00\d{1,3}[ .-]?|\(\d{1,5}\)[ .-]?|0)?"
                          r"\d{1,5}(?:[ .-]\d{2,5}){1,5}")

    def __init__(self, region: str, text: str) -> None:
        self.region = region
        self.text = text
        self._implied: tuple[str, ...] | None = None
        self._blocks = [m.span() for m in self._block.finditer(text)]

    @property
    def implied(self) -> tuple[str, ...]:
        """The regions the text points to besides the configured one (worked out once)."""
        if self._implied is None:
            self._implied = tuple(r for r in implied_regions(self.text) if r != self.region)
        return self._implied

    def spans(self) -> Iterator[Span]:
        return self.find(self.text)

    def valid(self, text: str, start: int, piece: str) -> bool:
        if not self._plausible(text, start, piece):
            return False
        if self._date.search(piece):
            return False
        if _valid(piece, self.region) or any(_valid(piece, r) for r in self.implied):
            return True
        formatted = piece.startswith("+") or any(c in piece for c in " -./()")
        before = line_before(text, start, 40)
        cue = self._cue.search(before)
        if cue is None:
            # "Is 01564153643 a mobile?": a phone word after it, and a common region's plan
            if self._cue_after.match(text, start + len(piece), start + len(piece) + 30):
                return any(_valid(piece, region) for region in _COMMON_REGIONS)
            # "020 7946 0958", "06-12345678": a national number printed as one (the trunk
            # prefix 0, then groups) that a common region's plan validates
            return (self._national.fullmatch(piece) is not None
                    and 9 <= sum(c.isdigit() for c in piece) <= 12
                    and any(_valid(piece, region) for region in _COMMON_REGIONS)
                    and not id_numbers.cue_before(text, start))
        # After a phone word proper ("Tel.", "call", "WhatsApp"), a number of one of the
        # common regions counts however it is printed ("Tel. 2004334964" in Mexico).
        if (formatted or self._strong(cue, before)) and any(_valid(piece, region)
                                                            for region in _COMMON_REGIONS):
            return True
        if not formatted:
            # After a weak cue that is a verb ("text 01217165130"; not "number", which names
            # accounts too), a national number written as one run: the trunk prefix 0, ten
            # or eleven digits, valid in a common region's plan.
            return (cue.group().lower().split()[0].rstrip(".:") in ("text", "reach", "contact")
                    and piece.startswith("0") and not piece.startswith("00")
                    and 10 <= len(piece) <= 11 and not _counting(piece)
                    and any(_valid(piece, region) for region in _COMMON_REGIONS))
        # Right after a phone word ("Tel.:", "phone number:"), a number printed as a phone
        # is one, even when no country's plan validates it: people write their numbers with
        # a digit too many or too few, and under redact it is theirs all the same.
        digits = sum(c.isdigit() for c in piece)
        return (self._strong(cue, before) and 7 <= digits <= 15
                and self._printed.fullmatch(piece)
                is not None and cue.end() - cue.start() <= 32)

    _id_compound = re.compile(rf"(?i)(?<![^\W\d_]){ID_COMPOUND_PREFIX}$")

    def _strong(self, cue: re.Match[str], before: str = "") -> bool:
        """A phone word proper, not one that also names order numbers ("number", "text"),
        unless a person's own ("my new number", "contact no."); nor the end of an order's
        or customer's compound ("Bestellnummer", unlike "Telefonnummer")."""
        if self._id_compound.search(before, 0, cue.start()):
            return False
        words = cue.group().lower().split()
        word = words[0].rstrip(".:")
        if len(words) > 1 and words[1].rstrip(".:,") in ("me", "us"):
            return True  # "reach me on", "text us at": a person's own
        return word not in self._weak_cues or bool(
            self._own.search(before, 0, cue.start())) or bool(
            self._contact_no.match(cue.group()))

    def _plausible(self, text: str, start: int, raw: str) -> bool:
        if self._date.search(raw):
            return False
        groups = [len(g.strip("()")) for g in self._groups.findall(raw)]
        if groups.count(1) > 1 or 1 in groups[2:]:
            return False  # "1 1 2 3 5 8 13": only a country or area code is one digit
        if any(a < start < b for a, b in self._blocks):
            return False  # inside "PL89 7890 2320 3833 …": a printed IBAN or card
        before = line_before(text, start, 40)
        cue = self._cue.search(text, max(0, start - 40), start)
        strong = cue is not None and self._strong(cue, text)
        if not strong and (ID_CUE.search(before) or self._glued.search(before)):
            return False
        formatted = raw.startswith("+") or any(c in raw for c in " -./()")
        return formatted or cue is not None or bool(
            self._cue_after.match(text, start + len(raw), start + len(raw) + 30))


def _counting(digits: str) -> bool:
    """Digits counting up or down ("0123456789"): a sample, not a number."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {9})


def _valid(candidate: str, region: str) -> bool:
    import phonenumbers

    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)
