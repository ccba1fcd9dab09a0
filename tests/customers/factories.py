import factory

from unstuck.customers.models import Customer, Identity


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    company = ""


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    customer = factory.SubFactory(CustomerFactory)
    kind = "email"
    value = factory.Sequence(lambda n: f"customer{n}@example.com")


def customer_with_email(email: str = "", **kwargs) -> Customer:
    customer = CustomerFactory(**kwargs)
    IdentityFactory(customer=customer, value=email or f"c{customer.pk}@example.com")
    return customer
