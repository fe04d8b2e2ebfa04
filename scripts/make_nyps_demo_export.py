"""Write the demo's NYPS 2020 export of 2022's business support (deterministic).

Shaped like the state system's export (semicolon CSV, Swedish headers, one row per
application) and made to match seed 004 section 2.1: 164 applications for företagsstöd
received in 2022, 125 granted and 39 rejected (24 %), 125 companies led by women / men /
jointly 24 / 66 / 10 %, 46 granted decisions co-financed by EU framework projects (39 at
100 % through REACT-EU, 7 at 50 % through the Covid-19 framework project), and granted
amounts adding up to the 58 174 000 kr of business support the financing demo commits.

    .venv/bin/python scripts/make_nyps_demo_export.py > financing/demo_data/nyps-foretagsstod-2022.csv
"""

import csv
import datetime
import random
import sys
from decimal import Decimal

HEADER = [
    "Ärende-id",
    "Inkom",
    "Beslutsdatum",
    "Beslut",
    "Beviljat belopp",
    "Företag",
    "Organisationsnummer",
    "Ledning",
    "Bransch",
    "Stödområde",
    "Stödtyp",
    "EU-ramprojekt",
    "Andel EU (%)",
    "Län",
]
INDUSTRIES = [
    ("Besöksnäring", "Regionalt investeringsstöd"),
    ("Tillverkningsindustri", "Regionalt investeringsstöd"),
    ("Tjänster", "Regionalt bidrag till företagsutveckling"),
    ("Testverksamhet", "Regionalt investeringsstöd"),
    ("Kulturella och kreativa näringar", "Regionalt bidrag till företagsutveckling"),
    ("Innovation", "Innovationsstöd"),
]
PLACES = [
    "Luleå",
    "Piteå",
    "Boden",
    "Kiruna",
    "Gällivare",
    "Kalix",
    "Haparanda",
    "Arjeplog",
    "Jokkmokk",
    "Pajala",
    "Överkalix",
    "Älvsbyn",
    "Arvidsjaur",
    "Övertorneå",
]
KINDS = ["AB", "Handelsbolag", "Ekonomisk förening"]
REACT = "REACT-EU Norrbotten"
COVID = "Stöd till företag i Norrbotten som drabbats av negativa effekter till följd av Covid 19"
TOTAL = Decimal("58174000")


def luhn_complete(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return nine + str((10 - total % 10) % 10)


def main() -> None:
    rng = random.Random(2022)
    genders = ["Kvinna"] * 30 + ["Man"] * 83 + ["Delat"] * 12
    rng.shuffle(genders)
    frameworks = [(REACT, "100")] * 39 + [(COVID, "50")] * 7 + [("", "")] * 79
    rng.shuffle(frameworks)
    weights = [rng.randint(50, 800) for _ in range(125)]
    amounts = [(TOTAL * w / sum(weights)).quantize(Decimal("1000")) for w in weights]
    amounts[-1] += TOTAL - sum(amounts)
    decisions = ["Beviljad"] * 125 + ["Avslag"] * 39
    rng.shuffle(decisions)
    writer = csv.writer(sys.stdout, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    granted = 0
    used: set[str] = set()
    for index, decision in enumerate(decisions):
        received = datetime.date(2022, 1, 3) + datetime.timedelta(days=index * 2)
        decided = received + datetime.timedelta(days=rng.randint(20, 60))
        if decided.year > 2022:
            decided = datetime.date(2022, 12, 20)
        industry, support_type = INDUSTRIES[index % len(INDUSTRIES)]
        while True:
            org = luhn_complete("55" + f"{rng.randint(0, 9999999):07d}")
            if org not in used:
                used.add(org)
                break
        name = f"{PLACES[index % len(PLACES)]} {industry.split()[0]} {index + 1} {KINDS[index % 3]}"
        if decision == "Beviljad":
            gender = genders[granted]
            framework, share = frameworks[granted]
            amount = f"{amounts[granted]:.0f}"
            granted += 1
        else:
            gender = rng.choice(["Kvinna", "Man", "Man", "Delat"])
            framework, share, amount = "", "", ""
        writer.writerow(
            [
                f"2022{4000 + index:04d}",
                received.isoformat(),
                decided.isoformat(),
                decision,
                amount,
                name,
                f"{org[:6]}-{org[6:]}",
                gender,
                industry,
                "Företagsstöd",
                support_type,
                framework,
                share,
                "Norrbotten",
            ]
        )


if __name__ == "__main__":
    main()
