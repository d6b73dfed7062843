import django.db.models.deletion
import hallservice.core.crypto
from django.conf import settings
from django.db import migrations, models

MODELS = ["complaint", "complaintevent"]


def content_types_follow(apps, schema_editor):
    """The content types (and so the permissions and admin log entries on them) move with the models, so groups
    and users keep the complaint permissions they had under the requests app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="requests", model__in=MODELS).update(app_label="complaints")


def content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="complaints", model__in=MODELS).update(app_label="requests")


class Migration(migrations.Migration):
    """Complaint and ComplaintEvent move here from the requests app: state only, their tables keep their names
    (requests_complaint, requests_complaintevent) and their rows."""

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('requests', '0013_merge_outbox_and_access_log'),
        ('staff', '0007_merge_0005_window_automatic_minimum_0006_text_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Complaint',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.CharField(editable=False, max_length=32, unique=True, verbose_name='number')),
                    ('lookup_code', models.CharField(editable=False, max_length=12, verbose_name='lookup code')),
                    ('source', models.CharField(choices=[('online', 'Online form'), ('status_page', "Link on a request's status page"), ('phone', 'Phone'), ('window', 'Complaint window (找茬吐槽)'), ('mailbox', 'Suggestion box'), ('hotline', '12345 hotline')], max_length=12, verbose_name='source')),
                    ('category', models.CharField(choices=[('not_one_visit', 'Not done in one visit'), ('attitude', 'Service attitude'), ('efficiency', 'Slow or past the promised date'), ('process', 'Rules, materials or process'), ('integrity', 'Fees, gifts or integrity'), ('facilities', 'Hall environment and facilities'), ('suggestion', 'Suggestion'), ('other', 'Other')], max_length=15, verbose_name='category')),
                    ('content', models.TextField(max_length=2000, verbose_name='complaint')),
                    ('anonymous', models.BooleanField(default=False, verbose_name='anonymous')),
                    ('name', models.CharField(blank=True, max_length=50, verbose_name='name')),
                    ('contact', hallservice.core.crypto.EncryptedCharField(blank=True, default='', verbose_name='contact phone')),
                    ('contact_masked', models.CharField(blank=True, editable=False, max_length=20, verbose_name='contact phone')),
                    ('request_number_given', models.CharField(blank=True, max_length=32, verbose_name='request number given')),
                    ('status', models.CharField(choices=[('registered', 'Registered'), ('accepted', 'Accepted'), ('rejected', 'Not accepted'), ('investigating', 'Being investigated'), ('responded', 'Responded'), ('closed', 'Closed'), ('reopened', 'Reopened')], db_index=True, default='registered', max_length=15, verbose_name='status')),
                    ('registered_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='registered at')),
                    ('accept_due', models.DateField(verbose_name='accept by')),
                    ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                    ('respond_due', models.DateField(blank=True, null=True, verbose_name='respond by')),
                    ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='responded at')),
                    ('response', models.TextField(blank=True, max_length=2000, verbose_name='response to the complainant')),
                    ('findings', models.TextField(blank=True, max_length=5000, verbose_name='findings (internal)')),
                    ('substantiated', models.BooleanField(blank=True, null=True, verbose_name='substantiated')),
                    ('feedback_satisfied', models.BooleanField(blank=True, null=True, verbose_name='complainant satisfied')),
                    ('feedback_comment', models.TextField(blank=True, max_length=2000, verbose_name="complainant's feedback")),
                    ('feedback_at', models.DateTimeField(blank=True, null=True, verbose_name='feedback at')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                    ('reopen_count', models.PositiveSmallIntegerField(default=0, verbose_name='times reopened')),
                    ('accept_overdue_on', models.DateField(blank=True, editable=False, null=True, verbose_name='acceptance overdue since')),
                    ('respond_overdue_on', models.DateField(blank=True, editable=False, null=True, verbose_name='response overdue since')),
                    ('escalated', models.BooleanField(db_index=True, default=False, verbose_name='escalated')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('centre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='staff.servicecentre', verbose_name='centre')),
                    ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='staff.department', verbose_name='department concerned')),
                    ('registered_by', models.ForeignKey(blank=True, help_text='Empty when the citizen filed it online', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
                    ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='requests.servicerequest', verbose_name='request')),
                    ('staff', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='staff.staffmember', verbose_name='staff member concerned')),
                ],
                options={
                    'verbose_name': 'complaint',
                    'verbose_name_plural': 'complaints',
                    'db_table': 'requests_complaint',
                    'ordering': ['-registered_at', '-pk'],
                    'permissions': [('register_complaint', 'Can register complaints taken by phone, mailbox or at the window'), ('handle_complaint', 'Can accept, investigate, respond to and close complaints')],
                },
            ),
            migrations.CreateModel(
                name='ComplaintEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('verb', models.CharField(max_length=30, verbose_name='action')),
                    ('from_status', models.CharField(blank=True, choices=[('registered', 'Registered'), ('accepted', 'Accepted'), ('rejected', 'Not accepted'), ('investigating', 'Being investigated'), ('responded', 'Responded'), ('closed', 'Closed'), ('reopened', 'Reopened')], max_length=15, verbose_name='from')),
                    ('to_status', models.CharField(blank=True, choices=[('registered', 'Registered'), ('accepted', 'Accepted'), ('rejected', 'Not accepted'), ('investigating', 'Being investigated'), ('responded', 'Responded'), ('closed', 'Closed'), ('reopened', 'Reopened')], max_length=15, verbose_name='to')),
                    ('note', models.TextField(blank=True, max_length=6000, verbose_name='note')),
                    ('public', models.BooleanField(default=False, verbose_name='public')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='time')),
                    ('actor', models.ForeignKey(blank=True, help_text="Empty for the complainant online and for the system's timers", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                    ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='complaints.complaint')),
                ],
                options={
                    'verbose_name': 'complaint event',
                    'verbose_name_plural': 'complaint events',
                    'db_table': 'requests_complaintevent',
                    'ordering': ['at', 'pk'],
                },
            ),
            migrations.AddIndex(
                model_name='complaint',
                index=models.Index(fields=['centre', 'status'], name='requests_co_centre__73634f_idx'),
            ),
            migrations.AddConstraint(
                model_name='complaint',
                constraint=models.CheckConstraint(condition=models.Q(('anonymous', False), ('name', ''), _connector='OR'), name='anonymous_complaint_has_no_name'),
            ),
            migrations.AddConstraint(
                model_name='complaint',
                constraint=models.CheckConstraint(condition=models.Q(('status', 'registered'), ('status', 'rejected'), ('respond_due__isnull', False), _connector='OR'), name='accepted_complaint_has_response_due'),
            ),
            migrations.AddConstraint(
                model_name='complaint',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['responded', 'rejected']), _negated=True), models.Q(('response', ''), _negated=True), _connector='OR'), name='responded_complaint_has_response'),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
