"""Django's form renderer, with the widget templates drawn once per choice written in Python (settings.FORM_RENDERER).

A select or a list of checkboxes renders a small template for every choice, each an include of an include: the
queue's filter form (53 helpers, ten statuses, the departments) took longer to draw than the 25 rows below it
(issue 17). Those templates are plain HTML of their context, so they are written here with the same markup and the
same escaping as Django's (tests/hallservice/test_form_renderer.py compares the two); any other template, and any
widget with a template of its own, goes through Django's templates as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    # What {{ value|stringformat:'s' }} writes: str(), then escaped unless already safe.
    return conditional_escape(str(value))


def _label(value) -> str:
    # What {{ value }} writes: localized (a number label), then escaped unless already safe.
    return conditional_escape(str(localize(value)))


def attrs(widget: dict) -> str:
    """django/forms/widgets/attrs.html: ``False`` leaves an attribute out, ``True`` writes its bare name."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in widget["attrs"].items()
        if value is not False
    )


def input_tag(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{attrs(widget)}>'


def input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return input_tag(widget)
    for_id = widget["attrs"].get("id")
    label_for = f' for="{_text(for_id)}"' if for_id else ""
    return f"<label{label_for}>{input_tag(widget)} {_label(widget['label'])}</label>"


def select_option(widget: dict) -> str:
    return f'<option value="{_text(widget["value"])}"{attrs(widget)}>{_label(widget["label"])}</option>'


class FormRenderer(DjangoTemplates):
    """Renders the select, option, checkbox and plain input templates in Python; the rest through the templates."""

    def __init__(self) -> None:
        super().__init__()
        by_include = dict.fromkeys(
            ["checkbox", "color", "date", "datetime", "email", "hidden", "input", "number", "password", "search"]
            + ["tel", "text", "time", "url"],
            input_tag,
        )
        self.drawn: dict[str, Callable[[dict], str]] = {
            f"{WIDGETS}{name}.html": draw
            for name, draw in {
                **by_include,
                "input_option": input_option,
                "checkbox_option": input_option,
                "radio_option": input_option,
                "select_option": select_option,
                "select": self.select,
                "multiple_input": self.multiple_input,
                "checkbox_select": self.multiple_input,
                "radio": self.multiple_input,
            }.items()
        }

    def render(self, template_name, context, request=None):
        draw = self.drawn.get(template_name)
        if draw is None:
            return super().render(template_name, context, request=request)
        return draw(context["widget"])

    def option(self, option: dict) -> str:
        draw = self.drawn.get(option["template_name"])
        return draw(option) if draw else super().render(option["template_name"], {"widget": option}).strip()

    def select(self, widget: dict) -> str:
        parts = [f'<select name="{_text(widget["name"])}"{attrs(widget)}>']
        parts += self._grouped(widget, '\n  <optgroup label="{}">', "\n  {}", "\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    def multiple_input(self, widget: dict) -> str:
        element_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = ["<div", f' id="{_text(element_id)}"' if element_id else "", ">"]
        if css_class:
            parts.insert(2, f' class="{_text(css_class)}"')
        parts += self._grouped(widget, "\n  <div><label>{}</label>", "<div>\n    {}</div>", "\n  </div>")
        parts.append("\n</div>")
        return "".join(parts)

    def _grouped(self, widget: dict, group_start: str, each: str, group_end: str) -> list[str]:
        """The widget's options, each drawn into ``each``; a named group's between ``group_start`` (with its label)
        and ``group_end``."""
        parts = []
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(group_start.format(_label(group)))
            parts += [each.format(self.option(option)) for option in options]
            if group:
                parts.append(group_end)
        return parts
