"""What an independent tester found leaking, and what it masked that it should not, end to end.

Each case goes through a real ``hybridai serve`` process to the recording loopback cloud
(``tests/support/recording_cloud.py``: every byte it receives is kept; behind it a server
echoes the last message back three characters a chunk). Under ``redact`` no part of a value
may reach the cloud in any form, wherever it sits in the conversation, streamed or not, and
the echoed answer comes back exactly as written. Under ``keep_local`` with ``only_in_cloud``
a harmless prompt must still be answered by the cloud, unchanged: a false positive there is
a 400 on a request that had nothing private in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import user
from tests.support.gateway_process import GatewayProcess, write_config
from tests.support.recording_cloud import RecordingCloud
from tests.test_privacy import NO_DEVICE

pytestmark = pytest.mark.integration

# name -> (text, the fragments of it that must never reach the cloud)
LEAKS: dict[str, tuple[str, list[str]]] = {
    "email across a line": ("Write to jane.doe@\nexample.org about it.",
                            ["jane.doe", "example.org"]),
    "email split mid-domain": ("Her address is jane.doe@exam\nple.org, thanks.",
                               ["jane.doe", "ple.org"]),
    "phone across a line": ("Call me at (415) 555-\n0132 after six.", ["555-", "0132"]),
    "card across a line": ("My card is 4539 1488\n0343 6467, expiring 09/28.",
                           ["4539 1488", "0343 6467"]),
    "iban across a line": ("IBAN: GB12 WEST 1234\n5698 7654 31 please.",
                           ["GB12 WEST", "5698 7654 31"]),
    "ssn across a line": ("SSN 536-22-\n1234 on the form.", ["536-22", "1234 on"]),
    "second line of a key": ("key = sk-proj-Q3x9TbL2mN8vR4kZ\n7yW1aH6cP0sDfG5hJ2kL3mN4p",
                             ["Q3x9TbL2mN8vR4kZ", "7yW1aH6cP0sDfG5hJ2kL3mN4p"]),
    "card in spaced digits": ("card: 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7 thanks",
                              ["4 5 3 9 1 4 8 8", "0 3 4 3 6 4 6 7"]),
    "ssn in spaced digits": ("my SSN is 5 3 6 2 2 1 2 3 4.", ["5 3 6 2 2 1 2 3 4"]),
    "iban with dashes": ("Pay GB12-WEST-1234-5698-7654-31 today.",
                         ["GB12-WEST", "5698-7654-31"]),
    "url-encoded email": ("GET /unsubscribe?email=jane.doe%40example.org HTTP/1.1",
                          ["jane.doe%40example.org", "jane.doe"]),
    "basic auth header": ("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA==' https://api.x",
                          ["dXNlcjpwYXNzd29yZA=="]),
    "slack webhook": ("POST to https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/"
                      "aB3dE5fG7hJ9kL1mN3pQ5rS7 for alerts",
                      ["aB3dE5fG7hJ9kL1mN3pQ5rS7"]),
    "sshpass": ("sshpass -p 'S3cure!pw9' ssh admin@backup.internal", ["S3cure!pw9"]),
    "url password with #": ("DATABASE_URL=postgres://app:p#ssW0rd9x@db.internal/prod",
                            ["p#ssW0rd9x"]),
    "password in German": ("Mein Passwort ist Sonnenblume-42, bitte nicht weitergeben.",
                           ["Sonnenblume-42"]),
    "password in French": ("Le mot de passe : Tournesol-42 pour le wifi.", ["Tournesol-42"]),
    "password in Spanish": ("La contraseña es Girasol-42 para el router.", ["Girasol-42"]),
    "UK national phone": ("Call me on 020 7946 0958 tomorrow.", ["7946 0958"]),
    "German national phone": ("Ruf mich an: 030 12345678, danke.", ["12345678"]),
    "French national phone": ("Appelez-moi au 06 12 34 56 78 demain.", ["12 34 56 78"]),
    "Indian national phone": ("My mobile is 098765 43210, call anytime.", ["98765 43210"]),
    "name beside a diagnosis": ("Patient Maria Schneider was diagnosed with type 2 diabetes.",
                                ["Schneider"]),
    "street address": ("Ship it to 1600 Amphitheatre Parkway, Mountain View, CA 94043.",
                       ["1600 Amphitheatre"]),
    "date of birth": ("Her date of birth is 14/03/1985, please update the record.",
                      ["14/03/1985"]),
    "passport number": ("Passport no. X12345678 expires next year.", ["X12345678"]),
}

# Harmless prompts an earlier screen masked: the cloud must get them as written.
HARMLESS = {
    "identifier as value": "Why does `api_key=api_key` fail the linter?",
    "form field lookup": "In Flask, is request.form['password'] safe to log?",
    "four-part version": "Upgrade to 10.0.19045.3803 before Friday.",
    "git remote": "git clone git@github.com:acme/widgets.git fails with publickey",
    "dashed order number": "Order 415-555-0132 has not shipped yet, any news?",
    "fibonacci list": "Continue the list: 1 1 2 3 5 8 13 21 34 55 89 144 233",
    "hash and uuid": "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b, id "
                     "123e4567-e89b-12d3-a456-426614174000",
    "a city alone": "What is the weather like in Paris in May?",
}

SHORT = {"max_tokens": 8, "temperature": 0.0}
# The response cache is off: each case must reach the cloud, streamed after unstreamed too.


def serve(tmp: Path, cloud: RecordingCloud, privacy: dict[str, Any], mode: str) -> GatewayProcess:
    gateway = {"log_path": tmp / "requests.sqlite", "log_content": True,
               "default_max_tokens": 8}
    path = write_config(tmp, cloud_url=cloud.base_url, cache_dir=tmp, gateway=gateway,
                        device=NO_DEVICE, mode=mode, cache={"enabled": False},
                        sections={"privacy": privacy})
    return GatewayProcess(path, gateway["log_path"]).start()


@pytest.fixture(scope="module")
def cloud() -> Iterator[RecordingCloud]:
    with RecordingCloud() as recording:
        yield recording


@pytest.fixture(scope="module")
def redacting(tmp_path_factory: pytest.TempPathFactory,
              cloud: RecordingCloud) -> Iterator[openai.OpenAI]:
    process = serve(tmp_path_factory.mktemp("redact"), cloud, {"policy": "redact"},
                    "prefer_in_cloud")
    yield openai.OpenAI(base_url=process.base_url, api_key="unused", max_retries=0)
    process.stop()


@pytest.fixture(scope="module")
def keeping_local(tmp_path_factory: pytest.TempPathFactory,
                  cloud: RecordingCloud) -> Iterator[openai.OpenAI]:
    process = serve(tmp_path_factory.mktemp("keep"), cloud, {"policy": "keep_local"},
                    "only_in_cloud")
    yield openai.OpenAI(base_url=process.base_url, api_key="unused", max_retries=0)
    process.stop()


def conversation(text: str, where: str) -> list[dict[str, Any]]:
    """The text placed where a value may sit in a chat."""
    ask = {"role": "user", "content": "Thanks. Now repeat the last note exactly."}
    return {
        "last user turn": user(text),
        "system message": [{"role": "system", "content": f"Context: {text}"}, ask],
        "earlier user turn": [*user(text), {"role": "assistant", "content": "Noted."}, ask],
        "assistant turn": [{"role": "user", "content": "Give me the note."},
                           {"role": "assistant", "content": text}, ask],
        "content parts": [{"role": "user", "content": [
            {"type": "text", "text": "Repeat exactly:"}, {"type": "text", "text": text}]}],
    }[where]


def answer(client: openai.OpenAI, messages: list[dict[str, Any]], stream: bool) -> str:
    if stream:
        chunks = client.chat.completions.create(model="hybrid", messages=messages,  # type: ignore[call-overload]
                                                stream=True, **SHORT)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    whole = client.chat.completions.create(model="hybrid", messages=messages,  # type: ignore[call-overload]
                                           **SHORT)
    return whole.choices[0].message.content or ""


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
@pytest.mark.parametrize("name", list(LEAKS))
def test_no_part_of_a_value_reaches_the_cloud(redacting, cloud, name, stream):
    text, fragments = LEAKS[name]
    before = len(cloud.received)
    # The echo repeats the last message (placeholders and all): what comes back is the text
    # with its values restored.
    assert answer(redacting, user(text), stream) == text
    sent = cloud.received[before:]
    assert sent, "the request did not reach the cloud"
    for fragment in fragments:
        assert fragment.encode() not in sent, f"the cloud received {fragment!r}"


@pytest.mark.parametrize("where", ["system message", "earlier user turn", "assistant turn",
                                   "content parts"])
def test_where_the_value_sits_makes_no_difference(redacting, cloud, where):
    for name in ["card across a line", "basic auth header", "name beside a diagnosis",
                 "password in German"]:
        text, fragments = LEAKS[name]
        before = len(cloud.received)
        assert answer(redacting, conversation(text, where), stream=False)
        sent = cloud.received[before:]
        for fragment in fragments:
            assert fragment.encode() not in sent, (where, name, fragment)


@pytest.mark.parametrize("name", list(HARMLESS))
def test_a_harmless_prompt_is_answered_by_the_cloud_unchanged(keeping_local, cloud, name):
    text = HARMLESS[name]
    before = len(cloud.received)
    response = keeping_local.chat.completions.with_raw_response.create(
        model="hybrid", messages=user(text), max_tokens=400, temperature=0.0)
    assert response.headers["x-hybrid-route"] == "in_cloud"
    assert response.parse().choices[0].message.content == text
    assert json.dumps(text)[1:-1].encode() in cloud.received[before:]


def test_a_placeholder_the_user_wrote_comes_back_as_written(redacting, cloud):
    text = "Template: 'Dear [EMAIL_1],' to be sent to jane.doe@example.org."
    response = redacting.chat.completions.create(model="hybrid", messages=user(text),
                                                 max_tokens=400, temperature=0.0)
    assert response.choices[0].message.content == text
    assert b"[EMAIL_1]" in cloud.received and b"jane.doe" not in cloud.received
