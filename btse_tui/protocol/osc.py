"""Desktop notifications as terminal escape sequences: OSC 9 and OSC 777, wrapped for tmux
passthrough inside tmux, with every control character taken out of the text first."""

from __future__ import annotations

import unicodedata
from typing import Final

ESC: Final = "\x1b"
ST: Final = ESC + "\\"  # string terminator: ends an OSC or a DCS
#: Longest text put in one sequence (terminals cut or refuse long notifications anyway).
MAX_TEXT: Final = 200


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text` safe inside an escape sequence: control and format characters (ESC, BEL, C1,
    bidi overrides …) become spaces, runs of white space one space, and it is cut to `limit`
    characters (an ellipsis marks the cut)."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
    single = " ".join(kept.split())
    return single if len(single) <= limit else single[: limit - 1] + "…"


def osc9(text: str) -> str:
    """`ESC ] 9 ; text ST` (iTerm2, WezTerm, kitty, Windows Terminal, …). The text never
    starts with a digit: `9;4;…` and the like are ConEmu commands, not notifications."""
    body = clean_text(text)
    if body[:1].isdigit():
        body = "· " + body
    return f"{ESC}]9;{body}{ST}"


def osc777(title: str, body: str) -> str:
    """`ESC ] 777 ; notify ; title ; body ST` (urxvt, foot, Ghostty, WezTerm, VTE). `;`
    separates its fields, so a `;` in the text becomes `,`."""
    return f"{ESC}]777;notify;{_field(title)};{_field(body)}{ST}"


def _field(text: str) -> str:
    return clean_text(text).replace(";", ",")


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped so tmux hands it to the outer terminal: `ESC P tmux; … ESC \\` with
    every ESC inside doubled (tmux needs `allow-passthrough on`, tmux 3.3 and later)."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"


#: The sequences `desktop_notification` can write, by the name the setting uses.
SEQUENCES: Final = ("osc9", "osc777")


def desktop_notification(
    title: str, body: str, *, tmux: bool, sequences: tuple[str, ...] = SEQUENCES
) -> str:
    """The sequences for one notification (a terminal acts on those it knows and ignores the
    rest), each wrapped for tmux when `tmux` is True."""
    made = {"osc9": lambda: osc9(f"{title}: {body}"), "osc777": lambda: osc777(title, body)}
    chosen = [made[name]() for name in SEQUENCES if name in sequences]
    return "".join(tmux_passthrough(s) if tmux else s for s in chosen)
