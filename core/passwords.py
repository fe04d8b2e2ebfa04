"""Password rules beyond Django's validators (length >= 12, Django's common-password list):
passwords built on a word everyone in the region would guess first are refused too
("Sommar2024", "Norrbotten2025!", "Lösenord123456")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

GUESSABLE_WORDS = {
    "sommar", "vinter", "var", "host", "hosten", "varen", "losenord", "password", "passord",
    "norrbotten", "region", "regionnorrbotten", "lulea", "pitea", "kiruna", "boden",
    "gallivare", "valkommen", "hejhej", "hemligt", "qwerty", "qwertyuiop", "asdfghjkl",
    "abc", "abcdef", "admin", "administrator", "test", "testtest", "anvandare", "sverige",
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december", "mandag", "fredag", "midsommar", "jul", "god", "hej",
}  # fmt: skip
_FOLD = str.maketrans("åäöéü", "aaoeu")


class GuessablePasswordValidator:
    """A password that is one guessable word plus digits and signs is refused."""

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-zåäöéü]", "", password.lower()).translate(_FOLD)
        if letters in GUESSABLE_WORDS or (letters and len(set(letters)) <= 2):
            raise ValidationError(
                _("Lösenordet är för lätt att gissa (ett vanligt ord med siffror)."),
                code="password_guessable",
            )

    def get_help_text(self):
        return _("Lösenordet får inte vara ett vanligt ord med siffror, t.ex. Sommar2024.")
