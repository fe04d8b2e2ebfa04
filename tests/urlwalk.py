"""Every URL pattern of the project, for the tests that visit them all."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """Yield (route, name, namespace) of every pattern below ``patterns`` (default: all)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, namespace
