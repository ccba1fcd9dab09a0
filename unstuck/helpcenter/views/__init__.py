from .editor import (
    article_list,
    category_list,
    edit_article,
    gap_report,
    new_article,
    preview,
    revision_detail,
    revision_list,
    sidebar,
)
from .public import article, category, home, search, vote

__all__ = [
    "article",
    "article_list",
    "category",
    "category_list",
    "edit_article",
    "gap_report",
    "home",
    "new_article",
    "preview",
    "revision_detail",
    "revision_list",
    "search",
    "sidebar",
    "vote",
]
