"""Masking of copied secret texts in templates: ``{% load secrecy_tags %}``.

``{% secret_masked text case %}`` prints ``text`` (a decision proposal, an assessment, a
§'s texts …) with the case's marked values masked for the viewer
(``projects.secrecy.CopyMasker``); ``{% secret_masked text case as name %}`` keeps it for
filters such as ``linebreaksbr``. The viewer is the request's user, or the
``secrecy_viewer`` a document rendering names; ``secrecy_unmasked`` (the record of a
signed protocol) prints the text as it is.
"""

from django import template

from projects.secrecy import CopyMasker, copy_masker

register = template.Library()


def _masker(context) -> CopyMasker | None:
    if context.get("secrecy_unmasked"):
        return None
    masker = context.get("secrecy_masker")
    if isinstance(masker, CopyMasker):
        return masker
    request = context.get("request")
    if request is not None:
        return copy_masker(request)
    masker = CopyMasker(context.get("secrecy_viewer"))  # rendered for nobody: masked
    context.dicts[0]["secrecy_masker"] = masker  # once per rendering
    return masker


@register.simple_tag(takes_context=True)
def secret_masked(context, text, case):
    masker = _masker(context)
    if masker is None or not text:
        return text
    return masker.mask(text, case)


@register.simple_tag(takes_context=True)
def secret_masked_preload(context, rows):
    """Read the markings of many cases at once (a list page); prints nothing. ``rows``:
    cases, case ids, or objects with a ``case_id``."""
    masker = _masker(context)
    if masker is not None:
        masker.preload(_case_id(row) for row in rows or [])
    return ""


def _case_id(row):
    if isinstance(row, int):
        return row
    return getattr(row, "case_id", None) or getattr(row, "pk", None)
