from .catalogue import HandlingType, Matter, MatterQuerySet, RequiredMaterial, SubmissionForm

__all__ = ["HandlingType", "Matter", "MatterQuerySet", "RequiredMaterial", "SubmissionForm"]
