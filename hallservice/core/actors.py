"""Who a service acts for: a logged-in user, the system, or an applicant on the public pages.

Every service takes ``actor``. A logged-in user is passed as the ``User``; the two actors that are not users are
named here, so a service never has to guess what an empty actor meant:

- ``SYSTEM``: a Celery task, a timer, a management command, or another app writing through a service on its own
  account. It passes every permission check and sees every centre.
- ``CITIZEN``: an applicant or complainant on the public pages, who has no login. It holds no permission and sees
  no centre; a service lets it take only the steps marked as the applicant's own (rating a handed-over request,
  feedback on a complaint's answer, filing a complaint online).

Events keep which kind acted (``actor_kind``) beside the user, so the history says "系统" or "申请人" instead of an
empty name. ``None`` is not an actor: a service that receives it fails loudly (``kind_of``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")
    CITIZEN = "citizen", _("Applicant")


class Agent:
    """An actor that is not a user. It answers the questions services ask of a user (``has_perm``, …)."""

    is_authenticated = False
    is_anonymous = True
    is_active = False
    pk = None
    id = None

    def __init__(self, kind: ActorKind, *, trusted: bool) -> None:
        self.kind = kind
        # The system may do anything; the applicant nothing that needs a permission.
        self.trusted = trusted

    @property
    def is_superuser(self) -> bool:
        return self.trusted

    @property
    def is_staff(self) -> bool:
        return False

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.trusted

    def has_perms(self, perms, obj=None) -> bool:
        return self.trusted

    def __str__(self) -> str:
        return str(self.kind.label)

    def __repr__(self) -> str:
        return f"<Agent {self.kind.value}>"

    def __reduce__(self):
        # Pickled (a Celery argument, a cached object) it comes back as the same singleton, so ``is`` still holds.
        return (_agent, (self.kind.value,))


SYSTEM = Agent(ActorKind.SYSTEM, trusted=True)
CITIZEN = Agent(ActorKind.CITIZEN, trusted=False)


def _agent(kind: str) -> Agent:
    return SYSTEM if kind == ActorKind.SYSTEM else CITIZEN


def kind_of(actor) -> ActorKind:
    """Which kind of actor this is; ``None`` is refused, so no caller can leave "who" unsaid."""
    if actor is None:
        raise TypeError("actor=None is not an actor: pass the user, SYSTEM or CITIZEN (hallservice.core.actors)")
    if isinstance(actor, Agent):
        return actor.kind
    return ActorKind.STAFF


def user_of(actor):
    """The user to store in a ``*_by`` column: the logged-in user, or None for the system and the applicant."""
    kind_of(actor)
    return None if isinstance(actor, Agent) else actor
