"""Form fields that several apps' forms declare alike."""

from __future__ import annotations

from django import forms


def two_way_choice(label, choices: list[tuple[str, str]], *, true: str, **options) -> forms.TypedChoiceField:
    """A question with two answers as radio buttons, read as a boolean: True when the answer ``true`` is picked.

    Both answers are spelt out (satisfied or not, the rating stands or is invalid), so a person has to pick one;
    a checkbox left empty could be a slip. ``options``: the field's other arguments (``initial``…).
    """
    return forms.TypedChoiceField(
        label=label, coerce=lambda value: value == true, choices=choices, widget=forms.RadioSelect, **options
    )
