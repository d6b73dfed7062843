"""The printed forms' HTML is well formed: every element a form opens it closes, in order (a stray ``</div>`` after
the signature row once closed nothing and left the date line's ``<div>`` to the parser's guesswork)."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from requests.documents import TEMPLATES, TITLES
from requests.models import DocumentKind

VOID = {"meta", "br", "img", "col", "hr", "input", "link"}


class TagBalance(HTMLParser):
    """Collects what does not match: closing tags with no open element of that name on top, elements left open."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> line {self.getpos()[0]} while {self.open[-3:]} are open")
            return
        self.open.pop()


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_printed_form_closes_what_it_opens(kind):
    # A blank form's context: every field empty, as the counter prints it.
    context = {"title": TITLES[kind], "principal": {}, "agent": {}, "recipient": {}, "received": {}}
    context |= {"blank_rows": range(2), "form_date": {}, "team_name": "　", "qr_image": "<svg></svg>"}
    parser = TagBalance()
    parser.feed(render_to_string(TEMPLATES[kind], context))
    parser.close()
    assert parser.problems == [] and parser.open == []
