"""WhiteNoise's table of static files, built once per run instead of once per test client.

``WhiteNoiseMiddleware`` reads ``STATIC_ROOT`` when a handler loads its middleware: every
``Client`` does that on its first request, so every test that requests a page paid it
(some 1 200 files stat-ed and their headers built: 0.2 s a client on a slow machine, over
a tenth of the suite's time). The table depends only on the folder and on the settings the
middleware reads, which are part of the key; a test that changes one of them gets a table
of its own. The tests never change the files in ``STATIC_ROOT``.
"""

from django.conf import settings
from whitenoise.base import WhiteNoise

_update = WhiteNoise.update_files_dictionary
_tables: dict[tuple, dict] = {}


def _key(middleware: WhiteNoise, root: str, prefix: str) -> tuple:
    return (
        type(middleware),
        root,
        prefix,
        middleware.max_age,
        middleware.allow_all_origins,
        middleware.charset,
        middleware.index_file,
        middleware.add_headers_function,
        getattr(middleware, "static_prefix", None),
        settings.STATIC_URL,
        repr(settings.STORAGES.get("staticfiles")),
        repr(getattr(settings, "WHITENOISE_IMMUTABLE_FILE_TEST", None)),
        repr(getattr(settings, "WHITENOISE_MIMETYPES", None)),
    )


def _update_once(self: WhiteNoise, root: str, prefix: str) -> None:
    key = _key(self, root, prefix)
    table = _tables.get(key)
    if table is None:
        before = dict(self.files)
        _update(self, root, prefix)
        table = _tables[key] = {
            url: static for url, static in self.files.items() if before.get(url) is not static
        }
    self.files.update(table)


def install() -> None:
    WhiteNoise.update_files_dictionary = _update_once  # type: ignore[method-assign]


def uninstall() -> None:
    WhiteNoise.update_files_dictionary = _update  # type: ignore[method-assign]
    _tables.clear()
