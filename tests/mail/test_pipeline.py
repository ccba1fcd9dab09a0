"""Taking in a backlog: parsed and read ahead in a worker process, filed in order, same result as one by one."""

import io
import mailbox
from concurrent.futures import Future

import pytest
from django.core.management import CommandError, call_command

from unstuck.conversations.models import Message
from unstuck.mail import pipeline, services
from unstuck.mail.models import InboundStatus, Source
from unstuck.triage import store
from unstuck.triage.engine.reading import read_text
from unstuck.triage.models import TriageDecision
from unstuck.triage.services import inbound as triage_inbound

from .factories import eml

pytestmark = pytest.mark.django_db
PIPE = services.Envelope(source=Source.PIPE)


def backlog() -> list[bytes]:
    """Six new questions, a reply to the first, an auto-reply and something that is not mail at all."""
    raws = [
        eml(message_id=f"<q{i}@example.com>", subject=f"Question {i}", sender=f"c{i} <c{i}@example.com>")
        for i in range(6)
    ]
    raws.append(
        eml(
            message_id="<r0@example.com>",
            subject="Re: Question 0",
            sender="c0 <c0@example.com>",
            text="Still broken, nobody on our team can log in.",
            headers="In-Reply-To: <q0@example.com>",
        )
    )
    raws.append(eml(message_id="<ooo@example.com>", subject="Out of office", headers="Auto-Submitted: auto-replied"))
    raws.append(b"this is not an email at all")
    return raws


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_MIN", 4)
    monkeypatch.setattr(pipeline, "CHUNK", 3)


@pytest.fixture
def reads_here(monkeypatch) -> list[str]:
    """Texts the filing process had to read itself (none when the worker read them ahead)."""
    texts: list[str] = []

    def counting(text, model, *, engine):
        texts.append(text)
        return read_text(text, model, engine=engine)

    monkeypatch.setattr(triage_inbound, "read_text", counting)
    return texts


@pytest.mark.parametrize("workers", [0, 1])
def test_a_backlog_is_filed_in_order_with_or_without_a_worker(small_batches, reads_here, workers):
    results = list(pipeline.ingest_many(((raw, PIPE) for raw in backlog()), workers=workers))

    statuses = [r.status for r in results]
    assert statuses == [InboundStatus.FILED] * 7 + [InboundStatus.AUTO_REPLY, InboundStatus.FAILED]
    first, reply = (
        Message.objects.get(external_id="<q0@example.com>"),
        Message.objects.get(external_id="<r0@example.com>"),
    )
    assert reply.conversation_id == first.conversation_id  # the reply was filed after the mail it answers
    decisions = TriageDecision.objects.order_by("id")
    assert decisions.count() == 7
    assert {d.model_version for d in decisions} == {store.active_models("default")[0].version}
    # With a worker, every text was read there; without one, here.
    assert len(reads_here) == (0 if workers else 7)


def test_a_lost_worker_means_the_chunk_is_read_here_instead(reads_here):
    class BrokenPool:
        def submit(self, *args, **kwargs):
            future: Future = Future()
            future.set_exception(RuntimeError("worker died"))
            return future

    items = iter([(raw, PIPE) for raw in backlog()[:3]])
    results = list(pipeline._file_in_order(BrokenPool(), items, ahead=2))  # type: ignore[arg-type]
    assert [r.status for r in results] == [InboundStatus.FILED] * 3
    assert len(reads_here) == 3


def test_a_reading_is_used_only_when_it_came_from_the_model_in_force():
    model = store.active_models("default")[0]
    text = "Nobody on our team can log in, the whole site is down."
    ahead = read_text(text, model, engine="default")
    ahead.reading.level = 5  # what a (pretend) worker read: proves whether the reading is used

    used = services.ingest(eml(message_id="<a@example.com>", text=text), envelope=PIPE, read_ahead=ahead)
    assert TriageDecision.objects.get(message=used.message).level == 5

    ahead.version = "an-older-model"  # retrained while the mail waited: read again with the new model
    again = services.ingest(
        eml(message_id="<b@example.com>", text=text, sender="x <x@example.com>"), envelope=PIPE, read_ahead=ahead
    )
    assert TriageDecision.objects.get(message=again.message).level == 1


def test_ingest_email_imports_an_mbox(tmp_path, small_batches):
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(str(path))
    for raw in backlog()[:7]:
        box.add(raw)
    box.flush()
    out = io.StringIO()
    call_command("ingest_email", "--mbox", str(path), "--workers", "1", stdout=out)
    assert out.getvalue().strip() == f"7 messages from {path}: 7 filed"
    assert Message.objects.count() == 7

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("ingest_email", "--mbox", str(tmp_path / "missing.mbox"))
