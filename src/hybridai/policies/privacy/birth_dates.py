"""Dates of birth, found on the device without a model: a date next to a birth cue in one of
several languages, or in a table's birth-date column. A date without a cue is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .words import LET, UP, Span, facts, set_of

_MONTHS = {
    # English, German, French, Spanish, Italian, Dutch, Portuguese; abbreviations by prefix.
    **dict.fromkeys(["january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene",
                     "gennaio", "genn", "gen", "januari", "janeiro"], 1),
    **dict.fromkeys(["february", "feb", "februar", "février", "fevrier", "févr", "fevr",
                     "febrero", "febbraio", "febr", "februari", "fevereiro", "fev"], 2),
    **dict.fromkeys(["march", "mar", "märz", "maerz", "mars", "marzo", "maart", "março",
                     "marco", "mrt"], 3),
    **dict.fromkeys(["april", "apr", "avril", "avr", "abril", "abr", "aprile"], 4),
    **dict.fromkeys(["may", "mai", "mayo", "maggio", "mag", "mei", "maio"], 5),
    **dict.fromkeys(["june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"], 6),
    **dict.fromkeys(["july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug",
                     "julho"], 7),
    **dict.fromkeys(["august", "aug", "août", "aout", "agosto", "ago", "augustus"], 8),
    **dict.fromkeys(["september", "sep", "sept", "septembre", "septiembre", "setiembre",
                     "settembre", "set", "setembro"], 9),
    **dict.fromkeys(["october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre",
                     "ott", "outubro", "out"], 10),
    **dict.fromkeys(["november", "nov", "novembre", "noviembre", "novembro"], 11),
    **dict.fromkeys(["december", "dec", "dezember", "dez", "décembre", "decembre", "déc",
                     "diciembre", "dic", "dicembre", "dicembro", "dezembro"], 12),
    # Nordic, Finnic, Hungarian, Polish, Czech, Croatian, Indonesian (also as they decline:
    # "14. března", "14 marca"); "listopad" is October in Croatian, November in Polish and
    # Czech: read as October, which only allows more days.
    **dict.fromkeys(["janúar", "jaanuar", "január", "stycznia", "ledna", "siječnja",
                     "tammikuuta"], 1),
    **dict.fromkeys(["febrúar", "veebruar", "február", "lutego", "února", "veljače",
                     "helmikuuta", "februari"], 2),
    **dict.fromkeys(["marts", "märts", "március", "marca", "března", "ožujka", "maaliskuuta",
                     "maret"], 3),
    **dict.fromkeys(["apríl", "aprill", "április", "kwietnia", "dubna", "travnja",
                     "huhtikuuta"], 4),
    **dict.fromkeys(["maí", "maj", "május", "maja", "května", "svibnja",
                     "toukokuuta"], 5),
    **dict.fromkeys(["júní", "juuni", "június", "czerwca", "června", "lipnja",
                     "kesäkuuta"], 6),
    **dict.fromkeys(["júlí", "juuli", "július", "lipca", "července", "srpnja",
                     "heinäkuuta"], 7),
    **dict.fromkeys(["ágúst", "augusti", "augusztus", "sierpnia", "srpna", "kolovoza",
                     "elokuuta", "agustus"], 8),
    **dict.fromkeys(["szeptember", "września", "září", "rujna", "syyskuuta"], 9),
    **dict.fromkeys(["október", "oktoober", "października", "října", "listopada",
                     "lokakuuta"], 10),
    **dict.fromkeys(["nóvember", "listopadu", "studenoga", "marraskuuta"], 11),
    **dict.fromkeys(["desember", "detsember", "grudnia", "prosince", "prosinca",
                     "joulukuuta", "desember"], 12),
    # Greek (the genitive a date takes) and Romanian
    **dict.fromkeys(["ιανουαρίου", "ianuarie"], 1), **dict.fromkeys(["φεβρουαρίου",
                                                                     "februarie"], 2),
    **dict.fromkeys(["μαρτίου", "martie"], 3), **dict.fromkeys(["απριλίου", "aprilie"], 4),
    **dict.fromkeys(["μαΐου", "μαίου"], 5), **dict.fromkeys(["ιουνίου", "iunie"], 6),
    **dict.fromkeys(["ιουλίου", "iulie"], 7), **dict.fromkeys(["αυγούστου"], 8),
    **dict.fromkeys(["σεπτεμβρίου", "septembrie"], 9),
    **dict.fromkeys(["οκτωβρίου", "octombrie"], 10),
    **dict.fromkeys(["νοεμβρίου", "noiembrie"], 11),
    **dict.fromkeys(["δεκεμβρίου", "decembrie"], 12),
    # Turkish
    **dict.fromkeys(["ocak"], 1), **dict.fromkeys(["şubat", "subat"], 2),
    **dict.fromkeys(["mart"], 3), **dict.fromkeys(["nisan"], 4),
    **dict.fromkeys(["mayıs", "mayis"], 5), **dict.fromkeys(["haziran"], 6),
    **dict.fromkeys(["temmuz"], 7), **dict.fromkeys(["ağustos", "agustos"], 8),
    **dict.fromkeys(["eylül", "eylul"], 9), **dict.fromkeys(["ekim"], 10),
    **dict.fromkeys(["kasım", "kasim"], 11), **dict.fromkeys(["aralık", "aralik"], 12),
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|er|º|°|\.)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# A weekday may open a written date ("Thursday, March 14, 1985"): part of the date's span.
_WEEKDAY = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|die|donners|frei|sams|"
            r"sonn)tag|mittwoch|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|"
            r"martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|lunedì|"
            r"martedì|mercoledì|giovedì|venerdì|sabato|domenica),?[ \t]+")
DATE = re.compile(
    rf"(?i)(?<![\w./-])(?:{_WEEKDAY}(?=\w+[ \t]+\d|\d+\w*[ \t]+[^\W\d]))?(?:"
    rf"(?P<iso>{_YEAR})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})"
    rf"|(?P<a>\d{{1,2}})(?P<sep>[-/.])[ \t]?(?P<b>\d{{1,2}})(?:(?P=sep)[ \t]?|[ \t]+(?={_YEAR}))"
    rf"(?P<y>{_YEAR}|\d\d)"
    rf"|(?P<compact>(?:19|20)\d{{6}})"
    rf"|(?:the[ \t]+)?(?P<dd>{_DAY})[ \t]+(?:of[ \t]+|de[ \t]+)?(?P<dm>{_MONTH}),?"
    rf"(?:[ \t]+(?:de[ \t]+|del[ \t]+)?(?P<dy>{_YEAR}))?"
    rf"|(?P<mm>{_MONTH})[ \t]+(?:the[ \t]+)?(?P<md>{_DAY})(?:,?[ \t]+(?P<my>{_YEAR}))?"
    rf"|(?P<hy>{_YEAR})\.?[ \t]+(?P<hm>{_MONTH})[ \t]+(?P<hd>{_DAY})"  # 1985. március 14.
    rf"|(?P<ny>{_YEAR})\.[ \t]?(?P<nm>\d{{1,2}})\.[ \t]?(?P<nd>\d{{1,2}})\.?"  # 1985. 03. 14.
    rf"|(?P<ym>{_MONTH})[ \t]+(?:de[ \t]+)?(?P<yy>{_YEAR})"
    rf"|(?P<xd>{_DAY})[-/](?P<xm>{_MONTH})[-/](?P<xy>{_YEAR}|\d\d)"  # 14-Mar-1985
    rf"|(?P<ym2>{_MONTH})[-/](?P<yd>{_DAY})[-/](?P<yy2>{_YEAR})"  # Mar-14-1985
    rf")(?!(?!T\d)[\w/]|[.-]\d)")  # a time may follow: "1985-03-14T00:00:00"
_BIRTH = (r"(?:date[ \t_-]?of[ \t_-]?birth|dateofbirth|birth[ \t_-]?date|birthdate|"
          r"birth[ \t_-]?day|birth|d\.[ \t]?o\.[ \t]?b\.?|dob|b-?day|born|"
          # genealogy's "b. 10/06/1926" (a "b." right before a date)
          r"(?<![\w.])(?<!appendix )(?<!annex )(?<!option )(?<!plan )(?<!part )"
          r"(?<!section )(?<!item )(?<!step )b\.(?=[ \t]?\d|[ \t]?$)|"
          r"geburtsdatum|geb\.-?datum|geboren|geb\.|geburtstag|"
          r"date[ \t]+de[ \t]+naissance|née?(?:\(e\))?|anniversaire|"
          r"fecha[ \t]+de[ \t]+nacimiento|f\.[ \t]?nac\.?|nacid[oa]|nací|cumpleaños|"
          r"data[ \t]+di[ \t]+nascita|nat[oa]|compleanno|"
          r"geboortedatum|verjaardag|data[ \t]+de[ \t]+nascimento|nascid[oa]|nasci|"
          r"aniversário|data[ \t]+urodzenia|urodzon[ya]|urodził(?:a|am|aś|e[mś])|födelsedatum|född|"
          r"fødselsdato|født|doğum[ \t]+tarih(?:i|im|in)|doğdum|doğdu|"
          # Finnish, Icelandic, Estonian, Hungarian, Czech, Slovak, Croatian, Slovenian,
          # Indonesian and Malay
          r"fødselsdag|födelsedag|fecha[ \t]+(?:de[ \t]+)?nac\.?|nascimento|"
          r"syntymäaika|syntymäpäivä|syntynyt|syntyi|fæðingardagur|fæddur|fædd|fødd|"
          r"sünniaeg|sünnipäev|sündinud|születési[ \t]+(?:dátum|idő)|született|"
          r"datum[ \t]+narození|narozen[aý]?|nar\.|narodil[ai]?|dátum[ \t]+narodenia|"
          r"narodený|narodená|"
          r"datum[ \t]+rođenja|rođen[ao]?|datum[ \t]+rojstva|rojen[ao]?|"
          r"tanggal[ \t]+lahir|tarikh[ \t]+lahir|lahir|"
          # Romanian, Lithuanian, Latvian, Greek, Russian, Ukrainian, Bulgarian
          r"data[ \t]+na[șş]terii|n[ăa]scut[ăa]?|gimimo[ \t]+data|gim[eę]s|"
          r"dzim[šs]anas[ \t]+datums|ημερομηνία[ \t]+γέννησης|γεννήθηκα|γεννήθηκε|"
          r"дата[ \t]+рождения|родил(?:ся|ась)|дата[ \t]+народження|народив(?:ся|ася)|"
          r"дата[ \t]+на[ \t]+раждане|роден[ао]?|"
          # "birthday" in Polish, Czech, Hungarian, Croatian, Icelandic, Russian, Turkish;
          # the birth date's and birthday's words of Chinese, Japanese and Korean forms
          r"urodzin[y]?|narozenin[yá]?|születésnap(?:om|ja|od)?|rođendan|"
          r"afmæli(?:sdagur|sdaginn|s)?|день[ \t]+рождения|doğum[ \t]+gün(?:ü|üm|ün)|"
          r"生日|出生日期|生年月日|誕生日|생년월일|생일)")
# A cue, then up to 60 characters within its sentence; or a value on the cue's next line.
_BIRTH_BEFORE = re.compile(rf"(?i)(?<![^\W_]){_BIRTH}(?![^\W_])(?:[^\n.!?;\d]|\.(?=\S))"
                           rf"{{0,60}}(?:\?[ \t]*)?(?:\n[ \t]*)?$")
_BIRTH_AFTER = re.compile(rf"(?i)^[ \t]*[,(–-]?[ \t]*(?:\(?(?:my|his|her|their|d'|de|di)?"
                          rf"[ \t]*{_BIRTH}(?!\w)|(?:is|was|ist|est|es|è)[ \t]+(?:my|his|her|"
                          rf"their|mein|meine|mon|ma|mi|il[ \t]+mio)?[ \t]*{_BIRTH}|"
                          rf"(?:is|was)[ \t]+when[ \t]+(?:i|he|she|they)[ \t]+(?:was|were)"
                          rf"[ \t]+born|[^\n.!?;\d]{{0,30}}(?<![\w]){_BIRTH}(?![\w]))")
_ANY_BIRTH_LOW = re.compile(rf"(?<![^\W_]){_BIRTH}(?![^\W_])")  # in lower-cased text: faster


class DateOfBirthDetector:
    """A date (ISO, day/month/year either way round, dotted, written with month names in
    twenty-odd languages, or month and year) with a birth cue before it in its sentence or on the
    line above ("born", "DOB", "date of birth", "geboren am", "né le", "fecha de
    nacimiento", "data di nascita"…), or after it ("(DOB)", "is my birthday"). A date in a
    table's birth-date column has its header as its cue: the scanner reads each cell after
    its header (hybridai.policies.privacy.tables). A date without a cue is not one."""

    kind = "date_of_birth"
    hint = r"\d"

    # Substrings one of the cues holds: without any, there is nothing to look for.
    # Words one of the cues holds (text split at punctuation, "_" and "-" too: "dateOfBirth",
    # "date_of_birth", "D.O.B." all leave one): without any, there is nothing to look for.
    # Chinese, Japanese and Korean write no spaces: their cues are looked for as substrings.
    _unspaced = ("生日", "出生日期", "生年月日", "誕生日", "생년월일", "생일")
    _words = set_of("""birth born dob bday day b geb geboren geburtsdatum geburtstag
    urodziny urodzin narozeniny narozenin narozeniná születésnap születésnapom születésnapja
    rođendan afmæli afmælisdagur afmælisdaginn рождения
    naissance né née anniversaire nacimiento nac nacido nacida nací cumpleaños nascita nato
    nata compleanno geboortedatum verjaardag nascimento nascido nascida nasci aniversário
    urodzenia urodzony urodzona urodziłem urodziłam urodziła urodziłaś doğdum doğdu narodil
    narodila födelsedatum född fødselsdato født doğum
    dateofbirth birthdate birthday datum syntymäaika syntymäpäivä syntynyt syntyi
    fødselsdag födelsedag fecha nascimento fæðingardagur fæddur fædd fødd sünniaeg sünnipäev
    sündinud születési született narození nar
    narozen narozena narozený narodenia narodený narodená rođenja rođen rođena rođeno rojstva
    rojen rojena rojeno lahir nașterii naşterii născut născută nascut gimimo dzimšanas
    γέννησης γεννήθηκα γεννήθηκε рождения родился родилась народження народився народилася
    раждане роден родена""")

    def find(self, text: str) -> Iterator[Span]:
        low, words = facts(text)
        if _RECORD.search(text):
            yield from (m.span() for m in DATE.finditer(text)
                        if _plausible_birth_date(m) and _after_name(text, m))
        if (words.isdisjoint(self._words) and not {"d", "o", "b"} <= words
                and not any(cue in text for cue in self._unspaced)) or not (
                _ANY_BIRTH_LOW.search(low)):
            return
        for m in DATE.finditer(text):
            if not _plausible_birth_date(m):
                continue
            start, end = m.span()
            if (_BIRTH_BEFORE.search(text, max(0, start - 64), start)
                    or _BIRTH_AFTER.match(text[end:end + 40])):
                yield start, end


# A person's record: a full name, then a comma or a bracket, then the date ("Darryl Hunter,
# May 17 1960, 2967 Powers Ave…", "Anna Berg (14.05.1985)"); the date closes its field.
_RECORD = re.compile(rf"{UP}{LET}+(?:[ \t]+{UP}{LET}+){{1,2}}[ \t]*[,(][ \t]*"
                     rf"(?:\d|{UP}{LET}{{2,8}}\.?[ \t]\d)")
_NAME_BEFORE = re.compile(rf"(?<![\w])({UP}{LET}+)(?:[ \t]+{UP}{LET}+)?[ \t]+"
                          rf"({UP}{LET}+)[ \t]*[,(][ \t]*$")
_FIELD_END = re.compile(r"[ \t]*(?:[,;)\n]|$)")


def _after_name(text: str, m: re.Match[str]) -> bool:
    """Whether the date follows a listed given name and surname as its own field, in a year
    that makes its bearer at least ten."""
    from .name_lists import load  # the lists load on first use

    name = _NAME_BEFORE.search(text, max(0, m.start() - 60), m.start())
    if name is None or not _FIELD_END.match(text, m.end()):
        return False
    year = re.findall(r"(?:1[89]|20)\d\d", m.group())
    if not year or int(year[-1]) > date.today().year - 10:
        return False
    given, surnames = load()
    return name.group(1).lower() in given and name.group(2).lower() in surnames


def _plausible_birth_date(m: re.Match[str]) -> bool:
    g = m.groupdict()
    today = date.today()
    if g["iso"]:
        return _valid(int(g["iso"]), int(g["im"]), int(g["id"]))
    if g["a"]:
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        year = y if y >= 100 else (1900 + y if 1900 + y <= today.year - 1 else 2000 + y)
        if len(g["y"]) == 2 and year > today.year:
            year -= 100
        return _valid(year, b, a) or _valid(year, a, b)
    if g["compact"]:
        c = g["compact"]
        return _valid(int(c[:4]), int(c[4:6]), int(c[6:]))
    if g["dm"]:
        return _valid(int(g["dy"] or 2000), _month(g["dm"]), int(re.sub(r"\D", "", g["dd"])))
    if g["mm"]:
        return _valid(int(g["my"] or 2000), _month(g["mm"]), int(re.sub(r"\D", "", g["md"])))
    if g["xd"]:
        y = int(g["xy"])
        day = int(re.sub(r"\D", "", g["xd"]))
        return _valid(y if y >= 100 else 1900 + y, _month(g["xm"]), day)
    if g["hy"]:
        return _valid(int(g["hy"]), _month(g["hm"]), int(re.sub(r"\D", "", g["hd"])))
    if g["ny"]:
        return _valid(int(g["ny"]), int(g["nm"]), int(g["nd"]))
    if g["ym2"]:
        return _valid(int(g["yy2"]), _month(g["ym2"]), int(re.sub(r"\D", "", g["yd"])))
    return 1900 <= int(g["yy"]) <= today.year


def _month(name: str) -> int:
    return _MONTHS.get(name.lower().rstrip("."), 0)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()
