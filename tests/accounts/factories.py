import factory
from django.contrib.auth import get_user_model

from unstuck.accounts.models import Agent, Role, Team

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Sequence(lambda n: f"Agent{n}")
    last_name = "Example"
    email = factory.LazyAttribute(lambda u: f"{u.username}@desk.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = "Billing"


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory)
    role = Role.AGENT


def lead_factory(**kwargs) -> Agent:
    return AgentFactory(role=Role.LEAD, **kwargs)
