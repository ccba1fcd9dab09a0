"""Forms check shape only; the services decide who may publish."""

from django import forms

from .models import ArticleCategory, ArticleStatus, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    category = forms.ModelChoiceField(queryset=ArticleCategory.objects.all(), empty_label=None)
    body = forms.CharField(required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 22}))
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC)
    status = forms.ChoiceField(choices=ArticleStatus.choices, initial=ArticleStatus.DRAFT)
    note = forms.CharField(max_length=200, required=False, label="What changed")


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=240, required=False)


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes")
