"""The history of a key project: its creation and each designation of its agent (重点项目代办, seed 000 三.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
from hallservice.core.events import Event, verb_field

from .service_request import KeyProject


class KeyProjectVerb(models.TextChoices):
    """What can happen to a key project: the closed set of ``KeyProjectEvent.verb``."""

    CREATED = "created", _("Key project created")
    AGENT_DESIGNATED = "agent_designated", _("Agent designated")
    AGENT_REDESIGNATED = "agent_redesignated", _("Agent designated anew")


class KeyProjectEvent(Event):
    """One step of a key project's life: who designated whom as its agent (and instead of whom), and when."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="events")
    verb = verb_field(KeyProjectVerb)
    agent = fields.staff_member(_("agent"), optional=True)
    previous_agent = fields.staff_member(_("previous agent"), optional=True)
    requests_moved = models.PositiveIntegerField(_("open requests moved to the agent"), default=0)

    subject_field = "project"

    class Meta(Event.Meta):
        verbose_name = _("key project event")
        verbose_name_plural = _("key project events")
