from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "unstuck.customers"
    label = "customers"
