from django.apps import AppConfig


class NorrbottenCasesConfig(AppConfig):
    name = "norrbotten_cases"
    verbose_name = "Norrbotten Cases"
