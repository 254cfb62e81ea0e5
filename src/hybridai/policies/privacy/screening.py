"""The pipeline's privacy step: scan a request, and what that means for each attempt.

``PrivacyGuard.screen`` scans every text the request carries once (``schema/texts.py``:
message contents and parts, tool calls and results, tool definitions, the schema, stops).
The ``Screening`` it returns hands a cloud attempt the redacted request (and restores the
answer on the way back), tells the planner when the device is the only place allowed, and
scrubs text bound for logs. It holds the original values in memory only; nothing it reports
names them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import PrivateDataError
from ...schema.events import Channel
from ...schema.privacy import Policy, effective_policy
from ...schema.request import ChatRequest
from ...schema.response import PrivacyInfo
from ...schema.texts import map_texts, texts
from . import name_lists, ner, public_names
from .redaction import Redactor, Restorer, placeholders_in
from .scanner import Scanner

if TYPE_CHECKING:
    from ...config import PrivacySettings


class PrivacyGuard:
    def __init__(self, scanner: Scanner, policy: Policy, ner_setting: str = "off") -> None:
        """``ner_setting``: ``privacy.ner``, the entity recognizer ``warm_up`` loads."""
        self.scanner = scanner
        self.policy = policy
        self.ner_setting = ner_setting

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> PrivacyGuard:
        return cls(Scanner.from_settings(settings), settings.policy, settings.ner)

    def warm_up(self) -> str | None:
        """Loads the name lists, the public names and the entity recognizer behind names and
        addresses now (a tenth of a second, and a second or two), so the first request does not
        wait for them; the recognizer's name, or None without one."""
        if self.policy is Policy.ALLOW:
            return None
        name_lists.load()
        public_names.load()
        return ner.warm_up(self.ner_setting)

    def screen(self, request: ChatRequest) -> Screening:
        policy = effective_policy(self.policy, request.options.privacy)
        if policy is Policy.ALLOW:
            return Screening(policy, Counter(), request, Redactor(), self.scanner)
        wire = request.wire()
        carried = texts(wire)
        if len(carried) > 1 and (entities := ner.entities_for(self.ner_setting)) is not None:
            entities.recognize_all(carried)  # one pass of the recognizer for them all
        redactor, counts = Redactor(taken=placeholders_in(carried)), Counter[str]()

        def redacted(text: str) -> str:
            findings = self.scanner.scan(text)
            counts.update(f.kind for f in findings)
            return redactor.redact(text, findings)

        cloud_payload = map_texts(wire, redacted)
        # The payload as given holds the values too: a redacted request carries none.
        cloud_request = request.revised(cloud_payload) if counts else request
        return Screening(policy, counts, cloud_request, redactor, self.scanner)


@dataclass(eq=False)
class Screening:
    policy: Policy
    counts: Counter[str]
    _cloud_request: ChatRequest = field(repr=False)
    _redactor: Redactor = field(repr=False)
    _scanner: Scanner = field(repr=False)

    @property
    def found(self) -> bool:
        return bool(self.counts)

    @property
    def keep_local(self) -> bool:
        return self.found and self.policy is Policy.KEEP_LOCAL

    @property
    def redacts(self) -> bool:
        return self.found and self.policy is Policy.REDACT

    @property
    def action(self) -> str:
        """What the policy did with what was found: redacted, kept_local or allowed."""
        return {Policy.REDACT: "redacted", Policy.KEEP_LOCAL: "kept_local"}.get(
            self.policy, "allowed")

    def kinds(self) -> str:
        """``email,phone``: the kinds found, never the values."""
        return ",".join(sorted(self.counts))

    def cloud_request(self) -> ChatRequest:
        """What a cloud attempt may send: placeholders in place of every value found."""
        if self.keep_local:
            # The planner never plans this; a second lock on the door all the same.
            raise PrivateDataError(f"the request contains {self.kinds()}, which the privacy "
                                   "policy keep_local keeps on the device", counts=self.counts,
                                   code="private_data_keep_local")
        return self._cloud_request

    def restorer(self) -> Restorer:
        """Puts the original values back into a cloud answer's text as it streams."""
        return Restorer(self._redactor.values)

    def restorer_for(self, channel: Channel) -> Restorer:
        """The restorer of one channel of a cloud answer: its text as is; inside a tool
        call's arguments (JSON), each value written as a JSON string's content."""
        if channel.kind != "arguments":
            return self.restorer()
        return Restorer({p: json.dumps(v, ensure_ascii=False)[1:-1]
                         for p, v in self._redactor.values.items()})

    def scrub(self, text: str) -> str:
        """``text`` with every value found in it (or in the request) as placeholders: for logs."""
        if self.policy is Policy.ALLOW:
            return text
        # Values from the request first: an answer may repeat one where no detector would
        # see it again (a bare number without its cue word).
        known = {value: p for p, value in self._redactor.values.items()}
        if known:
            pattern = re.compile("|".join(map(re.escape, sorted(known, key=len, reverse=True))))
            text = pattern.sub(lambda m: known[m.group()], text)
        return self._redactor.redact(text, self._scanner.scan(text))

    def info(self, *, redacted: bool) -> PrivacyInfo:
        return PrivacyInfo(policy=self.policy, detected=dict(sorted(self.counts.items())),
                           redacted=redacted and self.redacts)

