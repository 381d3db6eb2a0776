import pytest

from dlcourse.report.limits import count_words, verdict


def test_words_are_the_visible_text_without_styles_or_images():
    page = "<html><head><style>body{font:11pt Arial}</style></head><body><h1>Two words</h1>"
    page += "<img src='data:image/png;base64,AAAA'><p>and&nbsp;three more</p><td>4</td></body></html>"
    assert count_words(page) == 6


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
