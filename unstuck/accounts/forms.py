from django import forms

from .models import Role, Team


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, label="Token name", help_text="What will use it, e.g. “Billing webhook”.")


class AgentForm(forms.Form):
    username = forms.SlugField(max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)
