"""A paginator that counts the matches only up to a cap.

A search matching a large share of a large register costs its count in proportion to
the register: counting every match of a common word in 200 000 cases is what made the
page grow with the data. Past ``cap`` matches the page says "över 1 000" (``capped``)
and offers the first ``cap`` matches in pages; a narrower search reaches the rest.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        """The number of rows, counted up to ``cap + 1`` (``SELECT count(*) FROM
        (... LIMIT cap + 1)``: PostgreSQL stops at the cap)."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by().values("pk")[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def capped(self) -> bool:
        """More than ``cap`` matches: ``count`` is the cap, the rest is not counted."""
        return self._bounded_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)
