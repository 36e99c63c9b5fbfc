"""Invitation cards: the QR code reads back as the link, and the card says where, until when, what to do."""

import os
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image, ImageFont

from voix.invitation_cards import (
    INSTRUCTION,
    InvitationCard,
    card_picture,
    card_sheet,
    expiry_line,
    write_cards,
)

PARIS = ZoneInfo("Europe/Paris")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
# 23:30 UTC on the 28th is already the 29th in Paris: the card shows the local day.
EXPIRES = datetime(2026, 12, 28, 23, 30, tzinfo=UTC)


def card(number: int, structure: str = "MECS Les Tilleuls — Saint-Étienne") -> InvitationCard:
    return InvitationCard(number, structure, "T0", f"https://t.me/VoixBot?start=token{number:018d}", EXPIRES)


def test_the_expiry_is_the_local_day_in_words():
    assert expiry_line(EXPIRES, PARIS) == "Valable jusqu’au 29 décembre 2026"
    assert expiry_line(EXPIRES, ZoneInfo("America/Cayenne")) == "Valable jusqu’au 28 décembre 2026"


def test_the_card_picture_decodes_to_the_link_and_has_its_words_under_the_code():
    picture = card_picture(card(7), PARIS)
    [decoded] = zxingcpp.read_barcodes(picture)
    assert decoded.text == "https://t.me/VoixBot?start=token000000000000000007"
    code_bottom = decoded.position.bottom_left.y
    caption = picture.crop((0, code_bottom + 60, picture.width, picture.height)).convert("L")
    dark_rows = sum(
        1 for y in range(caption.height) if caption.crop((0, y, caption.width, y + 1)).getextrema()[0] < 100
    )
    # The structure's name, the expiry and the instruction (wrapped) stand under the code.
    assert dark_rows >= 4 * 15  # four lines of text, each at least 15 pixels high
    assert picture.width == 640


def test_the_sheet_holds_every_card_with_its_words_escaped():
    sheet = card_sheet([card(1, "<b>Foyer</b> & Co"), card(2, "<b>Foyer</b> & Co")], PARIS)
    assert sheet.count("<svg") == 2
    assert "&lt;b&gt;Foyer&lt;/b&gt; &amp; Co" in sheet and "<b>Foyer" not in sheet
    assert sheet.count("Valable jusqu’au 29 décembre 2026".replace("'", "&#x27;")) == 2
    assert sheet.count(INSTRUCTION.replace("'", "&#x27;")) == 2
    assert "@page { size: A4" in sheet and "http" not in sheet.replace("https://t.me", "")


def test_seven_cards_print_on_two_a4_pages(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Chromium is needed to print the sheet: run `make system-packages`")
    pictures, sheet = write_cards([card(number) for number in range(1, 8)], tmp_path, EXPIRES, PARIS)
    assert len(pictures) == 7
    for path in pictures:
        with Image.open(path) as picture:
            assert picture.format == "PNG"
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            sheet.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    content = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 2
    # A4 is 595 × 842 points.
    [(width, height)] = {tuple(round(float(number)) for number in box) for box in MEDIA_BOX.findall(content)}
    assert (width, height) == (595, 842)


def test_every_letter_of_a_french_card_has_a_glyph():
    from voix.invitation_cards import FONTS

    text = "MECS Les Tilleuls — Saint-Étienne, Œuvre Ça" + expiry_line(EXPIRES, PARIS) + INSTRUCTION
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = ImageFont.truetype(FONTS / name, size=24)
        missing = bytes(font.getmask("\ue000"))  # a private-use code point: the "no glyph" box
        assert [letter for letter in set(text) - {" "} if bytes(font.getmask(letter)) == missing] == []


def test_a_letter_the_font_cannot_draw_is_left_out_of_the_card_not_printed_as_a_box():
    with_emoji = card_picture(card(7, "Foyer 🌞 du Port"), PARIS)
    plain = card_picture(card(7, "Foyer du Port"), PARIS)
    assert with_emoji.tobytes() == plain.tobytes()
    assert card_picture(card(7, "Foyer à Œuvre"), PARIS).tobytes() != plain.tobytes()  # drawable: kept
    # Nothing of the name drawable: the card is titled with its number, never left without a title.
    numbered = card_picture(card(7, "Invitation n° 7"), PARIS).tobytes()
    assert card_picture(card(7, "家庭之家"), PARIS).tobytes() == numbered


def test_cards_and_their_sheet_are_readable_by_their_owner_only(tmp_path):
    # Each holds a live invitation (a reviewer found them readable by anyone on the server, 644).
    previous = os.umask(0o022)  # the usual one, which leaves new files readable by all
    try:
        pictures, sheet = write_cards([card(1), card(2)], tmp_path, EXPIRES, PARIS)
    finally:
        os.umask(previous)
    assert [stat.S_IMODE(path.stat().st_mode) for path in [*pictures, sheet]] == [0o600] * 3
