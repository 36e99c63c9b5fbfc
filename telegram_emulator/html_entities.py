"""Telegram's HTML parse mode: turns `<b>Hi</b>` into text plus MessageEntity objects.

Telegram measures the 1-4096 character limit on the text *after* parsing, and rejects
malformed markup with precise errors. Bots in production hit exactly these errors, so the
emulator follows TDLib's parser (tags, attributes, error wording, byte offsets of errors).
Entity offsets and lengths are in UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
        "tg-spoiler", "span", "blockquote", "tg-emoji",
    }
)  # fmt: skip
SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_CHARACTER_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHARACTER_REFERENCE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_-]*")
_END_TAG_NAME = re.compile(r"[A-Za-z0-9_-]*")


class EntityParseError(ValueError):
    """Malformed markup; the message is Telegram's text after "can't parse entities: "."""


@dataclass(frozen=True)
class FormattedText:
    """Message text as Telegram stores it: plain text plus entities."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int
    byte_offset: int
    opened: int = 0
    language: str | None = None


def utf16_length(text: str) -> int:
    """Return a text's length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_reference(match: re.Match[str]) -> str | None:
    name = match.group(1)
    if name.startswith("#"):
        try:
            code_point = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code_point) if 0 < code_point <= 0x10FFFF else None
        except ValueError:
            return None
    return _NAMED_CHARACTER_REFERENCES.get(name)


def _decode_attribute(value: str) -> str:
    return html.unescape(value)


class _HtmlParser:
    """A single-use cursor over the source; one method per syntactic element."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0
        self.output: list[str] = []
        self.output_utf16 = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[tuple[int, dict[str, Any]]] = []
        self.tags_opened = 0

    def byte_offset(self, position: int) -> int:
        return len(self.source[:position].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.output.append(text)
        self.output_utf16 += utf16_length(text)

    def parse(self) -> FormattedText:
        source = self.source
        while self.position < len(source):
            character = source[self.position]
            if character == "&":
                match = _CHARACTER_REFERENCE.match(source, self.position)
                decoded = _decode_reference(match) if match else None
                if match and decoded is not None:
                    self.emit(decoded)
                    self.position = match.end()
                    continue
                self.emit("&")
                self.position += 1
            elif character == "<":
                if source.startswith("</", self.position):
                    self.parse_end_tag()
                else:
                    self.parse_start_tag()
            else:
                self.emit(character)
                self.position += 1
        if self.open_tags:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1].name}"'
            )
        # outer entities first when they span the same text, as Telegram orders them
        self.entities.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
        return FormattedText("".join(self.output), [entity for _, entity in self.entities])

    def skip_spaces(self) -> None:
        while self.position < len(self.source) and self.source[self.position].isspace():
            self.position += 1

    def parse_start_tag(self) -> None:
        source, begin = self.source, self.position
        self.position += 1
        name_start = self.position
        while (
            self.position < len(source)
            and not source[self.position].isspace()
            and source[self.position] != ">"
        ):
            self.position += 1
        if self.position >= len(source):
            raise EntityParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = source[name_start : self.position].lower()
        if name not in SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}')
        attributes = self.parse_attributes(name, begin)
        self.position += 1  # the closing ">"
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.tags_opened += 1
        opened = self.tags_opened
        self.open_tags.append(_OpenTag(name, attributes, self.output_utf16, self.byte_offset(begin), opened))

    def parse_attributes(self, tag_name: str, begin: int) -> dict[str, str]:
        source, attributes = self.source, dict[str, str]()
        unclosed = f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
        while True:
            self.skip_spaces()
            if self.position >= len(source):
                raise EntityParseError(unclosed)
            if source[self.position] == ">":
                return attributes
            match = _ATTRIBUTE_NAME.match(source, self.position)
            attribute_name = match.group(0).lower() if match else ""
            if not attribute_name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag_name}" at byte offset {self.byte_offset(begin)}'
                )
            self.position += len(attribute_name)
            self.skip_spaces()
            if self.position >= len(source):
                raise EntityParseError(unclosed)
            if source[self.position] != "=":
                if tag_name == "blockquote" and attribute_name == "expandable":
                    attributes[attribute_name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag_name}" at byte offset {self.byte_offset(begin)}'
                )
            self.position += 1
            self.skip_spaces()
            if self.position >= len(source):
                raise EntityParseError(unclosed)
            attributes[attribute_name] = self.parse_attribute_value(unclosed)

    def parse_attribute_value(self, unclosed: str) -> str:
        source = self.source
        quote = source[self.position]
        if quote in "\"'":
            end = source.find(quote, self.position + 1)
            if end < 0:
                raise EntityParseError(unclosed)
            value = source[self.position + 1 : end]
            self.position = end + 1
            return _decode_attribute(value)
        start = self.position
        while (
            self.position < len(source)
            and not source[self.position].isspace()
            and source[self.position] != ">"
        ):
            self.position += 1
        return _decode_attribute(source[start : self.position])

    def parse_end_tag(self) -> None:
        source, begin = self.source, self.position
        if not self.open_tags:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        self.position += 2
        match = _END_TAG_NAME.match(source, self.position)
        end_name = match.group(0).lower() if match else ""
        self.position += len(end_name)
        self.skip_spaces()
        if self.position >= len(source) or source[self.position] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.position += 1
        open_tag = self.open_tags.pop()
        if end_name and end_name != open_tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        self.close(open_tag)

    def close(self, open_tag: _OpenTag) -> None:
        length = self.output_utf16 - open_tag.offset
        if open_tag.name == "code" and self.open_tags and self.open_tags[-1].name == "pre":
            language_class = open_tag.attributes.get("class", "")
            parent = self.open_tags[-1]
            if language_class.startswith("language-") and parent.offset == open_tag.offset:
                parent.language = language_class.removeprefix("language-")
                return
        if length == 0:
            return
        entity: dict[str, Any] = {"offset": open_tag.offset, "length": length}
        if open_tag.name == "a":
            url = open_tag.attributes.get("href", "")
            if not url:
                return
            user_match = re.fullmatch(r"tg://user\?id=([0-9]+)", url)
            if user_match:
                entity["type"] = "text_mention"
                user_id = int(user_match.group(1))
                entity["user"] = {"id": user_id, "is_bot": False, "first_name": ""}
            else:
                entity.update(type="text_link", url=url)
        elif open_tag.name == "blockquote" and "expandable" in open_tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif open_tag.name == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=open_tag.attributes.get("emoji-id", ""))
        else:
            entity["type"] = SIMPLE_ENTITY_TYPES[open_tag.name]
            if open_tag.name == "pre" and open_tag.language:
                entity["language"] = open_tag.language
        self.entities.append((open_tag.opened, entity))


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML; raises EntityParseError with Telegram's wording."""
    return _HtmlParser(source).parse()


def strip_text(formatted: FormattedText) -> FormattedText:
    """Trim surrounding whitespace as Telegram does, keeping entities aligned."""
    text = formatted.text
    stripped_start = text[: len(text) - len(text.lstrip())]
    stripped = text.strip()
    shift = utf16_length(stripped_start)
    total = utf16_length(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] - shift + entity["length"], total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)
