"""One abstract event model for every app's history (after Zulip's ``AbstractRealmAuditLog``): who did what, when.

Each app's event table inherits ``Event``, adds the rows it points at, and declares its closed set of verbs as a
``TextChoices`` beside the model (``verb = verb_field(RosterVerb)``), so every verb a service writes has one label
the pages, the admin and the archive show. ``<Model>.record(...)`` is the one way a service writes a row: it
refuses a verb outside the set, so a misspelt verb fails the first test that runs that service instead of storing
a row no page can label.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import text_limits
from hallservice.core.actors import ActorKind, kind_of, user_of

# Long enough for the longest verb of any app ("department_task_claimed", "unavailability_cancelled").
VERB_LENGTH = 40


def verb_field(verbs: type[models.TextChoices]) -> models.CharField:
    """The ``verb`` column of an event table, limited to that table's closed set of verbs."""
    return models.CharField(_("action"), max_length=VERB_LENGTH, choices=verbs.choices)


def actor_field(*, on_delete, help_text: str = "") -> models.ForeignKey:
    """The ``actor`` column of an event table: the user who acted, empty when the system or the applicant did."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
        help_text=help_text or _("Empty for the system's timers and the applicant's own steps"),
    )


class Event(models.Model):
    """Abstract: one thing that happened to a record, who did it and when.

    ``actor_kind`` says who acted: a logged-in user (``actor`` names them), the system (a timer, a task) or the
    applicant on the public pages; ``actor`` is empty for the last two.
    """

    # An audit trail keeps the people in it: a user who acted cannot be deleted, only deactivated.
    actor = actor_field(on_delete=models.PROTECT)
    actor_kind = models.CharField(_("acted as"), max_length=10, choices=ActorKind.choices, default=ActorKind.STAFF)
    # Every concrete event model replaces this with ``verb_field(<its TextChoices>)``.
    verb = models.CharField(_("action"), max_length=VERB_LENGTH)
    note = models.TextField(_("note"), max_length=text_limits.EVENT_NOTE, blank=True)
    # Indexed: histories are read newest or oldest first, and timers look for events since a time.
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    # What the pages call the applicant when ``actor_kind`` is CITIZEN (a complaint's history says 投诉人).
    citizen_label = ActorKind.CITIZEN.label
    # The foreign key naming the record this history follows ("request", "complaint"…): a row then reads as that
    # record's id and the verb. Empty: the row reads as its time and the verb.
    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        if self.subject_field:
            return f"{getattr(self, f'{self.subject_field}_id')} {self.verb}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"

    @classmethod
    def record(cls, *, verb: str, actor, note: str = "", **fields) -> Self:
        """Write one event row; ``actor`` is a user, SYSTEM or CITIZEN; ``fields`` are the model's own columns."""
        verbs = dict(cls._meta.get_field("verb").choices or ())
        if verb not in verbs:
            # A programming error, not a clerk's: the verb set is closed and every verb needs a label.
            raise ValueError(f"{cls.__name__}: {verb!r} is not one of its verbs")
        return cls.objects.create(verb=verb, actor=user_of(actor), actor_kind=kind_of(actor), note=note, **fields)

    @property
    def actor_name(self) -> str:
        """Who acted, as the pages and the archive say it: the staff member's name, the login, 系统 or 申请人."""
        if self.actor_id is None:
            return str(
                self.citizen_label if self.actor_kind == ActorKind.CITIZEN else ActorKind(self.actor_kind).label
            )
        member = getattr(self.actor, "staff_member", None)
        return member.name if member is not None else self.actor.get_username()

    @property
    def verb_label(self) -> str:
        """What the verb says on the pages (the raw verb for a row written before the set was closed)."""
        return self.get_verb_display()
