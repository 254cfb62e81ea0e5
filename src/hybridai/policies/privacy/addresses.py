"""Street addresses, found on the device without a model, in several languages: a house
number beside a street type (either order, the German and Dutch compounds too), plus what
follows on the same line or the next (unit, postcode, city, state); and P.O. boxes.

Where a spaCy pipeline is installed (``ner.py``), its places extend an address to its city;
a bare city or country is never an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .ner import Entity, NamedEntities
from .words import LET, LOWERS, UP, Span, facts, occurrences, set_of

_NUM = (r"\d{1,5}[A-Za-z]?(?:[-/](?:\d{1,4}[A-Za-z]?|[A-Za-z]\b)){0,2}(?:-(?:I{1,3}|IV|"
        r"i{1,3}|iv)\b)?(?:[ \t](?:bis|ter|quater)\b|[ \t][A-Z](?=,))?")
_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
# Street types written after the street's name (English): the USPS's standard suffixes
# (Publication 28) and their abbreviations, less the plurals and short forms that are
# everyday words after a number and an adjective ("5 Easy Ways", "3 Key Points"), plus the
# British ones (Close, Mews, Rise, Vale…). After a capitalised name, in any case ("12 Baker
# street").
_EN_TYPES = (r"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
             r"Wy|Place|Pl|Terrace|Ter|Terr|Trail|Trl|Parkway|Pkwy|Highway|Hwy|Circle|Cir|"
             r"Square|Sq|Crescent|Cres|Close|Grove|Grv|Garden|Gardens|Gdn|Gdns|Row|Mews|Walk|"
             r"Hill|Hills|Park|Loop|Alley|Aly|Expressway|Expy|Freeway|Fwy|Pike|Plaza|Plz|Ridge|"
             r"Rdg|Path|Crossing|Xing|Causeway|Cswy|Esplanade|Quay|Wharf|Green|Grn|Rise|Vale|"
             r"Heights|Hts|Broadway|Bend|Bnd|Branch|Bridge|Brg|Brook|Brk|Bypass|Byp|Canyon|"
             r"Cyn|Center|Ctr|Centre|Cliff|Clf|Common|Commons|Cmn|Corner|Cor|Course|Crse|Cove|"
             r"Cv|Creek|Crk|Crest|Crst|Curve|Curv|Dale|Estate|Estates|Est|Extension|Ext|Falls|"
             r"Fls|Ferry|Fry|Field|Fields|Fld|Flds|Flats|Ford|Frd|Forest|Frst|Fork|Frk|Gateway|"
             r"Gtwy|Glen|Gln|Harbor|Harbour|Hbr|Haven|Hvn|Hollow|Holw|Island|Isle|Junction|"
             r"Jct|Knoll|Knl|Lake|Lakes|Lk|Landing|Lndg|Manor|Mnr|Meadow|Meadows|Mdw|Mdws|Mill|"
             r"Mills|Motorway|Mount|Mt|Mountain|Mtn|Orchard|Orch|Oval|Overpass|Passage|Psge|"
             r"Pines|Plains|Point|Prairie|Ranch|Rnch|Rapids|River|Riv|Route|Rte|Run|Shore|"
             r"Shores|Skyway|Spring|Springs|Spg|Spgs|Station|Sta|Stravenue|Stra|Stream|Strm|"
             r"Summit|Smt|Trace|Trce|Tunnel|Turnpike|Tpke|Valley|Vly|Viaduct|View|Vw|Village|"
             r"Vlg|Ville|Vista|Vis|Lawn|Parade|Pde")
# Lower-case prose ("5 miles down the road") is only an address with a full-word type.
_EN_TYPES_LOWER = (r"street|avenue|road|boulevard|lane|drive|terrace|crescent|parkway|"
                   r"highway")
_STREET_WORD = rf"(?:{UP}{LET}*(?:['’.-]{LET}+)*\.?|\d{{1,3}}(?:st|nd|rd|th))"
# Types written before the name: French, Spanish, Italian, Portuguese.
_FIRST_TYPES = (r"rue|avenue|av\.?|boulevard|bd|blvd|chemin|allée|allee|impasse|place|quai|"
                r"route|cours|passage|faubourg|esplanade|promenade|calle|c/|avenida|avda\.?|"
                r"paseo|plaza|carrera|cra\.?|carretera|ctra\.?|camino|ronda|travesía|rambla|"
                r"viale|piazza|piazzale|corso|largo|vicolo|strada|rua|travessa|praça|"
                r"alameda|estrada|pasaje|intrarea|aleea|bulevardul|calea|șoseaua|soseaua|splaiul")
# Types that are also everyday words ("via email", "first place", "the route", "largo")
# count before a name and a number only when capitalised, as in an address.
_FIRST_TYPES_CAPITAL = (r"Via|Place|Route|Passage|Cours|Largo|Plaza|Paseo|Camino|Ronda|Corso|"
                        r"R\.|Cl\.|Diagonal|Transversal|Rotonda|Stretto|Contrada|Incrocio|"
                        r"Borgo|Vicolo|Pasadizo|Callejón|Glorieta|Str\.|Bd\.")
_FIRST_TYPES_PLAIN = (r"rue|avenue|av\.?|boulevard|bd|blvd|chemin|allée|allee|impasse|quai|"
                      r"faubourg|esplanade|promenade|calle|c/|avenida|avda\.?|carrera|cra\.?|"
                      r"carretera|ctra\.?|travesía|rambla|viale|piazza|piazzale|vicolo|strada|"
                      r"rua|travessa|praça|alameda|estrada|pasaje|intrarea|aleea|bulevardul|calea|"
                      r"șoseaua|soseaua|splaiul")
_LINK = r"(?:(?:de\s+la|de\s+las|de\s+los|de\s+l['’]|del|de|du|des|d['’]|l['’]|la|le|les|"
_LINK += r"dei|della|delle|degli|do|da|dos|das|aux|au)\s*)"
# German, Dutch and Nordic street names are compounds ending in their type.
_SUFFIXES = (r"straße|strasse|str\.|gasse|weg|platz|allee|damm|ufer|chaussee|pfad|steig|"
             r"graben|straat|laan|plein|gracht|kade|singel|dijk|steeg|gatan|gata|vägen|väg|"
             r"veien|vej|gade|katu|ring|dreef")
_POSTCODE = (r"(?:(?:[A-Z]{1,2}-)?\d{5}(?:-\d{3,4})?|\d{4}\s?[A-Z]{2}|\d{4}-\d{3}|"
             r"(?:[A-Z]{1,2}-)?\d{4}|\d{2}-\d{3}|\d{3}\s\d{2}|\d{3}-\d{4}|\d{6}|"
             r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|"
             # Ireland's Eircode: a routing key ("D6W", "R95") and four letters or digits
             r"[AC-FHKNPRTV-Y]\d[\dW]\s?[AC-FHKNPRTV-Y\d]{4})")
# The shapes a postcode takes where it stands before the town (Europe's "1051 Budapest",
# "00-238 Warszawa", "1100-048 Lisboa", "110 00 Praha", "101 Reykjavík").
_POSTCODE_FIRST = (r"(?:(?:[A-Z]{1,2}-)?\d{4,6}|\d{4}-\d{3}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|"
                   r"\d{4}[ \t]?[A-Z]{2}|[A-Z]\d{4}[A-Z]{3}|\d{3})")
_UNIT_WORDS = (r"Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Building|Appt|Bât|"
               r"Étage|Etage|Whg|Wohnung|Piso|Puerta|Planta|Depto|Dpto|Scala|Interno|Int|"
               r"Piano|Box|Apto|Bus|Bte|Boîte|Bl|Sc|Ap|Et|Lok|Lokal|Lgh|Lägenhet|Top|Stiege|"
               r"Stg|Tür|Bloco|Casa|Dept|M(?=\.)")
_FLOOR_WORDS = (r"Bajo|Bajos|Entlo|Entresuelo|Ático|Atico|Esq|Dto|Dir|Frt|Rc|R/c|Izq|Izqda|Izda|"
                r"Izquierda|Dcha|Drcha|Dch|Der|Derecha|Ctro|Centro|Int|Frente|Trás|Tras")
# The lower-case words inside streets' names ("Prešernova ulica", "Kossuth Lajos út", "Karl
# Johans gate", "ul. Tverskaya", "Piazza Trento e Trieste", "Avda. Los llanos").
_LOWER_STREET_TYPES = ("gate", "gata", "gatan", "vei", "veien", "vegen", "veg", "vej", "gade",
                       "väg", "vägen", "allé", "prospekt", "pr.", "ulitsa")
"""Street types written in lower case after a street's name ("Karl Johans gate", "Leninsky
prospekt"): words of the name to both street readers below."""
_STREET_PART_WORDS = ("|".join(map(re.escape, _LOWER_STREET_TYPES))
                      + r"|ulica|ulice|utca|út|tér|trg|cesta|ul\.|al\.|os\.|pl\.|tie|katu|"
                        r"sura|sut|de|la|las|los|del|du|des|di|da|do|dos|das|dei|della|e|y|et|"
                        r"und|van|von|der|den|het|c/|am|an|im|ob|sur|upon")
# What says an address follows: a field ("Address:", "street_address =", "Anschrift:",
# "Dirección:", "address is") or a sentence ("I live at", "wohne in der", "j'habite au",
# "vivo en la", "woon aan de", "bor på").
_ADDRESS_CUE = (
    r"(?i)(?<![\w])(?:(?:(?:home|street|postal|mailing|billing|shipping|delivery|residential|"
    r"current|new|old|my|his|her|their|our|your)[ _-]?)?(?:address(?:[ _-]?(?:line)?[ _-]?1)?"
    r"|addr|street|adresse|anschrift|wohnort|straße|strasse|dirección|direccion|domicilio|"
    r"indirizzo|endereço|endereco|morada|adres|adress|osoite|adresa|cím|lakcím)"
    r"[\"']?[ \t]*(?:[:=]|is|was|ist|lautet|est|es|è|é)[ \t]*[\"']?[ \t]*"
    r"|(?:plz[ \t]*/?[ \t]*ort|postleitzahl[ \t]+(?:und[ \t]+)?ort|cp[ \t]+ville|"
    r"code[ \t]+postal[ \t]+(?:et[ \t]+)?ville|cap[ \t]+(?:e[ \t]+)?citt[àa]|"
    r"postcode[ \t]+(?:en[ \t]+)?(?:woonplaats|plaats))[ \t]*:[ \t]*"
    r"|(?:i[ \t]+(?:now[ \t]+)?live|i['’]m[ \t]+living|living|lives|(?:i[ \t]+)?reside|resides|"
    r"residing|(?:we|they)[ \t]+live)[ \t]+(?:at|on|in)(?:[ \t]+the)?[ \t]+"
    r"|(?:ich[ \t]+)?wohne[ \t]+(?:in[ \t]+der|im|am|in)[ \t]+"
    r"|j['’]habite(?:[ \t]+(?:au|à|a))?[ \t]+|(?:vivo|resido)[ \t]+en(?:[ \t]+(?:la|el))?[ \t]+"
    r"|abito[ \t]+in[ \t]+|moro[ \t]+na[ \t]+"
    # sending there: "ship to", "deliver it to", "send the parcel to", "mail the letter to"
    r"|(?:(?:ship(?:ped)?|deliver(?:ed)?)(?:[ \t]+(?:it|this|them))?|(?:send|sent|mail|post|"
    r"forward)[ \t]+(?:the|my|a|your|our|this)[ \t]+(?:parcels?|packages?|letters?|box|boxes|"
    r"gifts?|goods|shipment|delivery|postcard))[ \t]+to[ \t]*:?[ \t]+(?:me[ \t]+at[ \t]+)?"
    r"|(?:ik[ \t]+)?woon[ \t]+(?:aan[ \t]+de|op|aan|in[ \t]+de)[ \t]+|(?:jag|jeg)[ \t]+bor[ \t]+"
    r"(?:på|i)[ \t]+)")
# A town: capitalised words (not a unit's word: "Suite 400" on the next line is no town).
_CITY = (rf"(?!(?:{_UNIT_WORDS})\b)(?:(?:St|Ste|Sta|Sto|Mt|Ft|Co)\.[ \t]+)?"
         rf"{UP}{LET}+(?:['’.-]{LET}+)*(?:[ \t]+(?:(?:am|an|de|del|"
         rf"do|da|di|sur|upon|on|la|le|en|im|ob)[ \t]+)?{UP}{LET}+(?:['’.-]{LET}+)*){{0,2}}"
         # a district after the town: "Praha 1", "København N", "Aarhus C"
         rf"(?:[ \t](?:\d{{1,2}}[A-Z]?|[A-ZØ]{{1,2}}))?(?![\w])")
_POSTCODE_TOWN = rf"{_POSTCODE_FIRST}[ \t]+{_CITY}"
# Postcodes that letters and digits together tell from other numbers: British, Canadian.
_LETTERED_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]\d[A-Z]\d)"
# A unit after the street, on its line or the next ("\nApt. 18"): a unit word and its number,
# "# 12", "3º B", or a floor as Germans and Danes write it ("2. OG", "1. tv", "st. th.").
_UNIT = (rf"(?:(?:,?[ \t]*|[ \t]*,?[ \t]*\r?\n[ \t]*|[ \t]*/[ \t]*|[ \t]+[-–][ \t]+)"
         rf"(?i:{_UNIT_WORDS})(?![^\W\d_])\.?[ \t]*:?[ \t]*#?[ \t]*[\w-]{{1,5}}\b|"
         r",?[ \t]*#[ \t]*\d{1,5}[A-Za-z]?\b|"
         rf",?[ \t]*\d{{1,2}}\.?[ \t]?[º°ª]\.?[ \t]?(?:(?i:{_FLOOR_WORDS})\b\.?|[A-Za-z]\b)?|"
         rf",[ \t]*(?i:{_FLOOR_WORDS})\b\.?(?:[ \t][A-Z]\b)?|"
         rf",[ \t]*r/c(?:[ \t]+(?i:{_FLOOR_WORDS})\.?)?|"
         r",[ \t]*(?:\d{1,2}\.|st\.)[ \t]?(?:OG|UG|EG|DG|Stock|Etage|tv|th|mf|sal)\b\.?"
         r"(?:[ \t]+(?:links|rechts|Mitte|li|re)\b\.?)?|"
         # Swedish "1 tr" (the floor), Hungarian "2. em. 16" (floor and door), Norwegian "H0203"
         r",?[ \t]+\d{1,2}[ \t]tr\b|\.?[ \t]+\d{1,2}\.[ \t]?em\.(?:[ \t]*\d{1,3}\.?)?|"
         r",[ \t]*H\d{4}\b)")


class AddressDetector:
    """Street addresses: a house number and a street type, in either order, plus what
    follows on the same line or the next (unit, postcode, city, state); and P.O. boxes.

    ``1600 Pennsylvania Avenue NW, Washington, DC 20500``, ``221B Baker St``, ``12 rue de la
    Paix, 75002 Paris``, ``Calle Mayor 12, 3º B``, ``Via Roma 12``, ``Hauptstraße 5, 10115
    Berlin``, ``Kalverstraat 92``, ``P.O. Box 1234``. After an address cue ("Address:", "I
    live at", "Anschrift:", "ship to") a street needs no type word: ``Kralická 1023``. With
    NER, a place right after a found street extends it; a city or country alone is never one.
    """

    kind = "address"
    hint = r"\d"
    _number_first = re.compile(
        rf"(?<![\w.,/-])(?:(?:Flat|Apt|Unit|Suite|No\.?)[ \t]*\w{{1,5}},?[ \t]+)?{_NUM},?[ \t]+"
        rf"(?:(?:{_DIR}[ \t]+)?(?:{_STREET_WORD}[ \t]+){{1,5}}(?i:{_EN_TYPES})\b\.?"
        rf"(?:[ \t]+{_DIR}(?![\w]))?"
        rf"|(?i:{_FIRST_TYPES})[ \t]+{_LINK}*{_STREET_WORD}(?:[ \t]+{_LINK}*"
        rf"{_STREET_WORD}){{0,3}})")
    _building = re.compile(
        rf"{_NUM},[ \t]+(?:{_STREET_WORD}[ \t]+){{0,3}}{_STREET_WORD},[ \t]+"
        rf"(?:{_STREET_WORD}[ \t]+){{1,4}}(?i:{_EN_TYPES})\b\.?")
    _lower = re.compile(rf"(?<![\w.,/-]){_NUM}[ \t]+((?:[a-z][a-z'’-]+[ \t]+){{1,3}})"
                        rf"(?:{_EN_TYPES_LOWER})\b")
    _type_first = re.compile(
        rf"(?<![\w])(?:(?:(?i:{_FIRST_TYPES_PLAIN})|{_FIRST_TYPES_CAPITAL})[ \t]+{_LINK}*"
        rf"(?:{_STREET_WORD}|\d{{1,3}}[A-Z]?)(?:[ \t]+{_LINK}*{_STREET_WORD}){{0,4}}"
        rf"|(?:(?i:{_FIRST_TYPES_PLAIN})|{_FIRST_TYPES_CAPITAL})[ \t]+\d{{1,3}}[A-Z]?"
        rf"(?:[ \t]+(?:Sur|Norte|Este|Oeste|Bis))?)"
        rf",?[ \t]+(?:(?:n[º°o]\.?|n\.[ \t]?º|#|No\.?|nº|nr\.?|Nr\.?)[ \t]*)?\d{{1,5}}[A-Za-z]?"
        rf"(?:[ \t]*[-–#/][ \t]*\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}})?)?(?![\d.,]\d)")
    _compound = re.compile(
        rf"(?<![\w-])(?:(?:{UP}{LET}*[ \t]+){{1,2}}(?i:{_SUFFIXES})|{LET}{{2,}}(?:-{LET}+)*"
        rf"-?(?i:{_SUFFIXES}))[ \t]+\d{{1,4}}[ \t]?[a-zA-Z]?(?:[ \t]?[-/][ \t]?(?:\d{{1,4}}"
        rf"[a-zA-Z]?|[a-zA-Z]\b)){{0,2}}(?:-(?:I{{1,3}}|IV|i{{1,3}}|iv)\b)?"
        rf"(?:[ \t](?:bis|ter)\b)?(?![\w.,]\w)")
    # Japan, romanised: block numbers, the district, the ward or city ("3-17-1 Shinjuku,
    # Shinjuku-ku, Tokyo 160-0022"), with the ward's line on its own too.
    _japanese = re.compile(
        rf"(?<![\w-])\d{{1,4}}(?:-\d{{1,4}}){{1,2}}[ \t]+{UP}{LET}+(?:[ \t-]{UP}?{LET}+)?"
        rf"(?:[ \t]+\d{{1,2}}-?chome)?(?:,[ \t]*|[ \t]*\r?\n[ \t]*)"
        rf"{UP}{LET}+-(?:ku|shi|cho|machi|gun)\b(?:,?[ \t]+{_CITY})?(?:,?[ \t]+\d{{3}}-\d{{4}})?"
        rf"|(?<![\w-]){UP}{LET}+-(?:ku|shi|gun)\b,?[ \t]+{_CITY},?[ \t]+\d{{3}}-\d{{4}}(?![\w-])")
    # Turkey: the neighbourhood, the street, the door and the flat ("Fenerbahçe Mah.
    # Halaskargazi Cad. No: 135 D: 17"), then "07105 Muratpaşa/Antalya".
    _turkish = re.compile(
        rf"(?<![\w])(?:(?:{UP}{LET}*[ \t]+){{1,3}}(?:Mah\.|Mahallesi|Mh\.)[ \t]+)?"
        rf"(?:{UP}{LET}*[ \t]+){{1,3}}(?:Cad\.|Caddesi|Cd\.|Sok\.|Sokak|Sokağı|Sk\.|Bulvarı|"
        rf"Blv\.)[ \t]*(?:No[:.]?[ \t]*\d{{1,4}}[A-Za-z]?(?:/\d{{1,3}})?)"
        rf"(?:[ \t]*(?:D|Daire|Kat)[:.]?[ \t]*\d{{1,3}}){{0,2}}"
        rf"(?:,?[ \t]*\r?\n?[ \t]*\d{{5}}[ \t]+{UP}{LET}+(?:/{UP}{LET}+)?"
        rf"|,[ \t]*{UP}{LET}+/{UP}{LET}+)?")
    # Hungary, the town first: "1110 Budapest, Szent István körút 5. 2. em. 16" (postcode,
    # town, the street's name and type, the house, then floor and door).
    _hungarian = re.compile(
        rf"(?<![\w-])\d{{4}}[ \t]+{UP}{LET}+,[ \t]+(?:{UP}{LET}*\.?[ \t]+){{1,3}}(?:utca|u\.|"
        rf"út|körút|krt\.|tér|sor|köz|fasor|sétány|rakpart|útja)[ \t]+\d{{1,4}}(?:/[A-Za-z])?\.?"
        rf"(?:[ \t]*\d{{1,2}}\.[ \t]?em\.(?:[ \t]*\d{{1,3}}\.?)?)?")
    # Russian and Ukrainian, in Cyrillic: the street's type first, the house ("д."), the
    # flat ("кв."), then the postcode and the town ("ул. Пушкина, д. 9, кв. 9, 420163, г.
    # Казань").
    _cyrillic = re.compile(
        rf"(?<![\w])(?:ул\.|улица|вул\.|вулиця|пр\.|пр-т|проспект|просп\.|пер\.|переулок|"
        rf"пров\.|б-р|бульвар|ш\.|шоссе|наб\.|набережная|пл\.|площадь|мкр\.)[ \t]*"
        rf"(?:{LET}+[ \t.-]*){{1,3}},?[ \t]*(?:д\.|дом|буд\.)?[ \t]*\d{{1,4}}[а-яА-Я]?"
        rf"(?:/\d{{1,3}})?(?:,?[ \t]*(?:корп\.|к\.|стр\.)[ \t]*\d{{1,3}})?"
        rf"(?:,?[ \t]*(?:кв\.|квартира)[ \t]*\d{{1,4}})?"
        rf"(?:,?[ \t]*\d{{6}})?(?:,?[ \t]*(?:г\.|город|м\.)[ \t]*{LET}+(?:[ -]{LET}+)?)?")
    _counted_before = re.compile(r"(?i)\b(?:version|v|release|build|chapter|section|page|"
                                 r"step|figure|table|rule|article|verse|psalm)\.?[ \t]*$")
    _po_box = re.compile(
        r"(?i)(?<![\w])(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box|Postfach|Boîte[ \t]+"
        r"postale|Apartado(?:[ \t]+de[ \t]+correos)?|Apdo\.?|Casilla(?:[ \t]+de[ \t]+correos?)?|"
        r"Casella[ \t]+postale|Postbus|Caixa[ \t]+Postal)[ \t]*(?:No\.?[ \t]*)?\d{1,8}"
        r"(?:[ \t]\d{2,4}){0,2}(?!\d)")
    # US military mail: "PSC 1234, Box 5678" / "Unit 2050 Box 4190", then "APO AE 09012".
    _military = re.compile(r"(?:PSC|CMR|Unit)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{1,5}")
    _unit = re.compile(_UNIT)
    # What follows a street: ", 75002 Paris", ", Springfield, IL 62704", "\nLondon NW1 6XE".
    _tail_same = re.compile(
        rf"(?:,[ \t]*|[ \t]+[-–][ \t]+)(?:{_POSTCODE_TOWN}(?:,[ \t]*{UP}{LET}{{1,4}}\.|"
        # a province in brackets ("(BO)"), a state's initials or short form ("N.L.", "Qro.")
        rf"[ \t]+\([A-Z]{{2}}\))?|(?:{UP}\.){{1,3}}(?![\w])|"
        rf"{UP}{LET}{{1,3}}\.(?=[ \t]*(?:$|[\n,;]))|"
        rf"(?:Col\.|Colonia|Bairro|Barrio)[ \t]+{_CITY}|"
        rf"{_CITY}(?:/[A-Z]{{2}}\b)?(?:,?[ \t]+(?:[A-Z]{{2,3}}"
        rf"(?:[ \t]+{_POSTCODE})?|{_POSTCODE})(?![\w]))?|"
        rf"(?:CEP|CP|C\.P\.|PLZ)?[ \t]*{_POSTCODE}(?![\w]))"
        rf"|[ \t]+{_POSTCODE}(?![\w])(?:[ \t]+{_CITY})?")
    _tail_next = re.compile(
        rf"[ \t]*,?[ \t]*\r?\n[ \t]*(?:{_POSTCODE_TOWN}(?:,[ \t]*{UP}{LET}{{1,4}}\.)?|"
        rf"{_CITY},?[ \t]+(?:[A-Z]{{2,3}}(?:[ \t]+{_POSTCODE})?|{_POSTCODE})"
        # a line of its own: "Jardim Europa - Brasília/DF", "Col. Roma Norte", "CEP 70607-383",
        # or a postcode only letters and digits together make ("N5 9PZ", "H3C 5R8")
        rf"|{_CITY}[ \t]+[-–][ \t]+{_CITY}/[A-Z]{{2}}|Col\.[ \t]+{_CITY}"
        rf"|(?:CEP|CP|PLZ)[ \t]*{_POSTCODE}|{_LETTERED_POSTCODE}"
        # a town's line with such a postcode on the line after it ("London\nN5 9PZ")
        rf"|{_CITY}[ \t]*,?[ \t]*\r?\n[ \t]*{_LETTERED_POSTCODE})(?![\w])")
    _places = frozenset({"GPE", "LOC"})
    # A street with no type word ("Ilica 204", "Na Příkopě 12", "Imaneq 3") is an address
    # when the postcode and town follow it: "Ilica 204a, 10000 Zagreb".
    _postal_tail = re.compile(
        rf"(?:[ \t]*[-/][ \t]*\d{{1,4}}[A-Za-z]?)?{_UNIT}?(?:,[ \t]*|[ \t]*,?[ \t]*\r?\n[ \t]*)"
        # the postcode before the town, or after it as Greeks and Russians write it
        rf"(?:{_POSTCODE_TOWN}|{_CITY}[ \t]+(?:\d{{6}}|\d{{3}}[ \t]\d{{2}})(?![\w]))")
    _street_word = re.compile(rf"{UP}{LET}*(?:['’.-]{LET}*)*\.?")
    _cue = re.compile(_ADDRESS_CUE)
    _cue_words = ("addr", "street", "adres", "anschrift", "wohn", "straße", "strasse", "plz",
                  "postleitzahl", "ville", "città", "citta", "plaats",
                  "direcc", "domicilio", "indirizzo", "endere", "morada", "osoite", "adresa",
                  "cím", "live", "living", "resid", "habite", "vivo", "abito", "moro", "woon",
                  "bor ", "ship", "deliver", "parcel", "package", "letter", "box", "gift",
                  "goods", "shipment", "delivery", "postcard")
    _cued_word = rf"(?:{_STREET_WORD}|(?i:{_STREET_PART_WORDS})(?![\w]))"
    # After the cue: words of a street's name, then its number ("Kralická 1023", "Via Santa
    # Lucia, 42", "ul. Tverskaya 7"), or the number first ("94, rue Banaudon").
    _cued_street = re.compile(
        rf"{_cued_word}(?:[ \t]+{_cued_word}){{0,4}},?[ \t]+(?:(?:n[º°o]|nr|no)\.?[ \t]*|#[ \t]*)?"
        rf"{_NUM}(?![\w.,]\w|\d)"
        rf"|{_NUM},?[ \t]+{_cued_word}(?:[ \t]+{_cued_word}){{0,4}}(?=[ \t]*(?:[,.;\n]|$))")

    def __init__(self, entities: NamedEntities | None = None) -> None:
        self.entities = entities

    # Every form holds a house (or box) number: the patterns are tried only around such
    # numbers, the number-first ones at the number, the others at the starts of the few
    # words before it that could begin a street type or a P.O. box.
    # (Each pattern tried at every position starts with the character class it needs, and
    # looks behind only after it: several times faster than the other way round.)
    _house_number = re.compile(r"[0-9](?<![\w.,/:-][0-9])[0-9]{0,4}(?:[A-Za-z](?![A-Za-z]))?"
                               r"(?![0-9]|[.,:][0-9])")
    # A unit before the house number, perhaps with its building's name between: "Flat 3, 45
    # Queen's Road", "Apartment 14, Alder Court, 103 Meadow Gardens", "Unit 39/288 Grange Dr".
    _unit_before = re.compile(rf"(?<![\w])(?:Flat|Apt|Apartment|Appt|Unit|Suite|Level|Floor|No)"
                              rf"\.?[ \t]*[\w/]{{1,5}},?[ \t]+(?:(?:{UP}{LET}+[ \t]+){{0,3}}"
                              rf"{UP}{LET}+,[ \t]+)?$")
    _unit_word_before = re.compile(r"(?<![\w])(?:Flat|Apt|Apartment|Unit|Suite|Level)\.?[ \t]*#?"
                                   r"[ \t]*$")
    _word = re.compile(r"[^\s(\"']+")
    _first_words = frozenset(re.sub(r"\\\.|\?", "", _FIRST_TYPES + "|"
                                    + _FIRST_TYPES_CAPITAL.lower()).split("|"))
    _box_words = ("p.o.", "po ", "p.o ", "p. o.", "post", "boîte", "apartado", "apdo",
                  "casilla", "casella", "postbus", "caixa", "postfach")
    _box_names = set_of("postfach boîte apartado apdo casilla casella postbus caixa")
    _suffix_words = tuple(re.sub(r"\\", "", _SUFFIXES).split("|"))

    _title_case = re.compile(rf"{UP}[{LOWERS}]")

    def find(self, text: str) -> Iterator[Span]:
        yield from self._find(text)
        if self._title_case.search(text) is None and any(c.isdigit() for c in text):
            # A chat typed all in lower case ("i live at 12 oak street, cardiff cf11 2bf"):
            # the same patterns on a capitalised copy of the same length, less prose.
            for start, end in self._find(capitalised(text)):
                street = text[start:end].split(",")[0].lower().split()
                if not any(w in _PROSE for w in street if not any(c.isdigit() for c in w)):
                    yield start, end

    def _find(self, text: str) -> Iterator[Span]:
        spans: list[Span] = []
        low, words = facts(text)
        before: bool | None = None  # whether the text has a type or box word to begin one
        for number in self._house_number.finditer(text):
            at = number.start()
            if (unit_word := self._unit_word_before.search(text, max(0, at - 12), at)) and (
                    m := self._building.match(text, at)):
                spans.append((unit_word.start(), m.end()))
                continue
            numbered = False
            for pattern in (self._number_first, self._lower):
                m = pattern.match(text, at)
                if m and (pattern is self._number_first or not _lower_prose(m.group(1))):
                    unit = (self._unit_before.search(text, max(0, at - 60), at)
                            or self._unit_word_before.search(text, max(0, at - 14), at))
                    spans.append((unit.start() if unit else at, m.end()))
                    numbered = True
                    break
            if before is None:
                before = (not words.isdisjoint(self._first_words) or any(
                    suffix in low for suffix in self._suffix_words) or not words.isdisjoint(
                    self._box_names) or ("box" in words and ("po" in words or "office"
                                                             in words or "p" in words
                                                             or "psc" in words or "cmr"
                                                             in words or "unit" in words)))
            # A street before the number too, when one after it matched: "Avenida Paulista
            # 1578, Bela Vista" is a street first, whatever "Bela Vista" reads as.
            span = ((self._street_before(text, number) if before else None)
                    or (None if numbered else self._street_then_town(text, number)))
            if span:
                spans.append(span)
        spans += self._after_cue(text, low)
        if "-ku" in low or "-shi" in low or "-gun" in low:
            spans += [m.span() for m in self._japanese.finditer(text)
                      if not self._counted_before.search(text, max(0, m.start() - 16),
                                                         m.start())]
        if any(word in low for word in ("ул", "вул", "пр", "пер", "б-р", "бульвар", "ш.",
                                        "шоссе", "наб", "пл.", "площадь", "мкр")):
            spans += [m.span() for m in self._cyrillic.finditer(text)]
        if any(word in low for word in ("utca", "út ", "körút", "krt.", "tér ", "u. ")):
            spans += [m.span() for m in self._hungarian.finditer(text)]
        if any(word in low for word in ("mah", "cad", "cd.", "sok", "sk.", "bulvar", "blv")):
            spans += [m.span() for m in self._turkish.finditer(text)]
        places = ([e for e in self.entities(text) if e.label in self._places]
                  if self.entities is not None and spans else [])
        for start, end in spans:
            yield start, self._extend(text, end, places)

    def _after_cue(self, text: str, low: str) -> Iterator[Span]:
        """Streets right after an address cue, type word or postcode or not (the cue is
        looked for only around the words it holds)."""
        ends: set[int] = set()
        for word in self._cue_words:
            for at in occurrences(low, word):
                for cue in self._cue.finditer(text, max(0, at - 40), at + 40):
                    ends.add(cue.end())
        for end in sorted(ends):
            m = self._cued_street.match(text, end)
            if m is None:
                continue
            words = m.group().replace(",", " ").split()
            named = [w for w in words if not w[0].isdigit()]
            after = re.match(r"[ \t]*([^\W\d_]+)", text[m.end():m.end() + 20])
            if (not any(w[0].isupper() for w in named)
                    or named[-1].lower().rstrip(".") in _COUNTED
                    or named[0].lower() in _PROSE
                    or (after is not None and after.group(1).lower() in _COUNTS)):
                continue  # "in Texas, 5 miles", "at Chapter 12", "to Windows 11 users": no
            yield m.span()

    def _street_before(self, text: str, number: re.Match[str]) -> Span | None:
        """A street type or box written before ``number`` ("Calle Mayor 12", "Hauptstraße 5",
        "P.O. Box 12"), tried from the earliest word that could begin one."""
        at = number.start()
        line = max(text.rfind("\n", 0, at) + 1, at - 60)
        words = [(m.start(), m.group().lower()) for m in self._word.finditer(text, line, at)]
        starts: list[tuple[int, tuple[re.Pattern[str], ...]]] = []
        for k, (start, word) in enumerate(words):
            bare = word.rstrip(",.")
            if bare in self._first_words or (word + " ").startswith(self._box_words):
                starts.append((start, (self._type_first, self._po_box)))
            elif bare in ("psc", "cmr", "unit"):
                starts.append((start, (self._military,)))
            elif bare.endswith(self._suffix_words) or word.rstrip(",").endswith("str."):
                # "Hauptstraße", or "Berliner Straße": the type may be a word of its own
                starts += [(s, (self._compound,)) for s, _ in words[max(0, k - 2):k + 1]]
        for start, patterns in starts:
            for pattern in patterns:
                m = pattern.match(text, start)
                if m and m.end() >= number.end() and not (
                        pattern is self._compound and _year_or_count(text, m)):
                    return m.span()
        return None

    def _street_then_town(self, text: str, number: re.Match[str]) -> Span | None:
        """A street named without a type word, told by the postcode and town after its
        number: "Laugavegur 12, 101 Reykjavík", "ul. Długa 5\n00-238 Warszawa"."""
        tail = self._postal_tail.match(text, number.end())
        if tail is None or _not_a_town(tail.group()):
            return None
        at = number.start()
        line = max(text.rfind("\n", 0, at) + 1, at - 60)
        words = [(m.start(), m.group()) for m in self._word.finditer(text, line, at)]
        start = None
        for k in range(len(words) - 1, max(-1, len(words) - 6), -1):
            begin, word = words[k]
            if word.endswith((",", ":", ";")) or not (
                    self._street_word.fullmatch(word) or word.lower() in _STREET_PARTS
                    or (word.isdigit() and len(word) <= 2 and start is not None)):
                break
            start = begin
        if start is None:
            return None
        street = text[start:at].split()
        if len(street) == 1 and street[0].lower().rstrip(".") in _COUNTED:
            return None  # "Chapter 12, 2024 Edition", "Windows 11, 2023 Update"
        return start, tail.end()

    def _extend(self, text: str, end: int, places: list[Entity]) -> int:
        for _ in range(4):  # ", piso 2, puerta 1", ", bl. B7, sc. 2, ap. 1"
            unit = self._unit.match(text, end)
            if unit is None:
                break
            end = unit.end()
        for _ in range(4):  # a tail, or NER's place, then perhaps another tail
            start = end
            for _ in range(3):
                tail = self._tail_same.match(text, end) or (
                    self._tail_next.match(text, end) if "\n" in text[end:end + 3] else None)
                if tail is None:
                    break
                end = tail.end()
            # "…, Springfield, Illinois", "\nLondon\nN5 9PZ": NER's places on the same or
            # next line
            nxt = next((e.end for e in places if e.start >= end and re.fullmatch(
                r"[ \t]*,?[ \t]*\n?[ \t]*", text[end:e.start])), None)
            if nxt is not None:
                end = nxt
            if end == start:
                break
        return end


_TYPE_WORDS = frozenset(re.split(r"\|", _EN_TYPES.lower() + "|" + _EN_TYPES_LOWER))
_PROSE = set_of("""the a an of to in on at by for from with and or down up along across
over past into onto this that these those my your his her our their its one two three four
five six seven eight nine ten more less few many some any every each other another same
miles mile minutes minute hours hour km blocks block meters metres feet yards steps dollar
dollars euro euros pound pounds cent cents percent times people years days weeks months
""")


# Lower-case words inside a street's name: types written before it, links between its words.
_STREET_PARTS = set_of("""ul. ul al. al os. os pl. nám. náměstí nábřeží třída ulica utca u.
út tér trg cesta ulice tänav mnt maantee puiestee tie katu rue via calle de la las los del di
da do dos das du des le grada od na pod nad pri ob ve v u prospekt.""") | set(_LOWER_STREET_TYPES)
# What a number counts after a place ("I live in Texas, 5 miles from Austin").
_MEASURES = set_of("""miles mile minutes minute mins min hours hour hrs km kilometres
kilometers metres meters m blocks block feet ft yards steps years year days day weeks week
months month times people users percent stops floors storeys stories countries pallets
items pieces units boxes packages parcels orders copies""")
# Counted things a number follows ("Chapter 12"), which a postcode-shaped year may follow.
_COUNTED = set_of("""chapter section page figure fig table version build level track
episode season room step part volume vol issue windows iphone android python java ios macos
ubuntu debian node psalm verse grade class item line rule article exhibit appendix phase
stage round game week day year release update edition model series no number sample
samples point points word words patch sprint milestone ticket order case invoice top""")
_COUNTS = _MEASURES | _COUNTED
"""What a number after a cued street may count instead of being its house number."""

# Capitalised words after a postcode-shaped number that are not a town.
_NOT_TOWNS = set_of("""edition update release version words points samples season remaster
patch users people items pages records rows entries results units pieces copies euro euros
dollars pounds kilometres kilometers miles""")


def _not_a_town(tail: str) -> bool:
    words = tail.split()
    return bool(words) and words[-1].lower() in _NOT_TOWNS


def capitalised(text: str) -> str:
    """``text`` with each word capitalised, codes of letters and digits and short words
    beside a number in capitals ("6507 kj" -> "6507 KJ", "g41 1nl" -> "G41 1NL"), at the
    same length and offsets."""
    tokens = re.split(r"(\s+)", text)
    out = []
    for k, token in enumerate(tokens):
        if not token or token.isspace():
            out.append(token)
            continue
        near = [tokens[j] for j in (k - 2, k + 2) if 0 <= j < len(tokens)]
        letters = sum(c.isalpha() for c in token)
        if letters and (any(c.isdigit() for c in token) or (
                letters <= 3 and token.isalpha() and any(any(c.isdigit() for c in n)
                                                          for n in near))):
            new = token.upper()
        else:
            new = token[:1].upper() + token[1:]
        out.append(new if len(new) == len(token) else token)
    return "".join(out)


def _lower_prose(words: str) -> bool:
    """Lower-case words before a street type that are prose, not a street's name."""
    return any(w in _PROSE or w in _TYPE_WORDS for w in words.split())


def _year_or_count(text: str, m: re.Match[str]) -> bool:
    """"Weg 2024" or "Platz 3" inside a sentence about a year or a ranking, not a street."""
    number = re.search(r"\d{1,4}", m.group()[::-1])
    return number is not None and len(number.group()) == 4 and number.group()[::-1] >= "1900"
