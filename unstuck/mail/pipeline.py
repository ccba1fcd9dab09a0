"""Taking in many mails at once (a mailbox's backlog, an mbox import): parsing runs beside filing.

Parsing a mail and reading its text for triage need no database and are about a third of the work.
With a second CPU, worker processes do that for the next mails while this process files the current
one, in order, through the same `services.ingest`. Small batches are filed directly: starting a worker
costs about a second.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from unstuck.triage import store
from unstuck.triage.engine.reading import TextReading

from . import conf, readahead, selectors, services
from .models import InboundMail
from .parsing import ParsedEmail
from .services import Envelope

logger = logging.getLogger(__name__)

POOL_MIN = 100  # fewer mails than this are filed directly
CHUNK = 16  # mails per round trip to a worker
CHUNKS_AHEAD_PER_WORKER = 3  # enough to keep a worker busy, with bounded memory


def default_workers() -> int:
    """Every CPU but the one filing, at most four (filing, not reading, is the limit beyond that)."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def ingest_many(items: Iterable[tuple[bytes, Envelope]], *, workers: int | None = None) -> Iterator[InboundMail]:
    """File each (raw mail, envelope) in order, yielding what `services.ingest` made of it."""
    workers = default_workers() if workers is None else workers
    source = iter(items)
    head = list(itertools.islice(source, POOL_MIN))
    if workers < 1 or len(head) < POOL_MIN:
        for raw, envelope in itertools.chain(head, source):
            yield services.ingest(raw, envelope=envelope)
        return
    engine = store.serving_engine()
    model, _ = store.active_models(engine)
    context = multiprocessing.get_context("spawn")  # never fork a process that holds database connections
    initargs = (frozenset(selectors.own_addresses()), conf.max_attachment_bytes(), model, engine)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=readahead.start, initargs=initargs) as pool:
        yield from _file_in_order(pool, itertools.chain(head, source), ahead=workers * CHUNKS_AHEAD_PER_WORKER)


Chunk = list[tuple[bytes, Envelope]]


def _file_in_order(
    pool: ProcessPoolExecutor, source: Iterator[tuple[bytes, Envelope]], *, ahead: int
) -> Iterator[InboundMail]:
    pending: deque[tuple[Chunk, Future[list[tuple[ParsedEmail, TextReading | None]]]]] = deque()

    def top_up() -> None:
        while len(pending) < ahead:
            chunk = list(itertools.islice(source, CHUNK))
            if not chunk:
                return
            pending.append((chunk, pool.submit(readahead.read_many, [raw for raw, _ in chunk])))

    top_up()
    while pending:
        chunk, future = pending.popleft()
        top_up()
        results: list[tuple[ParsedEmail | None, TextReading | None]]
        try:
            results = list(future.result())
        except Exception:  # a worker died: this chunk is parsed and read here instead
            logger.exception("mail.read_ahead_lost")
            results = [(None, None)] * len(chunk)
        for (raw, envelope), (parsed, reading) in zip(chunk, results, strict=True):
            yield services.ingest(raw, envelope=envelope, parsed=parsed, read_ahead=reading)
