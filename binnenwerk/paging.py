"""Long lists a page at a time: the page number from the URL, and one page of a query."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from .extensions import db

MAX_PAGE = 100_000


def page_number(text: str | None) -> int:
    """The page asked for in the URL; anything that is not a plain number is page 1 (also "²",
    a digit to str.isdigit() that int() refuses)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 6:
        return 1
    return max(1, min(int(text), MAX_PAGE))


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int


def one_page(query: Select, page_text: str | None, per_page: int) -> Page:
    """One page of an ordered query: counted first, so a page past the end shows the last one."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(page_number(page_text), pages)
    items = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(list(items), number, pages, total)
