"""The kinds of personal data and secrets hybridai finds on its own, most specific first.

When spans of two kinds overlap, they are merged and named after the kind listed first.
"""

BUILTIN_KINDS: tuple[str, ...] = ("private_key", "secret", "iban", "card", "ssn", "email",
                                  "ip", "phone")
