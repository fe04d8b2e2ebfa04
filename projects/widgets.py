"""The organisation picker: search as you type (htmx), create inline, text fallback.

Reusable in any form (the financing plan uses it for financiers)::

    from projects.forms import OrganisationField, OrganisationMultipleField

    class FinancingRowForm(forms.Form):
        financier = OrganisationField(label=_("Finansiär"))
        partners = OrganisationMultipleField(label=_("Samverkansparter"), required=False)

``cleaned_data["financier"]`` is an ``Organisation`` (or ``None``); the multiple field
gives a list. Render the field as usual (``partials/field.html``); nothing else is
needed on the page: htmx and static/js/app.js are loaded by base.html.

How it works:

- the widget renders a hidden input ``<name>`` (the organisation's id) and a text
  input ``<name>_text`` (its name);
- typing in the text input asks ``projects:organisation_search`` (GET) for a pick list;
  choosing an entry fills both inputs (``data-pick-*`` buttons, static/js/app.js);
- "Ny organisation" opens a small dialog (``projects:organisation_picker_create``)
  that creates the organisation and swaps the picker back with it chosen;
- without JavaScript the user types the name: the field finds the organisation by
  its exact name (case-insensitive) and suggests close matches when none is found,
  and "Ny organisation" opens the ordinary create page in a new tab.

The multiple variant shows the chosen organisations as checkboxes (untick to
remove) and adds more the same way; without JavaScript, names typed in the text
input (separated by ";") are added.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.template import loader
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.text import is_number
from projects.models import Organisation


def _organisation(value):
    if isinstance(value, Organisation):
        return value
    if value in (None, ""):
        return None
    try:
        return Organisation.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


class PickerWidget(forms.Widget):
    """A hidden id (``<name>``) and a search input with the chosen row's text
    (``<name>_text``), as ``{"pk", "text"}``: the organisation and project pickers."""

    def render(self, name, value, attrs=None, renderer=None):
        """Rendered with the project's template engine (templates/projects/widgets/)."""
        context = self.get_context(name, value, attrs)
        return mark_safe(loader.render_to_string(self.template_name, context))  # noqa: S308

    def value_from_datadict(self, data, files, name):
        return {"pk": data.get(name, ""), "text": data.get(f"{name}_text", "")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def format_value(self, value):
        return value

    def id_for_label(self, id_):
        return f"{id_}_text" if id_ else id_


class OrganisationPickerWidget(PickerWidget):
    """One organisation: hidden id + searchable name (see the module docstring)."""

    template_name = "projects/widgets/organisation_picker.html"
    multiple = False

    def __init__(self, attrs=None, allow_create: bool = True, oob: bool = False):
        super().__init__(attrs)
        self.allow_create = allow_create
        self.oob = oob  # rendered as an htmx out-of-band swap (after create-inline)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if isinstance(value, dict):  # bound: what the user sent
            pk, text = value.get("pk", ""), value.get("text", "")
        else:
            organisation = _organisation(value)
            pk = organisation.pk if organisation else ""
            text = organisation.name if organisation else ""
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "pk": pk,
                "text": text,
                "base_id": base_id,
                "allow_create": self.allow_create,
                "search_url": reverse("projects:organisation_search"),
                "create_url": reverse("projects:organisation_picker_create"),
                "create_page_url": reverse("projects:organisation_create"),
                "multiple": self.multiple,
                "oob": self.oob,
            }
        )
        return context


class OrganisationMultiPickerWidget(OrganisationPickerWidget):
    """Several organisations: ticked checkboxes + a searchable name to add more."""

    template_name = "projects/widgets/organisation_multi_picker.html"
    multiple = True

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        pks = getlist(name) if getlist else data.get(name, [])
        if isinstance(pks, (str, int)):
            pks = [pks]
        return {"pks": list(pks or []), "text": data.get(f"{name}_text", "")}

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if isinstance(value, dict):
            pks = [pk for pk in value.get("pks", []) if is_number(str(pk))]
            text = value.get("text", "")
        else:
            items = list(value or [])
            pks = [item.pk if isinstance(item, Organisation) else item for item in items]
            text = ""
        chosen = list(Organisation.objects.filter(pk__in=pks).order_by("name")) if pks else []
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "chosen": chosen,
                "text": text,
                "base_id": base_id,
                "allow_create": self.allow_create,
                "search_url": reverse("projects:organisation_search"),
                "create_url": reverse("projects:organisation_picker_create"),
                "create_page_url": reverse("projects:organisation_create"),
                "chip_url": reverse("projects:organisation_chip"),
                "multiple": True,
            }
        )
        return context


# --- Choices read in one query ------------------------------------------------------


class ListModelChoiceIterator(ModelChoiceIterator):
    """Model choices read with one plain query (not a server-side cursor).

    Django reads model choices with ``QuerySet.iterator()``, which on PostgreSQL is a
    server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a list of ten
    officers. Short choice lists are cheaper read in one go. A queryset the page has
    already read (with its other rows, ``core.batch``) is used as read: no query.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        for obj in queryset if queryset._result_cache is not None else queryset.all():
            yield self.choice(obj)


# --- The project picker ---------------------------------------------------------------


class ProjectPickerWidget(PickerWidget):
    """One project: hidden id + a searchable text input (title, Dnr or NYPS-id).

    Rendered instead of a ``<select>`` of every project: the register holds one project
    per case or so (20 000 options made the register form 1.5 MB and 1.4 s). Typing asks
    ``projects:project_search`` for a pick list; choosing an entry fills both inputs
    (``data-pick-*``, static/js/app.js) as the organisation picker's does, and shares its
    look (``.org-picker``). Without JavaScript the user types the project's exact title
    or a Dnr of one of its cases (``projects.forms.ProjectField``)."""

    template_name = "projects/widgets/project_picker.html"

    def get_context(self, name, value, attrs):
        from projects.models import Project

        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if isinstance(value, dict):  # bound: what the user sent
            pk, text = value.get("pk", ""), value.get("text", "")
        else:
            project = value if isinstance(value, Project) else None
            if project is None and is_number(str(value or "")):
                project = Project.objects.filter(pk=int(value)).only("pk", "title").first()
            pk = project.pk if project else ""
            text = project.title if project else ""
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "pk": pk,
                "text": text,
                "base_id": base_id,
                "search_url": reverse("projects:project_search"),
            }
        )
        return context
