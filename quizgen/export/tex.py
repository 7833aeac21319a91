"""LaTeX: ``sheet.tex`` and ``solutions.tex`` per version, for pdflatex."""

from __future__ import annotations

from quizgen.export.base import Carry, TemplateWriter
from quizgen.export.markup import markdown_to_tex, tex_escape

WRITER = TemplateWriter(
    name="tex",
    summary="LaTeX for pdflatex",
    folder="tex",
    ext="tex",
    markup=markdown_to_tex,
    escape=tex_escape,
    figures=True,
    figure_carry=Carry("native", "PNG files beside the sheets, included with \\includegraphics"),
)
