"""The address parameters of the public display: the guide's search, the board's centre, a sign's paper size."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .documents import SIGN_SIZES


class GuideSearchForm(forms.Form):
    # Django's CharField refuses NUL characters, which PostgreSQL cannot store in a query.
    q = forms.CharField(label=_("Search"), required=False, max_length=50)


class CentreForm(forms.Form):
    centre = forms.CharField(label=_("Centre"), required=False, max_length=12)


class SignForm(CentreForm):
    size = forms.ChoiceField(label=_("Paper size"), required=False, choices=[(s, s) for s in SIGN_SIZES])
