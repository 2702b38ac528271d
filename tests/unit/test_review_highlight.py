"""Anchor and drift marks on review sheet text, which must leave escaping intact."""

from spec2listing.models.consistency import Claim, ClaimKind
from spec2listing.review.html import drift_phrases, highlight, show_hidden


def test_marks_anchor_and_escapes_text() -> None:
    marked = str(highlight("Brass <b>lid</b> on a pine shelf", ["pine shelf"]))
    assert marked == 'Brass &lt;b&gt;lid&lt;/b&gt; on a <mark class="anchor">pine shelf</mark>'


def test_number_never_marked_inside_entity() -> None:
    marked = str(highlight('Women\'s 39 cm "tote"', [], ["39", "34"]))
    assert "Women&#39;s" in marked
    assert "&#34;tote&#34;" in marked
    assert marked.count("<mark") == 1
    assert '<mark class="drift" title="not stated by the spec">39</mark> cm' in marked


def test_entity_names_never_marked() -> None:
    marked = str(highlight("Salt & pepper < 5", ["amp", "lt"]))
    assert marked == "Salt &amp; pepper &lt; 5"


def test_number_not_marked_inside_decimal() -> None:
    marked = str(highlight("2.5 l, 12 cups, 2 lids, 1,2 kg", [], ["2"]))
    assert marked.count("<mark") == 1
    assert '<mark class="drift" title="not stated by the spec">2</mark> lids' in marked


def test_anchor_matches_across_hyphen_and_case() -> None:
    marked = str(highlight("A Moss-Green strap", ["moss green"]))
    assert '<mark class="anchor">Moss-Green</mark>' in marked


def test_negative_figure_marked_with_sign() -> None:
    marked = str(highlight("Rated from 20 °C down to -20 °C", [], ["-20 °C"]))
    assert marked == 'Rated from 20 °C down to <mark class="drift" title="not stated by the spec">-20 °C</mark>'


def test_positive_figure_not_marked_inside_negative() -> None:
    marked = str(highlight("Rated from 20 °C down to -20 °C and –20 °C", [], ["20 °C"]))
    assert (
        marked == 'Rated from <mark class="drift" title="not stated by the spec">20 °C</mark> down to -20 °C and –20 °C'
    )


def test_range_end_still_marked() -> None:
    marked = str(highlight("Works at 10-20 °C", [], ["20 °C"]))
    assert marked == 'Works at 10-<mark class="drift" title="not stated by the spec">20 °C</mark>'


def test_unsupported_terms_marked_as_copy_writes_them() -> None:
    claims = [
        Claim(kind=ClaimKind.MATERIAL, text="aluminium", copy_fields=["description"], sources=[], supported=False),
        Claim(kind=ClaimKind.COLOR, text="grey", copy_fields=["description"], sources=[], supported=False),
        Claim(kind=ClaimKind.PROPERTY, text="not waterproof", copy_fields=["description"], sources=[], supported=False),
        Claim(
            kind=ClaimKind.PROPERTY, text="hand made", copy_fields=["description"], sources=["summary"], supported=True
        ),
    ]
    marked = str(highlight("Gray aluminum shell, also in grays. Waterproof: no. Handmade.", [], drift_phrases(claims)))

    assert '<mark class="drift" title="not stated by the spec">Gray</mark>' in marked
    assert '<mark class="drift" title="not stated by the spec">aluminum</mark>' in marked
    assert '<mark class="drift" title="not stated by the spec">Waterproof</mark>' in marked
    assert "Handmade" in marked
    assert '<mark class="drift" title="not stated by the spec">grays</mark>' in marked
    assert marked.count("<mark") == 4


def test_hidden_characters_shown_by_code_point() -> None:
    marked = highlight("Mug \u202egum\u202c & <b>", ["mug"])
    assert str(marked) == '<mark class="anchor">Mug</mark> [U+202E]gum[U+202C] &amp; &lt;b&gt;'
    assert show_hidden("tab\tstays, line\nbreak stays") == "tab\tstays, line\nbreak stays"


def test_banned_word_forms_marked() -> None:
    marked = str(
        highlight(
            "Our Favorite mug, two luxuries and the \uff35\uff2c\uff34\uff29\uff2d\uff21\uff34\uff25 gift.",
            [],
            [],
            ["favourite", "luxury", "ultimate"],
        )
    )

    assert '<mark class="banned" title="banned or prohibited wording">Favorite</mark>' in marked
    assert ">luxuries</mark>" in marked
    assert ">\uff35\uff2c\uff34\uff29\uff2d\uff21\uff34\uff25</mark>" in marked


def test_banned_wording_inside_an_anchor_marked_banned() -> None:
    marked = str(highlight("A luxury velvet finish.", ["luxury velvet finish"], [], ["luxury"]))

    assert marked == 'A <mark class="banned" title="banned or prohibited wording">luxury</mark> velvet finish.'
