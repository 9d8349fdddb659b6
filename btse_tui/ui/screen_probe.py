"""Screen probe: on SIGUSR1 the app writes what it believes is on the terminal (a test hook).

Enabled only when the environment names a file in `BTSE_TUI_SCREEN_PROBE`. On each SIGUSR1 the
app waits for a quiet moment (nothing dirty, nothing queued for the terminal), then writes one
JSON document to that file and a marker to the terminal, in the same stream as the frames:

- `screen`: the compositor's full picture, one string per line (what Textual thinks it drew);
- `widgets`: for each visible Line-API widget (tables, book, log), its content region on screen
  and each content line rendered afresh from the widget's own model, with the cells where
  another widget lies on top (a toast, a modal) blanked as `None`;
- `marker`: the text of the escape sequence written right after, so a terminal emulator fed the
  app's bytes can be compared at exactly that point of the stream.

The probe renders without touching the terminal and restores every dirty mark it could clear,
so probing never changes what reaches the screen.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

from textual.app import App
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.widget import Widget

ENV_VAR = "BTSE_TUI_SCREEN_PROBE"
#: A private OSC sequence: terminals ignore it, the harness splits the byte stream on it.
MARKER_PREFIX = "\x1b]7701;probe-"
MARKER_END = "\x07"
QUIET_TRIES = 200


def install(app: App[Any]) -> bool:
    """Arm the probe on `app` when the environment asks for it; True when armed."""
    path = os.environ.get(ENV_VAR)
    if not path:
        return False
    probe = _Probe(app, path)
    import asyncio

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, probe.request)
    return True


def _busy(widget: Widget) -> bool:
    """True when `widget` has paint or layout work that has not reached the terminal yet."""
    return bool(
        getattr(widget, "_repaint_required", False) or getattr(widget, "_layout_required", False)
    )


def _draws_lines(widget: Widget) -> bool:
    """True for widgets that paint themselves line by line (Textual's Line API)."""
    return isinstance(widget, ScrollView) or type(widget).render_line is not Widget.render_line


class _Probe:
    def __init__(self, app: App[Any], path: str) -> None:
        self.app = app
        self.path = path
        self.count = 0

    def request(self) -> None:
        self.count += 1
        self.app.call_after_refresh(self._attempt, self.count, QUIET_TRIES)

    def _quiet(self) -> bool:
        screen = self.app.screen
        if (
            screen._dirty_widgets
            or screen._repaint_required
            or screen._layout_required
            or screen._scroll_required
            or screen._compositor._dirty_regions
            or not screen._message_queue.empty()  # an Update may be on its way
        ):
            return False
        return not any(_busy(widget) for widget in screen._compositor.visible_widgets)

    def _attempt(self, number: int, tries: int) -> None:
        if not self._quiet() and tries > 0:
            self.app.set_timer(0.005, lambda: self._attempt(number, tries - 1))
            return
        started = time.perf_counter()
        document = self._snapshot(number, quiet=tries > 0)
        document["waits"] = QUIET_TRIES - tries
        document["busy"] = [
            repr(widget) for widget in self.app.screen._compositor.visible_widgets if _busy(widget)
        ]
        document["snapshot_s"] = round(time.perf_counter() - started, 4)
        temporary = f"{self.path}.tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(document, file)
        os.replace(temporary, self.path)
        driver = self.app._driver
        if driver is not None:
            driver.write(document["marker"])
            driver.flush()

    def _snapshot(self, number: int, *, quiet: bool) -> dict[str, Any]:
        screen = self.app.screen
        compositor = screen._compositor
        pending = set(compositor._dirty_regions)
        # lines a refresh has marked but no frame has painted yet: a change in flight
        unpainted = {
            widget.id or type(widget).__name__: sorted(
                y
                for y in range(widget.outer_size.height)
                if y in widget._styles_cache._dirty_lines
                or (_draws_lines(widget) and y not in widget._styles_cache._cache)
            )
            for widget in compositor.visible_widgets
        }
        saved = {
            widget: set(widget._styles_cache._dirty_lines) for widget in compositor.visible_widgets
        }
        update = compositor.render_full_update()
        compositor._dirty_regions.update(pending)
        for widget, dirty in saved.items():
            widget._styles_cache._dirty_lines.update(dirty)
        lines = ["".join(strip.text for strip in line) for line in update.strips]
        return {
            "number": number,
            "quiet": quiet,
            "size": list(self.app.size),
            "screen": lines,
            "widgets": [
                self._widget_lines(widget)
                for widget in compositor.visible_widgets
                if _draws_lines(widget)
            ],
            "unpainted": {key: rows for key, rows in unpainted.items() if rows},
            "marker": f"{MARKER_PREFIX}{number}{MARKER_END}",
        }

    def _widget_lines(self, widget: Widget) -> dict[str, Any]:
        screen = self.app.screen
        region: Region = widget.scrollable_content_region
        visible = region.intersection(screen.region)
        rows: list[list[str | None]] = []
        for y in range(region.height):
            screen_y = region.y + y
            text = widget.render_line(y).text.ljust(region.width)[: region.width]
            if not (visible.y <= screen_y < visible.bottom):
                rows.append([None] * region.width)
                continue
            cells: list[str | None] = []
            for x, char in enumerate(text):
                screen_x = region.x + x
                if not (visible.x <= screen_x < visible.right):
                    cells.append(None)
                    continue
                try:
                    top, _ = screen.get_widget_at(screen_x, screen_y)
                except Exception:
                    top = None
                cells.append(char if top is widget else None)
            rows.append(cells)
        return {
            "id": widget.id or type(widget).__name__,
            "type": type(widget).__name__,
            "region": [region.x, region.y, region.width, region.height],
            "scroll_y": int(widget.scroll_y),
            "cells": rows,
        }
