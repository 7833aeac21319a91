"""Template syntax that reached a student: a sign that a text was stored or shown unrendered.

Question texts are Jinja templates (``{{ T }}``, ``{{ values.one_minus_p }}``) filled in once, in
the variant stage. Text that skipped that path showed up as written: "Dividing by $T = {{ T }} > 0$"
in a solution, ``{{ values.one_minus_p }}`` in feedback. :func:`template_syntax` finds such
leftovers in any file or page we produce; ``quizgen check`` and the tests run it. LaTeX braces
(``\\frac{1}{{\\sigma}^{2}}``, ``x^{2}}``) are not template syntax: only a ``{{`` that opens a name,
and ``{%`` … ``%}`` or ``{#`` … ``#}``, are.
"""

from __future__ import annotations

import re

_TEMPLATE = re.compile(r"\{\{(?:-\s)?\s*[A-Za-z_][^{}\n]{0,80}?\}\}|\{%-?\s*[A-Za-z_][^\n]{0,80}?%\}|\{#[^\n]{0,80}?#\}")


def template_syntax(text: str) -> list[str]:
    """The template expressions left in ``text`` (empty when there are none)."""
    return [m.group(0) for m in _TEMPLATE.finditer(text)]
