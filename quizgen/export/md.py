"""Markdown: ``sheet.md`` and ``solutions.md`` per version, math as ``$…$``."""

from __future__ import annotations

from quizgen.export.base import Carry, TemplateWriter

WRITER = TemplateWriter(
    name="md",
    summary="Markdown with $…$ math (pandoc, GitHub, Jupyter)",
    folder="md",
    ext="md",
    figures=True,
    figure_carry=Carry("native", "PNG files beside the sheets, shown as ![alt text](file)"),
)
