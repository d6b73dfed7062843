"""Forms validating the filters of the catalogue's list pages (bad values answer 400, see hallservice.core.query_params)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import Department


class MatterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False)
