import pytest

from dlcourse.report.limits import count_words, verdict


def test_words_are_counted_as_the_faq_counts_them():
    """The FAQ: "tables, captions, titles and references do not count"; nor do styles, images or the footer."""
    page = "<html><head><title>A title</title><style>body{font:11pt Arial}</style></head><body>"
    page += "<footer class='provenance'>dlcourse 0.1.0 · bath-a2</footer><h1>Two words</h1><h2>a b</h2>"
    page += "<img src='data:image/png;base64,AAAA'><p>and&nbsp;three more</p>"
    page += "<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>4 5</td></tr></tbody></table>"
    page += "<figure><img src='x.png'><figcaption>a long caption here</figcaption></figure>"
    page += "<ul><li>one two</li><li>three</li></ul><p>end.</p></body></html>"
    assert count_words(page) == 3 + 3 + 1  # "and three more", the list's three words, "end."


@pytest.mark.parametrize(
    ("suite", "words", "pages", "expected"),
    [
        ("bath-a2", 3000, 40, "3000 words: within the brief's limit of 3000"),
        ("bath-a2", 3001, 1, "3001 words: over the brief's limit of 3000"),
        ("leiden-a1", 99999, 10, "10 pages: within the brief's limit of 10"),
        ("leiden-a1", 0, 11, "11 pages: over the brief's limit of 10"),
        ("tbmi26", 5, 2, "2 pages, 5 words; the brief sets no length limit"),
    ],
)
def test_verdict_weighs_the_count_the_brief_limits(suite, words, pages, expected):
    assert verdict(suite, words, pages).startswith(expected)
