"""Stored responses: scoped to their tenant, gone when deleted, expired after keep_days."""

from __future__ import annotations

from pathlib import Path

from hybridai.stores.responses import ResponseStore

DAY = 86400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def response(response_id: str) -> dict[str, str]:
    return {"id": response_id, "object": "response"}


def test_a_response_is_its_tenants_alone_and_gone_once_deleted(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path / "responses.sqlite")
    store.save(response("resp_1"), [{"id": "msg_1", "type": "message"}], "key-a")
    kept = store.get("resp_1", "key-a")
    assert kept is not None and kept.input_items == [{"id": "msg_1", "type": "message"}]
    assert store.get("resp_1", "key-b") is None and not store.delete("resp_1", "key-b")
    assert store.delete("resp_1", "key-a") and store.get("resp_1", "key-a") is None
    store.close()


def test_a_response_older_than_keep_days_is_not_returned_and_is_removed(tmp_path: Path) -> None:
    clock = Clock()
    store = ResponseStore(tmp_path / "responses.sqlite", keep_days=30, clock=clock)
    store.save(response("resp_old"), [], None)
    clock.now += 29 * DAY
    assert store.get("resp_old", None) is not None
    clock.now += 2 * DAY  # 31 days on
    assert store.get("resp_old", None) is None
    store.save(response("resp_new"), [], None)  # saving removes what has expired
    rows = store._db.execute("SELECT id FROM responses").fetchall()
    assert [row[0] for row in rows] == ["resp_new"]
    store.close()


def test_the_gateway_setting_sets_the_retention(tmp_path: Path) -> None:
    from hybridai.api.responses import Conversation
    from hybridai.config.sections import GatewaySettings

    gateway = GatewaySettings(log_path=tmp_path / "requests.sqlite", responses_keep_days=7)
    conversation = Conversation.of(gateway)
    assert conversation.store.keep_s == 7 * DAY
    assert conversation.store.path == tmp_path / "responses.sqlite"
    conversation.close()
