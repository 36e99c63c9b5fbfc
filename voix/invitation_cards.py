"""Invitation cards to hand out: each QR code with the structure's name, its expiry and what to do.

A bare QR code says nothing to the educator who finds it in a folder a week later, nor to the
youth it is handed to. Each card carries the structure's name, the last day the link works and
one line of instruction, in French (the youth's first reading); the files are named after the
structure, the wave and the batch, so two batches never mix. The A4 sheet (HTML, printed from
any browser) holds six cards a page with cutting lines. A card holds a single-use token: it is
handed to one youth, never pinned on a wall.

It lives in ``voix/`` because both the CLI (``voix admin invite youth --qr``) and the bot
(``/inviter``) draw the same card, and ``bot/`` may not import ``admin/`` nor the reverse.
"""

import contextlib
import html
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from PIL import Image, ImageDraw, ImageFont

from voix.dates import day_in_words

INSTRUCTION = "Scanne ce code avec ton téléphone : le questionnaire s’ouvre dans Telegram."
SHEET_WARNING = (
    "Chaque code est une invitation personnelle à usage unique : découpez les cartes et remettez-en "
    "une à chaque jeune. Ne les affichez pas."
)
CARD_WIDTH = 640
MARGIN = 32
QR_SCALE = 10
CARDS_PER_PAGE = 6
# DejaVu ships with Voix (its licence beside it): Pillow's own font has no accents ("Étienne").
FONTS = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class InvitationCard:
    """What one card shows: the link in the QR code, and the words around it."""

    invitation_id: int
    structure: str
    wave: str
    link: str
    expires_at: datetime


def expiry_line(expires_at: datetime, zone: ZoneInfo) -> str:
    """``Valable jusqu’au 29 décembre 2026`` (« 1er » on the first): the last day, in the deployment's
    time zone."""
    return f"Valable jusqu’au {day_in_words(expires_at.astimezone(zone).date(), 'd MMMM y', 'fr')}"


def batch_name(cards: Sequence[InvitationCard], created: datetime, zone: ZoneInfo) -> str:
    """``mecs-les-tilleuls_T0_2026-11-29_lot-12``: structure, wave, day and first id of the batch."""
    first = cards[0]
    day = created.astimezone(zone).date().isoformat()
    return f"{_slug(first.structure)}_{first.wave}_{day}_lot-{first.invitation_id}"


def write_cards(
    cards: Sequence[InvitationCard], directory: Path, created: datetime, zone: ZoneInfo
) -> tuple[list[Path], Path]:
    """Write one PNG card per invitation and the A4 sheet of them all; return the PNGs and the
    sheet. All or nothing: a failure (a full disk, Ctrl-C) removes the files already written."""
    prefix = batch_name(cards, created, zone)
    pictures = [directory / f"{prefix}_invitation-{card.invitation_id}.png" for card in cards]
    sheet = directory / f"{prefix}.html"
    written: list[Path] = []  # only files this batch made: nothing else is ever removed
    try:
        for card, path in zip(cards, pictures, strict=True):
            _claim(path, written)
            card_picture(card, zone).save(path, format="PNG")
        _claim(sheet, written)
        sheet.write_text(card_sheet(cards, zone), encoding="utf-8")
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):  # the first error is the one to tell
                path.unlink()
        raise
    return pictures, sheet


def _claim(path: Path, written: list[Path]) -> None:
    """Create ``path`` empty, only if nothing is there, readable by its owner only (a card holds a
    live invitation: anyone who reads it could use it), and count it as this batch's."""
    path.touch(mode=0o600, exist_ok=False)
    path.chmod(0o600)  # whatever the umask
    written.append(path)


def card_picture(card: InvitationCard, zone: ZoneInfo) -> Image.Image:
    """The card as an image: the QR code, then the structure's name, the expiry and the instruction."""
    code = _qr_image(card.link)
    title_font = ImageFont.truetype(FONTS / "DejaVuSans-Bold.ttf", size=30)
    text_font = ImageFont.truetype(FONTS / "DejaVuSans.ttf", size=24)
    # A name the font cannot draw at all (« 家庭之家 ») still leaves the card a title: its number,
    # which the sheet and the invitation list show beside the structure.
    title = _drawable(card.structure, title_font).strip() or f"Invitation n° {card.invitation_id}"
    lines = [(line, title_font) for line in _wrapped(title, title_font, CARD_WIDTH - 2 * MARGIN)]
    lines.append((expiry_line(card.expires_at, zone), text_font))
    lines.extend((line, text_font) for line in _wrapped(INSTRUCTION, text_font, CARD_WIDTH - 2 * MARGIN))
    line_height = 44
    picture = Image.new("RGB", (CARD_WIDTH, code.height + len(lines) * line_height + MARGIN), "white")
    picture.paste(code, ((CARD_WIDTH - code.width) // 2, 0))
    draw = ImageDraw.Draw(picture)
    top = code.height
    for text, font in lines:
        draw.text((CARD_WIDTH // 2, top), text, fill="black", font=font, anchor="ma")
        top += line_height
    return picture


def card_png(card: InvitationCard, zone: ZoneInfo) -> bytes:
    """The card as PNG bytes (what the bot sends as a photo)."""
    buffer = io.BytesIO()
    card_picture(card, zone).save(buffer, format="PNG")
    return buffer.getvalue()


def card_sheet(cards: Sequence[InvitationCard], zone: ZoneInfo) -> str:
    """An A4 page (or several) of cards with cutting lines, self-contained, to print from a browser."""
    items = "\n".join(
        '<figure class="card">'
        f"{segno.make(card.link, error='m').svg_inline(scale=4, border=2)}"
        f"<figcaption><strong>{html.escape(card.structure)}</strong>"
        f"<span>{html.escape(expiry_line(card.expires_at, zone))}</span>"
        f"<span>{html.escape(INSTRUCTION)}</span>"
        f"<small>Invitation n° {card.invitation_id} · {html.escape(card.wave)}</small></figcaption>"
        "</figure>"
        for card in cards
    )
    title = html.escape(f"Invitations Voix — {cards[0].structure}")
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 10mm; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; color: #111; }}
.warning {{ font-size: 11pt; margin: 0 0 6mm; }}
.cards {{ display: grid; grid-template-columns: repeat(2, 1fr); }}
.card {{ margin: 0; height: 88mm; box-sizing: border-box; border: 1px dashed #999; padding: 4mm;
  display: flex; flex-direction: column; align-items: center; text-align: center;
  break-inside: avoid; page-break-inside: avoid; }}
.card svg {{ width: 48mm; height: 48mm; }}
figcaption {{ display: flex; flex-direction: column; gap: 1.5mm; font-size: 10.5pt; }}
figcaption strong {{ font-size: 12pt; }}
figcaption small {{ color: #555; font-size: 8.5pt; }}
@media print {{ .warning {{ display: none; }} .card:nth-child({CARDS_PER_PAGE}n) {{ break-after: page; }} }}
</style></head>
<body><p class="warning">{html.escape(SHEET_WARNING)}</p>
<main class="cards">
{items}
</main></body></html>
"""


def _qr_image(link: str) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def _drawable(text: str, font: ImageFont.FreeTypeFont) -> str:
    """The text without the characters the font has no glyph for (an emoji in a structure's name
    would print as an empty box on the card; the sheet, drawn by the browser, keeps them)."""
    missing = bytes(font.getmask("\ue000"))  # a private-use code point: the "no glyph" box
    kept = "".join(letter for letter in text if letter.isspace() or bytes(font.getmask(letter)) != missing)
    return " ".join(kept.split())


def _wrapped(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "structure"
