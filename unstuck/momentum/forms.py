"""Forms check shape only; the momentum services decide what is allowed."""

from django import forms

from unstuck.accounts.models import Agent, Team
from unstuck.conversations.models import Level

from .models import CallOutcome, Finding
from .services.scope import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES


class EmptyForm(forms.Form):
    """Actions that need no input beyond the URL."""


class ScopeStartForm(forms.Form):
    minutes = forms.IntegerField(min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=DEFAULT_MINUTES)


class ScopeFinishForm(forms.Form):
    finding = forms.ChoiceField(choices=Finding.choices)
    third_party = forms.CharField(max_length=120, required=False)
    direction = forms.CharField(max_length=500)


class CollaboratorForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    vendor_name = forms.CharField(max_length=120, required=False)
    vendor_email = forms.EmailField(required=False)


class SideMessageForm(forms.Form):
    text = forms.CharField(max_length=20_000)
    to = forms.IntegerField(required=False)


class CallForm(forms.Form):
    started_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), input_formats=["%Y-%m-%dT%H:%M"]
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=600)
    attendees = forms.CharField(max_length=300)
    outcome_kind = forms.ChoiceField(choices=[("", "No outcome yet"), *CallOutcome.choices], required=False)
    outcome = forms.CharField(max_length=500, required=False)
    outcome_owner = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), required=False)


class CallOutcomeForm(forms.Form):
    outcome_kind = forms.ChoiceField(choices=CallOutcome.choices)
    outcome = forms.CharField(max_length=500)
    outcome_owner = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), required=False)


class LevelPolicyForm(forms.Form):
    level = forms.TypedChoiceField(choices=Level.choices, coerce=int)
    first_reply_minutes = forms.IntegerField(min_value=1)
    update_minutes = forms.IntegerField(min_value=1, required=False)
    resolution_minutes = forms.IntegerField(min_value=1, required=False)
    business_hours = forms.BooleanField(required=False)


WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class CalendarForm(forms.Form):
    tz = forms.CharField(max_length=64)
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple)
    holidays = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_holidays(self) -> list:
        from datetime import date

        days = []
        for token in self.cleaned_data["holidays"].replace(",", " ").split():
            try:
                days.append(date.fromisoformat(token))
            except ValueError as exc:
                raise forms.ValidationError(f"{token!r} is not a date like 2026-12-25.") from exc
        return days


class RoutingForm(forms.Form):
    auto_assign = forms.BooleanField(required=False)
    load_cap = forms.IntegerField(min_value=1, max_value=1000)
    on_call = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), required=False)
