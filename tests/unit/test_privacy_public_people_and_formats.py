"""Public people are nobody's personal data; and formats of birth dates, addresses, phone
extensions and ID numbers the detectors read: a weekday before a date, a cue glued by "_",
Spanish and Belgian flats, Turkish streets without a neighbourhood, Irish counties, "x123"
extensions, US driver's licences, medical record, Medicare and tax numbers."""

from __future__ import annotations

import pytest

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.public_names import fold, load, public
from hybridai.policies.privacy.scanner import Scanner


def found(scanner: Scanner, text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


def covered(scanner: Scanner, text: str, value: str) -> bool:
    start = text.index(value)
    chars = {i for f in scanner.scan(text) for i in range(f.start, f.end)}
    return set(range(start, start + len(value))) <= chars


@pytest.mark.parametrize("text", [
    "Explain Albert Einstein's theory of relativity to a child.",
    "What did Angela Merkel say about refugees in 2015?",
    "Give me a summary of Gabriel Garcia Marquez's novels.",
    "Is Harry Potter older than Hermione Granger?",
    "Why did Napoleon Bonaparte invade Russia?",
    "What year did Nelson Mandela become president?",
    "Write a poem in the style of Emily Dickinson.",
])
def test_public_people_and_characters_are_nobodys(scanner: Scanner, text: str) -> None:
    assert [kind for kind, _ in found(scanner, text) if kind == "person"] == []


def test_a_public_name_given_as_ones_own_or_someone_known_is_found(scanner: Scanner) -> None:
    assert ("person", "Taylor Swift") in found(
        scanner, "My name is Taylor Swift and I need a refund for order 4411.")
    assert ("person", "Marie Curie") in found(
        scanner, "my colleague Marie Curie is off sick, write her a card")


def test_a_private_name_beside_a_public_one_is_found(scanner: Scanner) -> None:
    text = "Lukas Novák wants an essay on Albert Einstein by Monday."
    assert found(scanner, text) == [("person", "Lukas Novák")]


def test_names_compare_without_accents_case_titles_or_possessive() -> None:
    assert fold("Gabriel García Márquez’s") == "gabriel garcia marquez"
    assert public("President Abraham Lincoln") and public("ALBERT EINSTEIN")
    assert not public("Lukas Novák") and not public("President Lukas Novák")
    assert "john doe" in load()  # the placeholders are in the same list


@pytest.mark.parametrize(("text", "value"), [
    ("I was born on Thursday, March 14, 1985 in a small town.", "Thursday, March 14, 1985"),
    ("patient_dob=1985-05-14", "1985-05-14"),
    ("14 Mayıs 1985 tarihinde doğdum.", "14 Mayıs 1985"),
])
def test_birth_dates(scanner: Scanner, text: str, value: str) -> None:
    assert covered(scanner, text, value)


def test_a_weekday_alone_does_not_make_a_birth_date(scanner: Scanner) -> None:
    assert found(scanner, "The meeting moved to Thursday, March 14, 2024.") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Vivo en Calle Mayor 5, 3º izq., 28013 Madrid.", "Calle Mayor 5, 3º izq., 28013 Madrid"),
    ("Adresse : Rue Neuve 23 bte 3, 1000 Bruxelles", "Rue Neuve 23 bte 3, 1000 Bruxelles"),
    ("Adres: Atatürk Cad. No:15 D:4, Kadıköy/İstanbul", "Atatürk Cad. No:15 D:4, Kadıköy/İstanbul"),
    ("The house is at 3 Main Rd, Killarney, Co. Kerry.", "3 Main Rd, Killarney, Co. Kerry"),
])
def test_addresses(scanner: Scanner, text: str, value: str) -> None:
    assert covered(scanner, text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("Call 001-415-555-2671x1234 tomorrow", "001-415-555-2671x1234"),
    ("my phone (415)555-2671x56789", "(415)555-2671x56789"),
    ("tel 415.555.2671x1234", "415.555.2671x1234"),
])
def test_a_phones_extension_is_part_of_it(scanner: Scanner, text: str, value: str) -> None:
    assert ("phone", value) in found(scanner, text)


@pytest.mark.parametrize(("text", "value"), [
    ("Florida DL S530-460-74-218-0", "S530-460-74-218-0"),
    ("WA license WDLABCD456DG", "WDLABCD456DG"),
    ("medical record number: 00482913", "00482913"),
    ("Patient MRN 00482913 admitted", "00482913"),
    ("health insurance ID ABC1234567", "ABC1234567"),
    ("Medicare Beneficiary Identifier 1EG4-TE5-MK73", "1EG4-TE5-MK73"),
    ("my tax ID is 12-3456789", "12-3456789"),
])
def test_id_numbers(scanner: Scanner, text: str, value: str) -> None:
    assert ("id_number", value) in found(scanner, text)


@pytest.mark.parametrize("text", [
    "Apache License 2.0 covers this file.",
    "Our license allows 5 seats.",
    "Tax rate 19 % applies to invoice 2024-118.",
])
def test_licences_and_tax_words_without_an_id(scanner: Scanner, text: str) -> None:
    assert [k for k, _ in found(scanner, text) if k == "id_number"] == []


def test_a_title_before_a_surnames_particles(scanner: Scanner) -> None:
    text = "Dear Mr. van der Berg, your order is ready."
    assert ("person", "van der Berg") in found(scanner, text)
    assert ("person", "von Aalen") in found(scanner, "Sehr geehrter Herr von Aalen,")


def test_the_public_list_holds_names_not_sentences() -> None:
    lines = [line for line in load() if line not in ("john doe", "max mustermann")]
    assert len(lines) > 10_000
    assert all(1 <= len(line.split()) <= 6 for line in lines)
    assert not any(line.endswith(("?", "!")) for line in lines)


@pytest.mark.parametrize(("text", "name"), [
    ("lol jake miller just texted me again", "jake miller"),
    ("omg rafaela vasconcelos is moving to porto next week", "rafaela vasconcelos"),
])
def test_a_lower_case_chat_names_people_in_lower_case(scanner: Scanner, text: str,
                                                      name: str) -> None:
    assert ("person", name) in found(scanner, text)


@pytest.mark.parametrize("text", [
    "will power is overrated, grace period ends friday",
    "lol jake miller just texted me again".title(),  # capitalised prose: the lists' usual rule
    "is jack daniels a bourbon?",
])
def test_lower_case_words_that_are_no_names(scanner: Scanner, text: str) -> None:
    assert [name for kind, name in found(scanner, text)
            if kind == "person" and name.islower()] == []


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("Put it in a table: Darryl Hunter, May 17 1960, 2967 Powers Ave", "May 17 1960",
     "date_of_birth"),
    ("Teilnehmer: Anna Berg (14.05.1985), Jonas Weber (02.02.1990)", "02.02.1990",
     "date_of_birth"),
    ("Booking for two, passports C62420492 and 899347915.", "899347915", "id_number"),
    ("It's LEACH462095CK9MU. Where's the check code?", "LEACH462095CK9MU", "id_number"),
    ("selling my bike, pick up after 6, text 01217165130", "01217165130", "phone"),
])
def test_values_a_record_or_a_list_implies(scanner: Scanner, text: str, value: str,
                                           kind: str) -> None:
    assert (kind, value) in found(scanner, text)


@pytest.mark.parametrize("text", [
    "Meeting with Anna Berg, May 17 2024, room 3.",  # too recent to be her birth date
    "Release notes, March 3 2019, version 2.",
    "The text 0123456789 is a sample.",
    "SKU ABCDE123456FG7HI in stock",
])
def test_dates_numbers_and_codes_that_are_none_of_these(scanner: Scanner, text: str) -> None:
    assert [k for k, _ in found(scanner, text) if k in ("date_of_birth", "phone",
                                                        "id_number")] == []


@pytest.mark.parametrize(("text", "value"), [
    ("Domicilio: Calle Colima 105 Int. 11A, Col. Cumbres, C.P. 64391, Monterrey, N.L.",
     "Calle Colima 105 Int. 11A, Col. Cumbres, C.P. 64391, Monterrey, N.L."),
    ("Domicilio: Honduras 2413, Piso 7 Dpto. A, S2008RQC Rosario",
     "Honduras 2413, Piso 7 Dpto. A, S2008RQC Rosario"),
    ("Property: Apartment 14, Alder Court, 103 Meadow Gardens, Bristol BS3 2BA",
     "Apartment 14, Alder Court, 103 Meadow Gardens, Bristol BS3 2BA"),
    ("Unit 39/288 Grange Drive, NEWTOWN NSW 2042", "Unit 39/288 Grange Drive, NEWTOWN NSW 2042"),
    ("zam. ul. Graniczna 139 lok. 5, 40-475 Katowice", "ul. Graniczna 139 lok. 5, 40-475 Katowice"),
    ("Lägenhet: Skolgatan 90A lgh 1202, 722 90 Västerås",
     "Skolgatan 90A lgh 1202, 722 90 Västerås"),
    ("Unterkunft: Stockerplatz 147/Top 32, 9070 Klagenfurt",
     "Stockerplatz 147/Top 32, 9070 Klagenfurt"),
    ("residente na R. Diogo Matias, 201, 2.º Esq., 8076-576 Faro",
     "R. Diogo Matias, 201, 2.º Esq., 8076-576 Faro"),
    ("sita na Rua de Guerreiro n.º 178, 2º D, 3075-611 Coimbra",
     "Rua de Guerreiro n.º 178, 2º D, 3075-611 Coimbra"),
    ("Residente in Piazza Ruggieri, 63, 40173 Bologna (BO)",
     "Piazza Ruggieri, 63, 40173 Bologna (BO)"),
    ("Woonruimte aan de Julielaan 167-II, 6814 AD ARNHEM", "Julielaan 167-II, 6814 AD ARNHEM"),
    ("Woonruimte aan de Bentestraat 60 bis, 9724 EL Groningen",
     "Bentestraat 60 bis, 9724 EL Groningen"),
    ("domiciliată în Str. Avram Iancu nr. 60, bl. C2, sc. 3, ap. 68, 072510 București",
     "Str. Avram Iancu nr. 60, bl. C2, sc. 3, ap. 68, 072510 București"),
    ("Lakcím: 1110 Budapest, Szent István körút 5. 2. em. 16",
     "1110 Budapest, Szent István körút 5. 2. em. 16"),
    ("residente en la Cl. 55B # 14A-33, Manizales", "Cl. 55B # 14A-33, Manizales"),
    ("Name;Straße;PLZ Ort\nHenni Niemeier;Gasse 137;60385 Frankfurt am Main",
     "60385 Frankfurt am Main"),
])
def test_addresses_of_many_countries_whole(scanner: Scanner, text: str, value: str) -> None:
    assert covered(scanner, text, value)


@pytest.mark.parametrize("address", ["192.168.208.98", "10.35.206.42", "172.27.25.1",
                                     "2001:db8::c75", "203.0.113.27", "100.122.83.15",
                                     "fe80::b738:8abd", "::ffff:192.0.2.128", "127.0.0.1"])
def test_addresses_no_one_outside_their_network_has(scanner: Scanner, address: str) -> None:
    text = f"[12:02:11] connect {address} timeout, why?"
    assert found(scanner, text) == []
    everything = Scanner.from_settings(PrivacySettings(ner="off", ip_addresses="all"))
    assert found(everything, text) == [("ip", address)]


def test_a_public_address_is_found_either_way(scanner: Scanner) -> None:
    assert found(scanner, "ssh admin@81.2.69.142 fails") == [("ip", "81.2.69.142")]


def test_the_ip_setting_names_what_it_takes() -> None:
    with pytest.raises(ValueError, match="ip_addresses"):
        PrivacySettings(ip_addresses="private")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "Write a regex that detects AWS keys like AKIAXXXXXXXXXXXXXXXX in commits.",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx here",
    "api_key: sk-...redacted... shows up in our Sentry breadcrumbs",
    "The API docs use DE89 3704 0044 0532 0130 00 as the example IBAN.",
    "Dans la documentation on voit l'IBAN d'exemple NL91ABNA0417164300.",
    "Charakterisiere Winnetou und JSON in fünf Sätzen.",
    "Riformula: 'Gentile XXXXX, la sua pratica n. XXXXX è stata chiusa.'",
    "Rewrite this: Rechnungsdatum: 13.04.2024, Rechnungsnummer 2024-118",
])
def test_placeholders_examples_and_masked_values_are_no_ones(scanner_with_ner: Scanner,
                                                             text: str) -> None:
    assert found(scanner_with_ner, text) == []


def test_a_real_looking_key_and_iban_are_still_found(scanner: Scanner) -> None:
    assert found(scanner, "key AKIA4NQRZ7XW2Y6LPF3K leaked") == [
        ("secret", "AKIA4NQRZ7XW2Y6LPF3K")]
    assert found(scanner, "IBAN DE08 3704 0044 0532 0131 00 please") == [
        ("iban", "DE08 3704 0044 0532 0131 00")]


@pytest.mark.parametrize("text", [
    "Nel modulo di esempio c'è scritto Mario Rossi: devo lasciarlo?",
    "In het voorbeeldformulier staat Jan Jansen; vervang dat door {naam}.",
    "Ve vzoru žádosti je uveden Jan Novák. Mám to přepsat?",
])
def test_a_countrys_example_person_where_the_text_says_example(scanner: Scanner,
                                                               text: str) -> None:
    assert found(scanner, text) == []


def test_the_same_name_elsewhere_is_someones(scanner: Scanner) -> None:
    assert found(scanner, "Mario Rossi ha la febbre alta da tre giorni.") == [
        ("person", "Mario Rossi")]


@pytest.mark.parametrize(("text", "name"), [
    ("Sehr geehrte Frau Kollegin Dr. Kolm,", "Dr. Kolm"),
    ("I have known Mr Stewart for six years.", "Mr Stewart"),
    ("Hello Pim van den Pol, welcome.", "Pim van den Pol"),
    ("wir berichten über Ihren Patienten Philippe Lange, geb.", "Philippe Lange"),
    ("148 i brandväggens vitlista. Hälsningar Per Ljungqvist", "Per Ljungqvist"),
    ("How do I file jointly with my spouse Sara Ashley?", "Sara Ashley"),
    ("born 1st April 2017, proud parents of Amy-Leigh Mannion", "Amy-Leigh Mannion"),
    ("Mietvertrag zwischen Vinko zu Gotthard und", "Vinko zu Gotthard"),
    ("Corrige les fautes :\n\nBOUSQUET Michel\n12 rue des Lilas", "BOUSQUET Michel"),
    ("Corrige les fautes :\n\nLE ROUX Auguste\n", "LE ROUX Auguste"),
    ("Paziente: CENDRON Rodolfo, 54 anni", "CENDRON Rodolfo"),
    ("Fordítsd le angolra:\nNév: Szabó Ferenc\n", "Szabó Ferenc"),
    ("corrige esto porfa: 'buenas, soy thiago benjamin garcia blanco'",
     "thiago benjamin garcia blanco"),
    ("oi! aqui é rodrigo barbosa sousa, tudo bem?", "rodrigo barbosa sousa"),
])
def test_names_as_forms_letters_and_chats_write_them(scanner: Scanner, text: str,
                                                     name: str) -> None:
    assert covered(scanner, text, name)


@pytest.mark.parametrize("text", [
    "Use the AWS Console to rotate the key.",
    "Ella dijo que no vendría.",
    "Per favore chiama domani.",
])
def test_capitals_and_stop_words_that_open_no_name(scanner: Scanner, text: str) -> None:
    assert [k for k, _ in found(scanner, text) if k == "person"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("legitymującą się dowodem osobistym nr DBH531675, zwaną", "DBH531675"),
    ("portadora do Cartão de Cidadão n.º 40199620 7 AK6, residente", "40199620 7 AK6"),
    ("navn\tcpr\tfødselsdato\nJørgen Schultz\t1107971536\t11.07.1997", "1107971536"),
    ("Růžena Marešová, nar. 03.11.1979, r. č. 796103/3586", "796103/3586"),
    ("CPF: 331.944.274-07\nRG: 44.644.891-X\n", "44.644.891-X"),
    ("Ad Soyad: Özakan Tevetoğlu\nT.C. Kimlik No: 25511323776", "25511323776"),
    ("Peter Schottin, geb. 07.01.1956, KVNR D200257814", "D200257814"),
    ('{"patient_id": "MRN-3980891", "insurance_no": "E899910565"}', "MRN-3980891"),
    ('{"patient_id": "MRN-3980891", "insurance_no": "E899910565"}', "E899910565"),
    ("Personalausweisnummer MJCZRRV9R7", "MJCZRRV9R7"),
    ("My license number is WDLH5WSIMRMW, can you help?", "WDLH5WSIMRMW"),
    ("Linnea Buchner, geb. 01.04.2000, SV-Nr. 6087010400", "6087010400"),
])
def test_id_numbers_of_more_countries_and_records(scanner: Scanner, text: str,
                                                  value: str) -> None:
    assert covered(scanner, text, value)


def test_cpr_the_first_aid_is_no_number(scanner: Scanner) -> None:
    assert found(scanner, "We did CPR training in 2024 for 30 staff.") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Maak een briefje voor de oppas: alarmcode 9784, wifi staat op de router", "9784"),
    ("wiadomość do syna: kod PIN do karty to 5172", "5172"),
    ("Escreve um recado: a senha do cartão é 7611", "7611"),
    ("note to self (don't share): bank app pin 6910", "6910"),
    ("The house: Key safe code 3156 by the door.", "3156"),
    ("lapp till barnvakten: larmkoden är 4373 och wifi-lösenordet maple_rocket_quartz63",
     "4373"),
    ("lapp till barnvakten: larmkoden är 4373 och wifi-lösenordet maple_rocket_quartz63",
     "maple_rocket_quartz63"),
    ("Kardeşime mesaj yaz: kartın şifresi 9106, modemin şifresi correct-velvet-ember14",
     "correct-velvet-ember14"),
    ("db:\n  user: billing\n  password: velvet.correct.ember49\n", "velvet.correct.ember49"),
])
def test_codes_and_passwords_in_more_languages(scanner: Scanner, text: str, value: str) -> None:
    assert ("secret", value) in found(scanner, text)


@pytest.mark.parametrize("text", [
    "db:\n  password: config.db.password\n",
    "Connect pin 13 to the LED and the app pin header to 5V.",
])
def test_references_and_connector_pins_are_no_secrets(scanner: Scanner, text: str) -> None:
    assert [k for k, _ in found(scanner, text) if k == "secret"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("Güemes 3074, CABA. mi cel es 011 15-2412-3681, escribime", "011 15-2412-3681"),
    ("Zaragoza. mi cel es 695 86 85 90, gracias", "695 86 85 90"),
    ("Διεύθυνση: Τσιμισκή 71, 268 09 Πάτρα\nΤηλέφωνο: 695 540 3357", "695 540 3357"),
    ("Cartão 4266 4910 5772 2968, ligar de volta para 21 821 3039", "21 821 3039"),
])
def test_phone_words_of_more_languages(scanner: Scanner, text: str, value: str) -> None:
    assert covered(scanner, text, value)


def test_loopback_with_a_port_is_no_address_to_mask(scanner: Scanner) -> None:
    assert found(scanner, "[12:03:11] connect ::1:5432 timeout") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Név: Szabó Ferenc\nSzületési idő: 2005. 10. 13\n", "2005. 10. 13"),
    ("Nájemce: paní Martina Štěpánková, nar. 15. 1. 1975, bytem", "15. 1. 1975"),
    ("Nájemce: pan Arnošt Němeček, nar. 1. března 1953", "1. března 1953"),
    ("Όνομα: Γαβριήλ Λουλάκης\nΗμερομηνία γέννησης: 8 Απριλίου 1957", "8 Απριλίου 1957"),
    ("subsemnata Mara Popescu, născută la data de 14 ianuarie 1942", "14 ianuarie 1942"),
])
def test_birth_dates_in_more_languages(scanner: Scanner, text: str, value: str) -> None:
    assert ("date_of_birth", value) in found(scanner, text)


@pytest.mark.parametrize(("text", "value"), [
    ("hi, abby here, i moved to 33 high close, waterford, x91 0pdd",
     "33 high close, waterford, x91 0pdd"),
    ("bel maar als je bij stensteeg 168, 6507 kj nijmegen bent", "stensteeg 168, 6507 kj nijmegen"),
    ("sign it from ben, 25 meadow way, cardiff cf11 2bf", "25 meadow way, cardiff cf11 2bf"),
])
def test_addresses_in_a_chat_typed_in_lower_case(scanner: Scanner, text: str,
                                                 value: str) -> None:
    assert covered(scanner, text, value)


@pytest.mark.parametrize("text", [
    "i walked 5 miles down the road today",
    "we need 2 boxes for the main street office",
    "order 4411 shipped to main street yesterday",
])
def test_lower_case_prose_with_a_number_is_no_address(scanner: Scanner, text: str) -> None:
    assert [k for k, _ in found(scanner, text) if k == "address"] == []


def test_the_capitalised_copy_keeps_every_offset() -> None:
    from hybridai.policies.privacy.addresses import capitalised

    text = "ich wohne in der hans-jochen-jäkel-allee 69, 12742 berlin, straße ß"
    assert len(capitalised(text)) == len(text)
    assert capitalised("6507 kj nijmegen") == "6507 KJ Nijmegen"
