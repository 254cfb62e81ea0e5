"""Personal data and secrets: found in every request before anything leaves the device.

    detectors.py   numbers and addresses, one kind each: regexes plus validators (validators.py)
    secrets.py     private keys, tokens, passwords, credentials
    catalog.py     the built-in kinds' detectors by name
    scanner.py     all enabled detectors over a text, overlaps merged
    redaction.py   stable placeholders out, original values back in (streams included)
    policy.py      keep_local | redact | allow, and how a request may tighten it
    screening.py   the pipeline's step: scan once, then serve each attempt accordingly

Importing this package loads nothing heavy; ``phonenumbers`` loads on the first scan.
"""

from ...schema.privacy import Policy

__all__ = ["Policy"]
