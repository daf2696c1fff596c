"""The encoded answers to recent queries, bounded in bytes.

The graph cannot change while it is served, so a repeated query (a named one, a page's
chart) is answered without a worker. The least recently used answers go first when the
total would pass the budget; an answer larger than a tenth of it is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

Key = tuple[str, str]  # query text, Accept header


@dataclass(frozen=True)
class Answer:
    body: bytes
    media: str
    headers: tuple[tuple[str, str], ...] = ()


class Answers:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.largest = budget // 10
        self.used = 0
        self.lock = threading.Lock()
        self.saved: OrderedDict[Key, Answer] = OrderedDict()

    @staticmethod
    def _size(key: Key, answer: Answer) -> int:
        # the key's text counts too: a huge query with a tiny answer is not free
        return len(answer.body) + len(key[0]) + len(key[1]) + 200

    def get(self, key: Key) -> Answer | None:
        with self.lock:
            found = self.saved.get(key)
            if found is not None:
                self.saved.move_to_end(key)
            return found

    def put(self, key: Key, answer: Answer) -> None:
        size = self._size(key, answer)
        if size > self.largest:
            return
        with self.lock:
            if (old := self.saved.pop(key, None)) is not None:
                self.used -= self._size(key, old)
            self.saved[key] = answer
            self.used += size
            while self.used > self.budget:
                gone, answer_gone = self.saved.popitem(last=False)
                self.used -= self._size(gone, answer_gone)
