"""What triage reads from a message's text alone: the model's reading, the cue topics and the signature.

No database and no Django here, so the reading can be done in a worker process while the previous mail is
being filed (mail.pipeline); the triage service then only weighs it against the desk's recent history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import semantic
from .cues import find_cues
from .hierarchy import HierarchyModel, Reading
from .similarity import signature


@dataclass
class TextReading:
    text: str
    version: str
    engine: str
    reading: Reading
    signature: list[str]
    topics: list[str]
    embedding: np.ndarray | None = None

    def fits(self, text: str, model: HierarchyModel, engine: str) -> bool:
        """Read from this very text by the model now in force (a retrain in between means read again)."""
        return self.text == text and self.version == model.version and self.engine == engine


def read_text(text: str, model: HierarchyModel, *, engine: str) -> TextReading:
    embedding = semantic.encode([text]) if engine == "semantic" else None
    return TextReading(
        text=text,
        version=model.version,
        engine=engine,
        reading=model.read(text, embedding=embedding),
        signature=signature(text),
        topics=find_cues(text).topics(),
        embedding=embedding,
    )
