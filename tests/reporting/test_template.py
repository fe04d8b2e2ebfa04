"""The report structure is data: the shipped 2022 template, and refused broken templates."""

import copy

import pytest
from django.core.exceptions import ValidationError

from reporting.template import load_template_file, parse_template, read_template

SEED_004_NUMBERS = (
    ["1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2"]
    + [f"1.2.{a}" for a in range(1, 5)]
    + [f"1.2.{a}.{q}" for a in range(1, 5) for q in range(1, 5)]
    + ["1.3"]
    + [f"1.3.{a}" for a in range(1, 4)]
    + [f"1.3.{a}.{q}" for a in range(1, 4) for q in range(1, 3)]
    + ["2"]
    + [f"2.{q}" for q in range(1, 7)]
    + ["3"]
    + [f"3.{a}" for a in range(1, 6)]
    + [f"3.{a}.{q}" for a in range(1, 6) for q in range(1, 3)]
    + ["4"]
    + [f"4.{q}" for q in range(1, 8)]
    + ["5"]
)


@pytest.fixture
def template_2022():
    data = load_template_file(2022)
    assert data is not None
    return data


def test_shipped_template_has_every_section_of_seed_004(template_2022):
    parsed = parse_template(template_2022, 2022)
    assert sorted(s.number for s in parsed.sections) == sorted(SEED_004_NUMBERS)
    assert parsed.title == "Återrapportering av villkorsbeslut 2022 – Region Norrbotten"
    by_number = {s.number: s for s in parsed.sections}
    assert by_number["1"].title == "Återrapportering 1 – Regionalt utvecklingsarbete"
    assert not by_number["1"].numbered
    assert by_number["1.2.3"].title == (
        "Innovation och förnyelse samt entreprenörskap och företagande i hela landet"
    )
    assert by_number["1.1.1"].question.startswith(
        "Beskriv hur det strategiskt viktigaste arbetet med den regionala utvecklingsstrategin"
    )
    assert by_number["3.5.2"].question.startswith("Bedöm och motivera hur samråd med näringsliv")
    assert by_number["2.3"].answer_kind == "yes_no"
    assert by_number["2.3"].no_prompt == "Om nej, ange anledningen till det."
    assert by_number["4.2"].answer_kind == "yes_no"
    assert by_number["5"].title == "Övriga medskick"


def test_insatser_tables_hold_at_most_five_rows_in_the_strategic_areas(template_2022):
    parsed = parse_template(template_2022, 2022)
    tables = {s.number: s.insatser_max for s in parsed.sections if s.insatser_max}
    for area in range(1, 5):
        assert tables[f"1.2.{area}.4"] == 5
    assert set(tables) == {f"1.2.{a}.4" for a in range(1, 5)} | {f"1.3.{a}.2" for a in range(1, 4)}


def test_figures_are_placed_in_section_2(template_2022):
    parsed = parse_template(template_2022, 2022)
    placed = {s.number: s.figures for s in parsed.sections if s.figures}
    assert placed == {
        "2.1": ["grant", "by_category", "by_priority", "applications", "leadership", "paid"],
        "2.2": ["main_aims"],
    }


def test_year_placeholders_are_filled(template_2022):
    parsed = parse_template(template_2022, 2031)
    assert parsed.title == "Återrapportering av villkorsbeslut 2031 – Region Norrbotten"
    chapter_4 = next(s for s in parsed.sections if s.number == "4")
    assert "budgetåret 2031" in chapter_4.intro
    assert "{year}" not in chapter_4.intro


def _broken(template, target, changes):
    data = copy.deepcopy(template)

    def walk(nodes):
        for node in nodes:
            if node["number"] == target:
                node.update(changes)
                return True
            if walk(node.get("children", [])):
                return True
        return False

    assert walk(data["sections"])
    return data


@pytest.mark.parametrize(
    ("number", "changes", "message"),
    [
        ("1.1.1", {"number": "1.1.x"}, "Avsnittsnumret ”1.1.x” är ogiltigt"),
        ("1.1.2", {"number": "2.9"}, "ligger under 1.1 men numret börjar inte med det"),
        ("1.1.2", {"key": "rus-strategic-work"}, "Nyckeln ”rus-strategic-work” finns två gånger"),
        ("1.1.2", {"number": "1.1.1"}, "Avsnitt 1.1.1 finns två gånger"),
        ("1.1.1", {"question": ""}, "Frågan 1.1.1 saknar frågetext"),
        ("1.1.1", {"answer": "essay"}, "svarstypen ska vara"),
        ("2.1", {"figures": ["budget"]}, "okänt nyckeltal"),
        ("1.2.1.4", {"insatser_max": 50}, "högsta antal insatser"),
        ("1.1", {"question": "Varför?"}, "är en rubrik och kan inte ha"),
        ("1.1", {"title": ""}, "Rubriken 1.1 saknar rubriktext"),
        ("1.1.1", {"kind": "table"}, "typen ska vara"),
        ("1.1.1", {"children": [{"number": "1.1.1.1"}]}, "kan inte ha underavsnitt"),
    ],
)
def test_broken_templates_are_refused_with_a_message_naming_the_section(
    template_2022, number, changes, message
):
    with pytest.raises(ValidationError) as error:
        parse_template(_broken(template_2022, number, changes), 2022)
    assert message in " ".join(error.value.messages)


def test_template_level_errors(template_2022):
    with pytest.raises(ValidationError, match="okänd version"):
        parse_template({**template_2022, "schema": 7}, 2022)
    with pytest.raises(ValidationError, match="saknar avsnitt"):
        parse_template({**template_2022, "sections": []}, 2022)
    with pytest.raises(ValidationError, match="saknar titel"):
        parse_template({**template_2022, "title": " "}, 2022)
    with pytest.raises(ValidationError, match="inte giltig JSON"):
        read_template("{not json")


def test_no_template_file_for_a_year_without_one():
    assert load_template_file(1999) is None
