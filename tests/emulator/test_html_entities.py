"""Telegram's HTML parse mode: entities, UTF-16 offsets and TDLib's error messages."""

from __future__ import annotations

import pytest

from telegram_emulator.html_entities import EntityParseError, FormattedText, parse_html, strip_text


def test_supported_tags_become_entities() -> None:
    parsed = parse_html(
        "<b>gras</b> <strong>fort</strong> <i>it</i> <em>em</em> <u>sous</u> <ins>ins</ins> "
        "<s>barré</s> <strike>st</strike> <del>del</del> <code>x=1</code> <tg-spoiler>chut</tg-spoiler>"
    )
    assert parsed.text == "gras fort it em sous ins barré st del x=1 chut"
    assert [(e["type"], parsed.text[e["offset"] : e["offset"] + e["length"]]) for e in parsed.entities] == [
        ("bold", "gras"),
        ("bold", "fort"),
        ("italic", "it"),
        ("italic", "em"),
        ("underline", "sous"),
        ("underline", "ins"),
        ("strikethrough", "barré"),
        ("strikethrough", "st"),
        ("strikethrough", "del"),
        ("code", "x=1"),
        ("spoiler", "chut"),
    ]


def test_links_blockquotes_pre_with_language_and_nesting() -> None:
    parsed = parse_html(
        '<a href="https://example.org/?a=1&amp;b=2">lien</a>'
        "<blockquote expandable><b>cite</b></blockquote>"
        '<pre><code class="language-python">print(1)</code></pre>'
    )
    assert parsed.text == "liencitepri" + "nt(1)"
    assert parsed.entities == [
        {"offset": 0, "length": 4, "type": "text_link", "url": "https://example.org/?a=1&b=2"},
        {"offset": 4, "length": 4, "type": "expandable_blockquote"},
        {"offset": 4, "length": 4, "type": "bold"},
        {"offset": 8, "length": 8, "type": "pre", "language": "python"},
    ]


def test_character_references_and_utf16_offsets() -> None:
    parsed = parse_html("&lt;3 &amp; &quot;x&quot; &#233;&#x1F600; &unknown; 😀<b>é</b>")
    assert parsed.text == '<3 & "x" é😀 &unknown; 😀é'
    # the emoji before <b> counts for 2 UTF-16 code units, like in Telegram
    assert parsed.entities == [{"offset": 25, "length": 1, "type": "bold"}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>Bonjour", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("é<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("a</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b =1>x</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
    ],
)
def test_malformed_markup_is_rejected_like_telegram(source: str, message: str) -> None:
    with pytest.raises(EntityParseError) as error:
        parse_html(source)
    assert str(error.value) == message


def test_strip_keeps_entities_aligned() -> None:
    stripped = strip_text(parse_html("  \n<b>Salut</b> toi \n"))
    assert stripped == FormattedText("Salut toi", [{"offset": 0, "length": 5, "type": "bold"}])
    assert strip_text(parse_html("<b> </b>")) == FormattedText("", [])
