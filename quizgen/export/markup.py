"""Question text (Markdown with ``$math$``) written in each format's markup."""

from __future__ import annotations

import functools
import re

#: Display math ``$$…$$`` or inline math ``$…$`` in question text.
MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$)", re.S)
_TEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


_TEX_TABLE = str.maketrans(_TEX_SPECIAL)


def tex_escape(text: str) -> str:
    """Prose for LaTeX: its special characters written as commands (one pass, in C)."""
    return text.translate(_TEX_TABLE)


@functools.lru_cache(maxsize=65536)
def markdown_to_tex(text: str) -> str:
    """Question text to LaTeX: math kept as is, prose escaped, `code`, **bold** and *emphasis* mapped."""
    out = []
    for i, part in enumerate(MATH.split(text)):
        if i % 2:  # math
            out.append(r"\[" + part[2:-2] + r"\]" if part.startswith("$$") else part)
            continue
        chunks = re.split(r"(`[^`]*`)", part)
        for j, chunk in enumerate(chunks):
            if j % 2:
                out.append(r"\texttt{" + tex_escape(chunk[1:-1]) + "}")
                continue
            chunk = tex_escape(chunk)
            chunk = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", chunk)
            chunk = re.sub(r"\*(.+?)\*", r"\\emph{\1}", chunk)
            out.append(chunk)
    return "".join(out)


# ---------------------------------------------------------------- question text -> HTML + MathML
#: A number in LaTeX that is its own token (not the digits of ``\tfrac12`` or of a command).
_NUMBER = re.compile(r"(?<![A-Za-z\\])\d+(?:\.\d+)?")
_SLOT = "918273{:03d}"  # a digit run no formula uses, one per number of a formula's shape


#: Operator names (``\\log``, ``\\exp``, …) get a thin space after them, as TeX sets them.
_FUNCTION_NAME = re.compile(r"(<mi>(?:log|ln|exp|sin|cos|tan|tanh|sinh|cosh|max|min|arg|det|sup|inf|lim)</mi>)")


def mathml(latex: str, display: bool = False) -> str:
    """A direct LaTeX -> MathML conversion (latex2mathml), with TeX's space after operator names."""
    from latex2mathml.converter import convert

    out = convert(latex, display="block" if display else "inline")
    return _FUNCTION_NAME.sub(r'\1<mspace width="0.167em" />', out)


@functools.lru_cache(maxsize=8192)
def _mathml_shape(shape: str, display: bool) -> str:
    return mathml(shape, display)


@functools.lru_cache(maxsize=65536)
def latex_to_mathml(latex: str, display: bool = False) -> str:
    """LaTeX -> MathML, converted once per *shape*: a formula's numbers are swapped for slots,
    the shape is converted (and cached), and the numbers are put back into their ``<mn>``.

    Variants of a question differ only in their numbers, so a class set converts a few hundred
    shapes instead of hundreds of thousands of formulas. The result equals a direct conversion
    (a test checks this over every formula of the bank); when a slot does not come back as one
    ``<mn>`` the formula is converted directly.
    """
    numbers = _NUMBER.findall(latex)
    if not numbers or len(numbers) > 999:
        return _mathml_shape(latex, display)
    counter = iter(range(len(numbers)))
    shape = _NUMBER.sub(lambda m: _SLOT.format(next(counter)), latex)
    out = _mathml_shape(shape, display)
    for i, number in enumerate(numbers):
        slot = f"<mn>{_SLOT.format(i)}</mn>"
        if out.count(slot) != 1:
            return _mathml_shape(latex, display)
        out = out.replace(slot, f"<mn>{number}</mn>")
    return out


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _prose_to_html(chunk: str) -> str:
    out = []
    for j, part in enumerate(re.split(r"(`[^`]*`)", chunk)):
        if j % 2:
            out.append("<code>" + html_escape(part[1:-1]) + "</code>")
            continue
        part = html_escape(part)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"\*(.+?)\*", r"<em>\1</em>", part)
        out.append(part)
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def markdown_to_html(text: str) -> str:
    """Question text to HTML: math as MathML, prose escaped, `code`, **bold**, *emphasis*, and
    paragraphs (blank lines) as ``<p>`` breaks. No script, no link, no style ever comes out."""
    out = []
    for i, part in enumerate(MATH.split(text)):
        if i % 2:
            display = part.startswith("$$")
            out.append(latex_to_mathml(part[2:-2].strip() if display else part[1:-1].strip(), display))
        else:
            out.append(_prose_to_html(part))
    return re.sub(r"\n\s*\n", "</p>\n<p>", "".join(out))
