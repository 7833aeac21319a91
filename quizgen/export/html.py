"""HTML: one self-contained page per sheet and per solutions sheet, plus ``index.html``.

Math is MathML made here (latex2mathml), so a page needs no JavaScript and no network; its CSS is
inline and prints cleanly; a Content-Security-Policy forbids scripts and any outside resource.
Figures are inlined as ``data:`` URIs (the policy allows ``img-src data:`` and nothing else), so
a page is still one file that can be mailed, served or printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from quizgen.export.base import Carry, Options, TemplateWriter, get_template, per_version_name
from quizgen.export.markup import html_escape, latex_to_mathml, markdown_to_html

if TYPE_CHECKING:
    import jinja2

    from quizgen.generation.exam import Exam
    from quizgen.generation.figures import FigureRef


def figure_img(ref: "FigureRef") -> str:
    """A figure as an ``<img>`` with a ``data:`` URI and its alt text; the PNG is drawn and encoded
    once per distinct figure, whatever the number of pages that show it."""
    from quizgen.generation.figures import PIXELS, png_base64

    return (f'<img src="data:image/png;base64,{png_base64(ref)}" alt="{html_escape(ref.alt)}" '
            f'width="{PIXELS[0]}" height="{PIXELS[1]}">')


class HtmlWriter(TemplateWriter):
    @property
    def files(self) -> str:  # type: ignore[override]
        return "sheet[-<student>].html, solutions[-<student>].html, index.html"

    def filters(self) -> dict[str, Callable]:
        return {
            **super().filters(),
            "inline_math": lambda latex: latex_to_mathml(latex.strip(), False),
            "display_math": lambda latex: latex_to_mathml(latex.strip(), True),
            "figure_img": figure_img,
        }

    def finish(self, exam: "Exam", env: "jinja2.Environment", files: dict[str, str | bytes],
               options: Options = Options()) -> dict[str, str | bytes]:
        files = super().finish(exam, env, files, options)
        rows = [
            dict(student=v.student, sheet=per_version_name(exam, "sheet", v.student, "html"),
                 solutions=per_version_name(exam, "solutions", v.student, "html"))
            for v in exam.versions
        ]
        files["index.html"] = get_template(env, "html/index.html.j2").render(exam=exam.public, rows=rows)
        return files


WRITER = HtmlWriter(
    name="html",
    summary="self-contained web pages, math as MathML (no JavaScript, no network), printable",
    folder="html",
    ext="html",
    markup=markdown_to_html,
    escape=html_escape,
    figure_carry=Carry("native", "inlined in the page as data: URIs, with alt text"),
)
