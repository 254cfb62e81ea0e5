"""Privacy policies (what happens to a request in which personal data or a secret was found)
and the kinds of personal data and secrets hybridai finds on its own."""

from __future__ import annotations

from enum import StrEnum

from ..errors import InvalidRequestError


class Policy(StrEnum):
    """``keep_local``: the device only; ``redact``: placeholders for the cloud; ``allow``."""

    ALLOW = "allow"
    REDACT = "redact"
    KEEP_LOCAL = "keep_local"

    @property
    def strictness(self) -> int:
        return _STRICTNESS[self]

    @classmethod
    def parse(cls, value: object) -> Policy:
        try:
            return cls(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise InvalidRequestError(f"unknown privacy policy {value!r}; expected one of "
                                      f"{choices}", code="invalid_privacy_policy") from None


_STRICTNESS = {Policy.ALLOW: 0, Policy.REDACT: 1, Policy.KEEP_LOCAL: 2}


def effective_policy(configured: Policy, requested: Policy | None) -> Policy:
    """A request may tighten the configured policy, never loosen it.

    The configured policy is the app owner's promise to their users; a caller (who may be any
    client of the gateway) asking for less is an error, not silently ignored.
    """
    if requested is None:
        return configured
    if requested.strictness < configured.strictness:
        raise InvalidRequestError(
            f"privacy={requested.value} is looser than this setup's policy "
            f"{configured.value}; a request may only tighten it", code="privacy_policy_looser")
    return requested


# The built-in kinds, most specific first: when spans of two kinds overlap, they are merged
# and named after the kind listed first. Of the kinds about people, an ID number (after its
# cue, or with its checksum) is the most specific, then a date with a birth cue; an address
# comes before a name because streets are named after people ("12 Martin Luther King Dr"),
# and a name, found by the loosest evidence, is last.
BUILTIN_KINDS: tuple[str, ...] = ("private_key", "secret", "iban", "card", "ssn", "email",
                                  "ip", "phone", "id_number", "date_of_birth", "address",
                                  "person")
