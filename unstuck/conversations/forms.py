"""Forms check shape only; the services decide what is allowed."""

from django import forms

from unstuck.accounts.models import Agent
from unstuck.momentum.services.promises import PROMISE_CHOICES

from .models import Category, Channel, Level, NextStepBy, Status, Temperature


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(choices=[("reply", "Reply"), ("note", "Internal note")], initial="reply")
    text = forms.CharField(max_length=50_000, widget=forms.Textarea(attrs={"rows": 5}))
    seen_message_id = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)
    next_step = forms.CharField(max_length=500, required=False)
    promise = forms.ChoiceField(required=False, choices=PROMISE_CHOICES)
    promise_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), input_formats=["%Y-%m-%dT%H:%M"]
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), empty_label=None)
    note = forms.CharField(max_length=500, required=False)


class NextStepForm(forms.Form):
    next_step = forms.CharField(max_length=500)
    next_step_by = forms.ChoiceField(choices=NextStepBy.choices)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class TriageForm(forms.Form):
    level = forms.TypedChoiceField(choices=Level.choices, coerce=int)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False, empty_label="No category")
    temperature = forms.ChoiceField(choices=Temperature.choices)
    perceived_urgency = forms.TypedChoiceField(choices=Level.choices, coerce=int)


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1)


class InboxFilterForm(forms.Form):
    level = forms.TypedChoiceField(choices=[("", "Any level"), *Level.choices], coerce=int, required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    owner = forms.ModelChoiceField(queryset=Agent.objects.select_related("user"), required=False)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    overdue = forms.BooleanField(required=False)
    temperature = forms.ChoiceField(choices=[("", "Any temperature"), *Temperature.choices], required=False)
    urgent = forms.BooleanField(required=False)
    burst = forms.BooleanField(required=False)
