"""Question text (Markdown with ``$math$``) written in each format's markup."""

from __future__ import annotations

import functools
import re

#: Display math ``$$…$$`` or inline math ``$…$`` in question text.
MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$)", re.S)
_TEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


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
