"""Saving cassettes: a recording that ends well replaces the cassette atomically; one the block
interrupts (an exception, Ctrl-C) keeps the previous cassette and writes what was recorded
beside it as NAME.partial.json; a save that fails names the cassette and the OS error; the
temporary files of earlier saves that were killed midway go with the next save."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agentgraph.compiler.files import remove_stale_temps, write_atomic
from agentgraph.replay_fixtures.cassette import Cassette, HttpInteraction
from agentgraph.replay_fixtures.fixture import open_cassette
from agentgraph.replay_fixtures.persist import CassetteSaveError, save_cassette
from agentgraph.replay_fixtures.use import use_cassette
from tests.replay.http_helpers import HELLO, STORY, record, stopped_server, sync_client
from tests.support.script import text, turn

OLD = [turn(text("the old answer"))]
NEW = [turn(text("Hello there")), turn(text("Once upon a time"))]
STALE_NS = 1_000_000_000_000_000_000  # 2001: long before any save these tests make


def _answers(path: Path) -> list[str]:
    found = []
    for interaction in Cassette.load(path).interactions:
        assert isinstance(interaction, HttpInteraction)
        found.append(json.dumps(interaction.response.body))
    return found


def _good_cassette(path: Path) -> bytes:
    record(path, OLD, lambda client: client.responses.create(**HELLO).output_text)
    assert "the old answer" in _answers(path)[0]
    return path.read_bytes()


@pytest.mark.parametrize("interruption", [RuntimeError("the test failed"), KeyboardInterrupt()])
def test_an_interrupted_recording_keeps_the_cassette_and_writes_the_partial_beside_it(
    tmp_path: Path, interruption: BaseException
) -> None:
    path = tmp_path / "desk.json"
    good = _good_cassette(path)
    with stopped_server(*NEW) as server, pytest.raises(type(interruption)) as raised:
        with use_cassette(path, "all"), sync_client(server.base_url) as client:
            assert client.responses.create(**HELLO).output_text == "Hello there"
            raise interruption
    assert path.read_bytes() == good  # the previous good cassette, byte for byte
    partial = tmp_path / "desk.partial.json"
    answers = _answers(partial)
    assert len(answers) == 1 and "Hello there" in answers[0]
    assert raised.value.__notes__ == [
        f"the recording was interrupted: {path} is unchanged; what was recorded is in {partial}"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.json", "desk.partial.json"]


def test_open_cassette_keeps_the_cassette_too_and_keep_partial_false_drops_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.json"
    good = _good_cassette(path)
    with stopped_server(*NEW) as server, pytest.raises(RuntimeError) as raised:
        with open_cassette(path, mode="all", keep_partial=False) as used:
            with sync_client(server.base_url) as client:
                client.responses.create(**HELLO)
            raise RuntimeError("the test failed")
    assert path.read_bytes() == good and used.session.partial is None
    assert [p.name for p in tmp_path.iterdir()] == ["desk.json"]
    assert "what was recorded was dropped (keep_partial=False)" in raised.value.__notes__[0]


def test_a_recording_that_ends_well_replaces_the_cassette(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    _good_cassette(path)
    with stopped_server(*NEW) as server:
        with use_cassette(path, "all") as used, sync_client(server.base_url) as client:
            client.responses.create(**HELLO)
            client.responses.create(**STORY)
    answers = _answers(path)
    assert len(answers) == 2 and "Once upon a time" in answers[1]
    assert used.session.partial is None
    assert [p.name for p in tmp_path.iterdir()] == ["desk.json"]


def test_a_failure_that_recorded_nothing_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    good = _good_cassette(path)
    with pytest.raises(RuntimeError) as raised, use_cassette(path, "all"):
        raise RuntimeError("before any request")
    assert path.read_bytes() == good and not hasattr(raised.value, "__notes__")
    assert [p.name for p in tmp_path.iterdir()] == ["desk.json"]


def test_a_partial_that_cannot_be_written_is_noted_and_the_first_error_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.json"
    good = _good_cassette(path)
    (tmp_path / "desk.partial.json").mkdir()
    with stopped_server(*NEW) as server, pytest.raises(RuntimeError, match="the test failed"):
        with use_cassette(path, "all") as used, sync_client(server.base_url) as client:
            client.responses.create(**HELLO)
            raise RuntimeError("the test failed")
    assert path.read_bytes() == good and used.session.partial is None


def test_a_failed_save_names_the_cassette_and_the_os_error(tmp_path: Path) -> None:
    path = tmp_path / "desk.json"
    path.mkdir()
    with pytest.raises(CassetteSaveError) as raised:
        save_cassette(Cassette(), path)
    assert str(raised.value) == f"cannot write {path}: Is a directory"
    assert isinstance(raised.value, OSError) and raised.value.path == path
    assert isinstance(raised.value.__cause__, IsADirectoryError)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CassetteSaveError, match=f"cannot write {blocker / 'desk.json'}: "):
        save_cassette(Cassette(), blocker / "desk.json")


def _stale(folder: Path, name: str, *, stale: bool = True) -> Path:
    path = folder / name
    path.write_text("half a cassette")
    if stale:
        os.utime(path, ns=(STALE_NS, STALE_NS))
    else:  # written after the save began: a save still under way
        later = path.stat().st_mtime_ns + 3_600_000_000_000
        os.utime(path, ns=(later, later))
    return path


def test_the_next_save_removes_the_temporary_files_of_earlier_killed_saves(
    tmp_path: Path,
) -> None:
    ours = [_stale(tmp_path, f".desk.json.{h}.tmp") for h in ("0123456789ab", "ffffffffffff")]
    kept = [
        _stale(tmp_path, ".desk.json.0123456789ab.tmp.bak"),
        _stale(tmp_path, ".desk.json.0123.tmp"),
        _stale(tmp_path, ".desk.json.0123456789AB.tmp"),
        _stale(tmp_path, "desk.json.0123456789ab.tmp"),
        _stale(tmp_path, ".other.json.0123456789ab.tmp"),
        _stale(tmp_path, ".desk.json.partial.json.0123456789ab.tmp"),
        _stale(tmp_path, ".desk.json.abcdefabcdef.tmp", stale=False),
    ]
    (tmp_path / ".desk.json.aaaaaaaaaaaa.tmp").mkdir()  # a folder of that name is not ours
    save_cassette(Cassette(), tmp_path / "desk.json")
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in kept) and (tmp_path / ".desk.json.aaaaaaaaaaaa.tmp").is_dir()
    assert Cassette.load(tmp_path / "desk.json").interactions == []


def test_a_failed_write_removes_no_stale_file_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    stale = _stale(tmp_path, ".desk.json.0123456789ab.tmp")
    (tmp_path / "desk.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "desk.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "desk.json"]


def test_remove_stale_temps_returns_what_it_removed(tmp_path: Path) -> None:
    stale = _stale(tmp_path, ".desk.json.0123456789ab.tmp")
    assert remove_stale_temps(tmp_path / "desk.json", before=STALE_NS) == []
    assert remove_stale_temps(tmp_path / "desk.json", before=STALE_NS + 1) == [stale]
    assert remove_stale_temps(tmp_path / "missing" / "desk.json", before=STALE_NS) == []
