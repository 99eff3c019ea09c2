"""Plain-text rendering of neutral messages (the console, notification fallbacks)."""

from __future__ import annotations

from commands.messages import (
    Attachment,
    Block,
    Bold,
    Bullets,
    Chart,
    Choices,
    Context,
    Fields,
    Heading,
    Link,
    Mention,
    Paragraph,
    Span,
    Text,
)


def plain_span(span: Span) -> str:
    match span:
        case Text(text=text) | Bold(text=text):
            return text
        case Mention(handle=handle, name=name, named=named):
            return f"@{handle} {name}" if named and name else f"@{handle}"
        case Link(url=url, label=label):
            return label if label == url else f"{label} <{url}>"
    raise TypeError(span)  # pragma: no cover


def plain_spans(items: list[Span]) -> str:
    return "".join(plain_span(s) for s in items)


def plain_block(block: Block) -> list[str]:
    match block:
        case Heading(text=text):
            return [text]
        case Paragraph(spans=items):
            return plain_spans(items).split("\n")
        case Context(spans=items):
            return [plain_spans(items)]
        case Fields() as fields:
            return [line for p in fields.as_paragraphs() for line in plain_block(p)]
        case Bullets(items=items):
            return ["• " + plain_spans(item) for item in items]
        case Choices(object_ref=ref, options=options, hint=hint):
            labels = " · ".join(f"{o.emoji} {o.label} [{o.action}]".strip() for o in options)
            return [*([hint] if hint else []), f"↳ {ref} : {labels}"]
        case Attachment(path=path, title=title):
            return [f"📎 {title} : {path}"]
        case Chart(title=title):  # not drawn yet (the delivery draws it)
            return [f"📊 {title}"]
    raise TypeError(block)  # pragma: no cover


def plain(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        lines.extend(plain_block(block))
    return "\n".join(lines)
