"""Personal data and secrets: found in every request before anything leaves the device.

    detectors.py   numbers and addresses, one kind each: regexes plus validators (validators.py)
    phones.py      phone numbers, read for the regions a prompt implies
    secrets.py     private keys, tokens, passwords, credentials, composed of:
        vendor_keys.py (detect-secrets' plugin patterns), credentials.py (values after a
        secret's name, several languages), credential_syntax.py (URLs, headers, command
        lines, config syntax), random_strings.py, secret_values.py (what is not a value),
        secret_text.py (offset-keeping lowercasing, lines holding a word)
    ner.py         the optional spaCy entity recognizer (privacy.ner), loaded on first use
    names.py       names after cues; with NER (ner.py), PERSON entities, vetted in name_entities.py
    addresses.py   street addresses (house number and street type, either order) and P.O. boxes
    birth_dates.py dates of birth: a date beside a birth cue, or in a birth-date column
    id_numbers.py  passport, national ID, tax ID and licence numbers (python-stdnum checksums)
    words.py       the letter classes and the text's words, shared by the four above
    catalog.py     the built-in kinds' detectors by name
    normalize.py   views of a text with line breaks, spacing and encodings undone, mapped back
    scanner.py     all enabled detectors over the text and its views, overlaps merged
    redaction.py   stable placeholders out, original values back in (streams included)
    screening.py   the pipeline's step: scan once, then serve each attempt accordingly

Importing this package loads nothing heavy; ``phonenumbers`` loads on the first scan.
"""

from ...schema.privacy import Policy

__all__ = ["Policy"]
