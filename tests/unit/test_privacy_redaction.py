"""Redaction, restoring (whole and streamed), policies, the screening step and its settings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hybridai.config import PrivacySettings, Settings
from hybridai.core.plan import Attempt, RoutePlan, final_error, plan_private
from hybridai.errors import ConfigError, InvalidRequestError, PrivateDataError
from hybridai.policies.privacy.redaction import Redactor, Restorer
from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.screening import PrivacyGuard
from hybridai.schema.events import Finished, Started, TextDelta, filtered
from hybridai.schema.modes import Mode, Route
from hybridai.schema.privacy import Policy, effective_policy
from hybridai.schema.reasons import Reason, ReasonCode
from hybridai.schema.request import ChatRequest
from tests.unit.builders import DEVICE, available_report, unavailable_report

VALUES = {
    "email": "jane.doe@example.org", "phone": "(415) 555-0132", "card": "4539 1488 0343 6467",
    "iban": "GB12 WEST 1234 5698 7654 31", "ssn": "536-22-1234", "ip": "81.2.69.142",
    "secret": "sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6c",
}
SCANNER = Scanner.from_settings(PrivacySettings())


def guard(policy: Policy = Policy.REDACT) -> PrivacyGuard:
    return PrivacyGuard(SCANNER, policy)


def request(text: str, **fields: object) -> ChatRequest:
    return ChatRequest.parse({"messages": [{"role": "user", "content": text}], **fields})


def redact(text: str) -> tuple[str, Redactor]:
    redactor = Redactor()
    return redactor.redact(text, SCANNER.scan(text)), redactor


def test_same_value_same_placeholder_and_numbered_per_kind():
    text = "a@example.org, b@example.org, then a@example.org again; call (415) 555-0132"
    redacted, redactor = redact(text)
    assert redacted == "[EMAIL_1], [EMAIL_2], then [EMAIL_1] again; call [PHONE_1]"
    assert Restorer(redactor.values).restore(redacted) == text


def test_restorer_handles_every_split_of_a_placeholder():
    values = {"[EMAIL_1]": "jane.doe@example.org", "[EMAIL_10]": "x@example.org"}
    answer = "Write to [EMAIL_1] or [EMAIL_10] — not [EMAIL_2] or [EMAIL]."
    expected = "Write to jane.doe@example.org or x@example.org — not [EMAIL_2] or [EMAIL]."
    for cut in range(len(answer) + 1):
        restorer = Restorer(values)
        out = [restorer.feed(answer[:cut]), restorer.feed(answer[cut:]), restorer.flush()]
        assert "".join(out) == expected, cut


def test_restorer_holds_back_only_a_possible_placeholder():
    restorer = Restorer({"[EMAIL_1]": "jane.doe@example.org"})
    assert restorer.feed("see [list] and [EM") == "see [list] and "
    assert restorer.feed("AIL_1] ok [x") == "jane.doe@example.org ok [x"
    assert restorer.feed("") == "" and restorer.flush() == ""


texts_with_values = st.lists(
    st.one_of(st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
              st.sampled_from(sorted(VALUES.values()))), max_size=8).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=texts_with_values, cuts=st.lists(st.integers(min_value=0, max_value=400)))
def test_redact_then_restore_round_trips_streamed_in_any_pieces(text, cuts):
    redacted, redactor = redact(text)
    for value in VALUES.values():
        if value in text:
            assert value not in redacted
    bounds = sorted({0, len(redacted), *(c for c in cuts if c <= len(redacted))})
    restorer = Restorer(redactor.values)
    pieces = [restorer.feed(redacted[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    assert "".join(pieces) + restorer.flush() == text
    assert Restorer(redactor.values).restore(redacted) == text


def test_screening_redacts_for_the_cloud_and_counts_kinds():
    screening = guard().screen(request(f"{VALUES['email']} and {VALUES['card']}",
                                       stop=[VALUES["email"]]))
    outgoing = screening.cloud_request()
    assert outgoing.messages[0].content == "[EMAIL_1] and [CARD_1]"
    assert outgoing.stop == ["[EMAIL_1]"]
    assert screening.info(redacted=True).model_dump() == {
        "policy": Policy.REDACT, "detected": {"card": 1, "email": 2}, "redacted": True}
    assert VALUES["email"] not in repr(screening)


def test_a_placeholder_the_user_wrote_is_kept_and_never_restored_to_a_value():
    # The user quotes a template (or a log of an earlier redacted exchange) holding
    # "[EMAIL_1]" and also gives a real address: the real one gets another number.
    text = "My template says 'Dear [EMAIL_1]'. Fill it in for jane.doe@example.org."
    screening = guard().screen(request(text))
    sent = screening.cloud_request().messages[0].content
    assert sent == "My template says 'Dear [EMAIL_1]'. Fill it in for [EMAIL_2]."
    answer = "Dear [EMAIL_1] becomes: Dear [EMAIL_2]."
    assert screening.restorer().restore(answer) == (
        "Dear [EMAIL_1] becomes: Dear jane.doe@example.org.")


def test_placeholders_taken_anywhere_in_the_request_are_skipped():
    chat = ChatRequest.parse({"messages": [
        {"role": "user", "content": "Call (415) 555-0132 please."},
        {"role": "assistant", "content": "I will call [PHONE_1] and [PHONE_2]."},
        {"role": "user", "content": "No: call (212) 555-0199."}]})
    screening = guard().screen(chat)
    sent = [m.content for m in screening.cloud_request().messages]
    assert sent == ["Call [PHONE_3] please.", "I will call [PHONE_1] and [PHONE_2].",
                    "No: call [PHONE_4]."]
    assert screening.restorer().restore("[PHONE_1] [PHONE_3] [PHONE_4]") == (
        "[PHONE_1] (415) 555-0132 (212) 555-0199")


def test_restore_events_flushes_the_tail_before_finished():
    screening = guard().screen(request(VALUES["email"]))
    events = [Started(), TextDelta("to [EM"), TextDelta("AIL_1"), TextDelta("]"),
              Finished("stop")]
    restored = list(filtered(iter(events), screening.restorer_for))
    assert restored == [Started(), TextDelta("to "), TextDelta(VALUES["email"]),
                        Finished("stop")]


def test_keep_local_screening_refuses_a_cloud_request():
    screening = guard(Policy.KEEP_LOCAL).screen(request(VALUES["ssn"]))
    assert screening.keep_local and screening.kinds() == "ssn"
    with pytest.raises(PrivateDataError):
        screening.cloud_request()


def test_allow_sends_the_request_unchanged():
    screening = guard(Policy.ALLOW).screen(request(VALUES["email"]))
    assert screening.cloud_request().messages[0].content == VALUES["email"]
    assert not screening.found


def test_scrub_hides_values_from_the_request_and_new_ones():
    screening = guard(Policy.KEEP_LOCAL).screen(request("ssn: 536221234"))
    # The bare number repeats without its cue word: found because the request had it.
    scrubbed = screening.scrub("536221234 and bob@example.org")
    assert scrubbed == "[SSN_1] and [EMAIL_1]"


@pytest.mark.parametrize(("configured", "requested", "effective"), [
    (Policy.REDACT, None, Policy.REDACT),
    (Policy.ALLOW, Policy.KEEP_LOCAL, Policy.KEEP_LOCAL),
    (Policy.REDACT, Policy.KEEP_LOCAL, Policy.KEEP_LOCAL),
    (Policy.REDACT, Policy.REDACT, Policy.REDACT),
])
def test_a_request_may_tighten_the_policy(configured, requested, effective):
    assert effective_policy(configured, requested) is effective


@pytest.mark.parametrize(("configured", "requested"), [
    (Policy.REDACT, Policy.ALLOW), (Policy.KEEP_LOCAL, Policy.REDACT),
    (Policy.KEEP_LOCAL, Policy.ALLOW)])
def test_a_request_may_not_loosen_the_policy(configured, requested):
    with pytest.raises(InvalidRequestError, match="looser") as info:
        effective_policy(configured, requested)
    assert info.value.code == "privacy_policy_looser"


def test_request_privacy_field_is_validated():
    assert request("hi", privacy="keep-local").options.privacy is Policy.KEEP_LOCAL
    with pytest.raises(InvalidRequestError, match="unknown privacy policy"):
        request("hi", privacy="maybe")


def test_plan_private_is_the_device_only():
    screening = guard(Policy.KEEP_LOCAL).screen(request(VALUES["email"]))
    route_plan = plan_private(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, screening)
    assert [(a.target, a.route, str(a.reason)) for a in route_plan.attempts] == [
        (DEVICE, Route.ON_DEVICE, "private:email")]


def test_plan_private_errors_when_the_device_cannot_run_it():
    screening = guard(Policy.KEEP_LOCAL).screen(request(VALUES["email"]))
    with pytest.raises(PrivateDataError, match="email.*not_enough_memory|email.*because") as info:
        plan_private(Mode.PREFER_ON_DEVICE, unavailable_report(), DEVICE, screening)
    assert info.value.code == "private_data_needs_device" and info.value.kinds == "email"
    with pytest.raises(PrivateDataError) as info:
        plan_private(Mode.ONLY_IN_CLOUD, available_report(), DEVICE, screening)
    assert info.value.code == "private_data_cloud_only_mode"


def test_device_failure_under_keep_local_is_a_private_data_error():
    from hybridai.errors import EngineCrashedError

    screening = guard(Policy.KEEP_LOCAL).screen(request(VALUES["email"]))
    attempt = Attempt(DEVICE, Route.ON_DEVICE, Reason(ReasonCode.PRIVATE, "email"))
    route_plan = RoutePlan(Mode.PREFER_ON_DEVICE, (attempt,), privacy=screening)
    error = final_error(route_plan, [(attempt, EngineCrashedError("SIGSEGV"))])
    assert isinstance(error, PrivateDataError) and "SIGSEGV" in str(error)
    assert VALUES["email"] not in str(error)


def test_privacy_settings_default_and_validation(monkeypatch):
    assert Settings().privacy.policy is Policy.REDACT
    monkeypatch.setenv("HYBRIDAI_PRIVACY__POLICY", "keep_local")
    assert Settings().privacy.policy is Policy.KEEP_LOCAL
    from hybridai.config import load_settings

    for bad, message in [({"detect": ["emails"]}, "unknown kind"),
                         ({"patterns": {"emp": "EMP-("}}, "not a valid regular expression"),
                         ({"patterns": {"email": "x"}}, "built-in kind"),
                         ({"phone_region": "XX"}, "region"),
                         ({"policy": "sometimes"}, "privacy.policy")]:
        with pytest.raises(ConfigError, match=message):
            load_settings(privacy=bad)
