"""Admin for the training app: topics are reference data; everything else is read-only here, because sessions,
the bank, tests and their consequences change only through the services (with their checks and events)."""

from django.contrib import admin

from hallservice.core.admin import ReadOnlyAdmin, ReadOnlyInline
from hallservice.core.event_admin import CentreEventAdmin

from .models import (
    Attempt,
    MonthlyTest,
    Option,
    Question,
    Recommendation,
    StudyDay,
    Topic,
    TrainingEvent,
    TrainingProposal,
    TrainingSession,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "title", "kind", "topic", "centre", "status"]
    list_filter = ["kind", "status", "centre"]
    list_select_related = ["topic", "centre"]
    search_fields = ["title", "trainer_name"]
    date_hierarchy = "starts_at"


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "text", "kind", "topic", "centre", "is_active"]
    list_filter = ["kind", "is_active", "topic", "centre"]
    list_select_related = ["topic", "centre"]
    search_fields = ["text"]
    inlines = [OptionInline]


@admin.register(MonthlyTest)
class MonthlyTestAdmin(ReadOnlyAdmin):
    list_display = ["month", "title", "centre", "status", "opens_at", "closes_at", "consequences_applied_at"]
    list_filter = ["status", "centre"]
    list_select_related = ["centre"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["test", "staff", "status", "score", "passed", "finished_at"]
    list_filter = ["status", "passed", "test__month"]
    list_select_related = ["test", "staff"]
    search_fields = ["staff__name"]


@admin.register(StudyDay)
class StudyDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "staff", "attempt"]
    list_select_related = ["staff", "attempt__test"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["staff", "company", "test", "status", "sent_on"]
    list_filter = ["status"]
    list_select_related = ["staff", "test"]


@admin.register(TrainingProposal)
class TrainingProposalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "topic_name", "cause", "status", "centre", "decided_at"]
    list_filter = ["status", "cause", "centre"]
    list_select_related = ["centre"]
    # The sources are shown by id: their admin pages (and the citizens' data on them) stay behind their own rights.
    raw_id_fields = ["complaint", "evaluation"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(CentreEventAdmin):
    pass
