"""Every event a service writes has a verb from its table's closed set (hallservice/core/events.py).

Two guards: ``<Event>.record`` refuses a verb outside the set, so every test that runs a service checks the verbs
it writes; and this module reads the services' source, so a verb on a path no test runs is checked too.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from complaints.models import ComplaintEvent, ComplaintVerb
from hallservice.core.actors import SYSTEM
from requests.models import RequestEvent, RequestVerb
from rosters.models import RosterEvent, RosterVerb
from training.models import AttemptStatus, TrainingEvent, TrainingVerb

ROOT = Path(settings.BASE_DIR)

# Where each table's events are written.
WRITERS = {
    RequestVerb: list((ROOT / "requests/services").glob("*.py")),
    ComplaintVerb: [ROOT / "complaints/services.py"],
    RosterVerb: list((ROOT / "rosters/services").glob("*.py")),
    # The training section's decision on a skill gap is written by the supervision layer, which owns the gaps.
    TrainingVerb: [*(ROOT / "training/services").glob("*.py"), ROOT / "supervision/skill_gaps.py"],
}
# The demo's history bypasses the services: the function writing each table's events there.
DEMO_WRITERS = {"event": RequestVerb, "log": ComplaintVerb}
# Verbs computed at run time rather than written out at the call: the run-time check in ``record`` covers them.
COMPUTED = {
    RequestVerb: {"follow_up_overdue", "rectification_overdue"},  # evaluation_flag_overdue's flags
    ComplaintVerb: {"accept_overdue", "respond_overdue"},  # the timers' escalations
    RosterVerb: set(),
    TrainingVerb: {f"attempt_{status}" for status in (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)},
}


def _literal_verbs(node: ast.expr) -> set[str] | None:
    """The verbs an argument can be when written out (a string or ``a if c else b``); None when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_verbs(node.body), _literal_verbs(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def _written_verbs(path: Path) -> dict[str, int]:
    """Each verb written out as a ``verb=`` argument (``record_event``, ``<Event>.record``, …) in ``path``, by line."""
    verbs = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for keyword in node.keywords if isinstance(node, ast.Call) else ():
            if keyword.arg == "verb":
                verbs.update(dict.fromkeys(_literal_verbs(keyword.value) or (), node.lineno))
    return verbs


def _demo_sources() -> list[Path]:
    demo = importlib.import_module("hallservice.demo")
    return sorted(Path(demo.__path__[0]).rglob("*.py")) if hasattr(demo, "__path__") else [Path(demo.__file__)]


def _demo_verbs(function: str) -> dict[str, str]:
    """The verbs of the demo's history, written without a service: ``<function>(at, "<verb>", …)``."""
    verbs = {}
    for path in _demo_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2 or not isinstance(node.args[1], ast.Constant):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == function:
                verbs[node.args[1].value] = f"{path.name}:{node.lineno}"
    return verbs


@pytest.mark.parametrize("verbs", list(WRITERS), ids=lambda verbs: verbs.__name__)
def test_every_verb_a_service_writes_is_in_its_closed_set_and_every_verb_in_the_set_is_written(verbs):
    written = {}
    for path in WRITERS[verbs]:
        written.update({verb: f"{path.relative_to(ROOT)}:{line}" for verb, line in _written_verbs(path).items()})
    assert written, "the walk found no event writes: the call's name or keyword changed"
    unknown = {verb: where for verb, where in written.items() if verb not in verbs.values}
    assert not unknown, f"verbs missing from {verbs.__name__}: {unknown}"
    assert set(verbs.values) == set(written) | COMPUTED[verbs], "a verb in the set that nothing writes"


@pytest.mark.parametrize(("function", "verbs"), DEMO_WRITERS.items(), ids=list(DEMO_WRITERS))
def test_the_demo_history_writes_only_verbs_of_the_closed_set(function, verbs):
    written = _demo_verbs(function)
    assert "registered" in written
    assert {verb: where for verb, where in written.items() if verb not in verbs.values} == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (RequestEvent, {"request_id": 1}),
        (ComplaintEvent, {"complaint_id": 1}),
        (RosterEvent, {"centre_id": 1}),
        (TrainingEvent, {"centre_id": 1}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_an_event_with_a_verb_outside_the_set_is_refused_before_it_is_stored(model, fields):
    with pytest.raises(ValueError, match="not one of its verbs"):
        model.record(verb="misspelt", actor=SYSTEM, **fields)
    assert not model.objects.exists()


@pytest.mark.parametrize("verbs", list(WRITERS), ids=lambda verbs: verbs.__name__)
def test_every_verb_has_a_chinese_label_on_the_pages(verbs):
    with translation.override("en"):
        english = {verb: str(verb.label) for verb in verbs}
    with translation.override("zh-hans"):
        assert [verb for verb in verbs if str(verb.label) == english[verb]] == []


def test_an_event_shows_its_verb_label_and_an_old_row_its_raw_verb():
    with translation.override("zh-hans"):
        assert RequestEvent(verb=RequestVerb.RECTIFIED).verb_label == "整改完成"
        assert RosterEvent(verb="plan_published").verb_label == "发布轮岗计划"
        assert TrainingEvent(verb="attempt_expired").verb_label == "超时自动交卷并评分"
        # A row stored before the set was closed still shows its raw verb rather than failing the page.
        assert RequestEvent(verb="retired_verb").verb_label == "retired_verb"
