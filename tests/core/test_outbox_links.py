"""without_links looks closely only at the words that could hold a link: wherever such a word stands in an email,
whatever separates it from its neighbours, it is defused, and the words around it are left exactly as they were."""
import pytest

from awards_app.core.outbox import without_links

# What can end a word, as mail programs read it: spaces of every kind, line breaks, and HTML's < > " '.
SEPARATORS = [" ", "\n", "\t", "\u00a0", "\u2003", "<", ">", '"', "'"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_link_between_any_two_separators_is_defused_and_its_neighbours_kept(app, separator):
    text = f"Margin:{separator}1.5em{separator}evil.example/x?a=b{separator}co.uk{separator}end."
    expected = f"Margin:{separator}1.5em{separator}evil[.]example/x?a=b{separator}co[.]uk{separator}end."
    with app.test_request_context():
        assert without_links(text) == expected


def test_links_at_the_very_start_and_end_of_the_text_are_defused(app):
    with app.test_request_context():
        assert without_links("https://evil.example") == "https[:]//evil[.]example"
        assert without_links("evil.example said hello to phish.example") == (
            "evil[.]example said hello to phish[.]example"
        )


def test_the_apps_own_link_beside_a_strangers_keeps_only_its_own_whole(app):
    """The app's own link stays whole, and a stranger's link next to it (or holding it) is still defused."""
    with app.test_request_context():
        own = app.config["PUBLIC_BASE_URL"] + "/vote"
        assert without_links(f"({own}) evil.example") == f"({own}) evil[.]example"
        assert without_links(f"see:{own} or https://evil.example/{own}") == (
            f"see:{own} or https[:]//evil[.]example/{own}"
        )


def test_an_email_sized_text_with_no_link_comes_back_unchanged(app):
    body = ('<p style="margin: 0 0 16px; line-height: 1.5;">Hello,</p>\n' * 200) + "Walk 1.5 miles, e.g. daily"
    with app.test_request_context():
        assert without_links(body) == body
