"""Answers' simple formatting: paragraphs, bullets, bold; rendered safely."""

from reporting.formatting import BulletList, Paragraph, Run, parse, to_html


def test_paragraphs_are_separated_by_blank_lines_and_keep_line_breaks():
    blocks = parse("Första stycket\nmed radbrytning.\n\n\nAndra stycket.")
    assert len(blocks) == 2
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].lines == [[Run("Första stycket")], [Run("med radbrytning.")]]
    assert blocks[1].lines == [[Run("Andra stycket.")]]


def test_bullet_lists_and_continued_items():
    blocks = parse("Inledning:\n- ett\n- två\n  fortsätter\n* tre\n\nSlut.")
    assert isinstance(blocks[0], Paragraph)
    assert isinstance(blocks[1], BulletList)
    assert blocks[1].items == [
        [[Run("ett")]],
        [[Run("två")], [Run("fortsätter")]],
        [[Run("tre")]],
    ]
    assert blocks[2].lines == [[Run("Slut.")]]


def test_bold_runs_and_lone_asterisks():
    [paragraph] = parse("Det **viktigaste** är 2 ** 3 och **mer**")
    assert paragraph.lines[0] == [
        Run("Det "),
        Run("viktigaste", bold=True),
        Run(" är 2 ** 3 och "),
        Run("mer", bold=True),
    ]


def test_html_escapes_everything_the_user_typed():
    html = to_html('<script>alert("x")</script>\n\n- **<b>fet</b>** & "citat"')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<li><strong>&lt;b&gt;fet&lt;/b&gt;</strong> &amp; &quot;citat&quot;</li>" in html


def test_html_structure_and_plain_text():
    assert str(to_html("a\nb\n\n- c")) == "<p>a<br>b</p>\n<ul><li>c</li></ul>"
    assert to_html("") == ""
    assert parse(None) == []
