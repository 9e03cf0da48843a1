"""Article Markdown renders to safe HTML whoever wrote it."""

import pytest

from education.rendering import render_markdown

HOSTILE = [
    ("<script>alert(1)</script>Hello", "<script"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "evil.example"),
    ("[click](javascript:alert(1))", "javascript:"),
    ("[click](JaVaScRiPt:alert(1))", "avascript:"),
    ("[click]( javascript:alert(1))", "javascript:"),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("[vb](vbscript:msgbox(1))", "vbscript:"),
    ('<a href="/learn/x/" onclick="steal()">x</a>', "onclick"),
    ('<img src="x" onerror="steal()">', "onerror"),
    ('<svg onload="steal()"></svg>', "<svg"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<div style="background:url(javascript:alert(1))">x</div>', "style="),
    ("<form action=/sign-out/><button>Go</button></form>", "<form"),
    ('<a href="https://example.org" target="_blank">x</a>', "target="),
    ("![x](https://tracker.example/pixel.png)", "<img"),
    ("<!-- hidden --><p>ok</p>", "<!--"),
    ("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "javascript:"),
]


@pytest.mark.parametrize(("markdown_text", "forbidden"), HOSTILE)
def test_hostile_markdown_renders_without_the_dangerous_part(markdown_text, forbidden):
    html = str(render_markdown(markdown_text))
    assert forbidden.lower() not in html.lower()


def test_ordinary_markdown_keeps_its_structure_and_safe_links():
    html = str(render_markdown(
        "## Keep warm\n\n- gloves\n- socks\n\n**Ask** your team. See [falls](/learn/preventing-falls-at-home/) "
        "or [the NHS](https://www.nhs.uk/).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    ))
    assert "<h2>Keep warm</h2>" in html
    assert "<li>gloves</li>" in html and "<strong>Ask</strong>" in html
    assert 'href="/learn/preventing-falls-at-home/"' in html
    assert 'href="https://www.nhs.uk/"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<table>" in html and "<td>2</td>" in html


def test_raw_html_is_reduced_to_its_text():
    html = str(render_markdown('<div class="x"><b>bold</b> <span>plain</span></div>'))
    assert "<div" not in html and "<span" not in html and "class=" not in html
    assert "bold" in html and "plain" in html
