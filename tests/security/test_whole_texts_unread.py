"""No page reads a case's whole text to show it.

A case's search columns (``Case.SEARCH_FIELDS``: the text of every document of the case,
up to 100 000 characters each, as a vector and as text, twice for a case with marked
material) and a document's extracted text (``Document.text``) are read by the search and
its snippets only. A list that joins its cases (``select_related("case")``) without
leaving them out reads megabytes a page with real documents, which the bench's short
texts hide: every page users reach, as every role that works in the app, and every object
page of the world are crawled here, and none may select those columns.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.security.expectations import POST_ONLY
from tests.security.routes import ROUTES
from tests.security.test_crawl import _detail_pages, url_of

pytestmark = pytest.mark.django_db

# A column in a select list (after SELECT or a comma, before a comma or FROM), not in a
# condition (the search's WHERE) or a function's arguments (its rank).
WHOLE_TEXT = re.compile(
    r'(?:SELECT|,)\s*(?:"\w+"|[A-Z]\d+)\."(?:secret_)?search_(?:text|vector)"\s*(?:,|FROM\b)'
    r'|(?:SELECT|,)\s*"projects_document"\."text"\s*(?:,|FROM\b)'
)


def _whole_texts_read(client, paths) -> list[str]:
    found = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code >= 500:
            found.append(f"{path}: {response.status_code}")
        for query in queries.captured_queries:
            match = WHOLE_TEXT.search(query["sql"])
            if match:
                start = max(0, match.start() - 160)
                found.append(f"{path}: ...{query['sql'][start : match.end() + 40]}")
                break
    return found


@pytest.mark.parametrize("role", ["admin", "officer", "secretary", "controller"])
def test_no_page_reads_the_whole_texts_of_cases_and_documents(world, as_role, role):
    client = as_role(role)
    paths = [
        url_of(world, name)
        for name in sorted(ROUTES)
        if name not in POST_ONLY and not name.startswith("api")
    ]
    if role == "admin":
        paths += list(_detail_pages(world))
    found = _whole_texts_read(client, paths)
    assert not found, "\n\n".join(found)
