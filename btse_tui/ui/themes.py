"""The desk's own looks: a high-contrast theme, and the class that makes a rise red.

Every up/down and buy/sell colour of the desk comes from `$success` (up, bid, buy) and
`$error` (down, ask, sell) in the widgets' CSS; `direction.tcss` swaps each of them while the
app carries `RED_UP`, so one switch flips the markets' change and flashes, the book's sides,
the tape, the ticket's side, Send button and confirm headline, and the open orders' side.
A widget that colours a direction adds its swapped rule there.
"""

from __future__ import annotations

from textual.theme import Theme

#: The app's class while a rise is red and a fall green.
RED_UP = "-red-up"

HIGH_CONTRAST = Theme(
    name="btse-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF00FF",
    warning="#FFAF00",
    error="#FF3B3B",
    success="#00FF5F",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#262626",
    boost="#303030",
    dark=True,
    luminosity_spread=0.25,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#5F5F00",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "border": "#FFFFFF",
        "border-blurred": "#8A8A8A",
        "foreground-muted": "#D0D0D0",
        "text-muted": "#D0D0D0",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-foreground": "#000000",
    },
)
"""Pure black and white with saturated accents: for glare, a projector or weak eyes."""

THEMES: tuple[Theme, ...] = (HIGH_CONTRAST,)
