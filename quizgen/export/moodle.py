"""Moodle XML: ``moodle.xml``, one file for the whole class, imported into a course's question bank.

Layout (Moodle's random-question pattern): one category per question,
``quizgen <topic> <exam id>/<NN> <question id>``, holding every student's variant of it; a quiz
then adds "a random question from this category" per slot, so Moodle draws a variant per
attempt. With ``Options.moodle_by_student`` the categories are ``…/<student>`` instead, each
holding that student's sheet (the per-student alternative; see docs/formats.md, "Moodle XML").

Per answer type:

- numeric -> ``numerical``: the key's value with its tolerance as Moodle's absolute tolerance;
  each known wrong value is an answer of its own with its credit and feedback; anything else
  gets a generic feedback. A declared unit (``nats``, ``bits``, ``%``) is Moodle's one unit
  (multiplier 1), optional: the number is right with or without it.
- choice -> ``multichoice``: per-choice fractions, the misconception feedback on each wrong
  option; several correct: each correct option 1/k, each wrong one −1/k.
- truefalse -> ``truefalse`` (the truth; a reason part is left out and said so).
- order -> ``ordering`` (core since Moodle 4.4), graded on the longest contiguous subset.
- symbolic -> ``numerical`` at given values of its symbols (converted), or with ``--moodle-stack``
  a STACK question whose answer test is AlgEquiv, with a node per misconception.
- vector (numbers) -> ``cloze`` with one NUMERICAL blank per component.
- manual -> ``essay`` with the model answer and rubric as the grader's information.
- derivation -> ``essay`` in plain text (one step per line), the model derivation with each step's
  kind as the grader's information; ``quizgen grade`` grades the responses report line by line.
  (STACK's equivalence reasoning is not written even with ``--moodle-stack``: it knows algebraic
  equivalence, not the optimisation steps, nor sums over data; ``make`` says so.)

Figures are base64 ``<file>`` elements inside the text field that shows them (question text, or
general feedback for a solutions figure), referred to as ``@@PLUGINFILE@@/<name>``: Moodle's
importer (``import_text_with_files``) puts them in that field's file area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence
from xml.sax.saxutils import escape

from quizgen.export.base import NATIVE, Carry, Options, Writer
from quizgen.export.lms import (
    AT_POINT_TOLERANCE, at_point, figure_html, fraction_is_exact, lms_html, moodle_fraction, number_text, point_sentence, table_html,
    missed_explanation_note, tex_html, tolerance, truefalse_wrong_feedback, unseparated_note,
)
from quizgen.generation.figures import png_base64
from quizgen.kernel.versioncode import code_html, version_code

if TYPE_CHECKING:
    import jinja2

    from quizgen.generation.exam import Exam
    from quizgen.generation.figures import FigureRef
    from quizgen.generation.variant import Variant

GENERIC_WRONG = "Not the expected answer, and not one of the mistakes this question recognises."


def _text(tag: str, html: str, fmt: str = "html", files: Sequence["FigureRef"] = ()) -> str:
    """A text field; ``files`` are embedded in it as base64 ``<file>`` elements, which Moodle's
    importer stores in that field's file area (the HTML refers to them as ``@@PLUGINFILE@@/name``)."""
    embedded = "".join(f'<file name="{name}" path="/" encoding="base64">{data}</file>'
                       for name, data in {ref.file: png_base64(ref) for ref in files}.items())
    return f'<{tag} format="{fmt}"><text>{escape(html)}</text>{embedded}</{tag}>'


def _figures(refs: Sequence["FigureRef"]) -> str:
    return "".join(figure_html(f"@@PLUGINFILE@@/{ref.file}", ref.alt) for ref in refs)


def _answer(fraction: str, text: str, feedback: str, extra: str = "", fmt: str = "moodle_auto_format") -> str:
    return (f'<answer fraction="{fraction}" format="{fmt}"><text>{escape(text)}</text>'
            f'{_text("feedback", feedback)}{extra}</answer>')


class MoodleWriter(Writer):
    name = "moodle"
    summary = "Moodle XML question bank (import: Question bank > Import > Moodle XML format)"
    files = "moodle.xml (one category per question holding every student's variant)"
    carries = {
        "numeric": NATIVE,
        "choice": NATIVE,
        "truefalse": Carry("converted", "true/false on the truth; a reason part, if any, is left out"),
        "order": Carry("converted", "ordering question (Moodle 4.4+), graded on the longest contiguous run as quizgen grades "
                                    "an order; a known wrong order's own credit and feedback are not carried, and another "
                                    "right order of steps that may come either way earns only its longest run"),
        "symbolic": Carry("converted", "numerical question: the expression's value at given values of its symbols"),
        "vector": Carry("converted", "cloze question, one numerical blank per component, each scored on its own (expression vectors are left out)"),
        "manual": Carry("converted", "essay graded by hand; model answer and rubric as the grader's information"),
        "derivation": Carry("converted", "plain-text essay, one step per line; the model derivation with each step's "
                                         "kind as the grader's information; grade the responses report with `quizgen grade`"),
    }

    figure_carry = Carry("native", "base64 files in the question text; solution figures in the general feedback")

    def carry(self, kind: str, options: Options = Options()) -> Carry:
        if kind == "symbolic" and options.moodle_stack:
            return Carry("converted", "STACK question (needs the STACK plugin), answer test AlgEquiv, a node per misconception")
        if kind == "derivation" and options.moodle_stack:
            return Carry("converted", "plain-text essay as without --moodle-stack: STACK's equivalence reasoning has no "
                                      "optimisation steps nor sums over data; grade the responses report with `quizgen grade`")
        return super().carry(kind, options)

    def render(self, exam: "Exam", env: "jinja2.Environment", options: Options = Options()) -> dict[str, str | bytes]:
        public = exam.public
        top = f"quizgen {exam.topic} {public.id}"
        parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
        if options.moodle_by_student:
            groups = [(f"{top}/{ver.student}", [(n, ver.student, v) for n, v in enumerate(ver.variants, 1)])
                      for ver in exam.versions]
        else:
            order = {qid: i for i, qid in enumerate(exam.question_ids, 1)}
            by_q: dict[str, list] = {qid: [] for qid in exam.question_ids}
            for ver in exam.versions:
                for n, v in enumerate(ver.variants, 1):
                    by_q.setdefault(v.question_id, []).append((n, ver.student, v))
            groups = [(f"{top}/{order.get(qid, 0):02d} {qid}", items) for qid, items in by_q.items() if items]
        for category, items in groups:
            parts.append(f'<question type="category"><category><text>$course$/top/{escape(category)}</text></category>'
                         f'<info format="html"><text></text></info></question>')
            for number, student, v in items:
                xml = self.question(v, number, student, options, public.id)
                if xml:
                    parts.append(xml)
                else:
                    options.tell(f"moodle: question {number} ({v.question_id}, {v.kind}) for {student} left out: "
                                 f"{self.why_not(v)}")
            if not options.moodle_stack:
                unseparated_note("moodle", items, options)
        parts.append("</quiz>\n")
        return {"moodle.xml": "\n".join(parts)}

    @staticmethod
    def why_not(v: "Variant") -> str:
        if v.kind == "vector":
            return "a vector of expressions has no Moodle question type (use --moodle-stack for symbolic answers)"
        if v.kind == "symbolic":
            return "no values of its symbols where the answer is a finite, non-zero number"
        return f"no Moodle question type for {v.kind}"

    # ------------------------------------------------------------------ one question
    def question(self, v: "Variant", number: int, student: str, options: Options, exam_id: str = "") -> str | None:
        sheet_figures = [ref for ref in v.figures if ref.where == "sheet"]
        solution_figures = [ref for ref in v.figures if ref.where != "sheet"]
        body = lms_html(v.statement) + table_html(v.tables) + _figures(sheet_figures)
        kind = v.kind
        if kind == "numeric":
            qtype, inner = "numerical", self._numerical(v.answer["value"], v.answer, v.known_wrong)
        elif kind == "symbolic" and options.moodle_stack:
            qtype, inner = "stack", self._stack(v)
            body += "<p>[[input:ans1]] [[validation:ans1]]</p>"
        elif kind == "symbolic":
            p = at_point(v.answer, [w.expression or "" for w in v.known_wrong], v.seed)
            if p is None:
                return None
            body += point_sentence(p)
            wrongs = [(v.known_wrong[i], value) for i, value in p.wrong]
            qtype, inner = "numerical", self._numerical(p.value, AT_POINT_TOLERANCE, [w for w, _ in wrongs], [x for _, x in wrongs])
        elif kind == "choice":
            qtype, inner = "multichoice", self._multichoice(v)
            body += "<p>Choose the option(s) below.</p>" if v.answer.get("multiple") else ""
        elif kind == "truefalse":
            qtype, inner = "truefalse", self._truefalse(v)
        elif kind == "order":
            qtype, inner = "ordering", self._ordering(v)
            body += "<p>Put these steps in order.</p>"
        elif kind == "vector" and "values" in v.answer:
            qtype, inner = "cloze", ""
            body += self._cloze(v)
        elif kind == "manual":
            qtype, inner = "essay", self._essay(v)
        elif kind == "derivation":
            qtype, inner = "essay", self._derivation(v)
            body += "<p>Write one step per line.</p>"
        else:
            return None
        if exam_id:  # the responses report carries this text back to `quizgen grade`
            body += code_html(version_code(exam_id, v.question_id, student))
        general = self._general_feedback(v) + _figures(solution_figures)
        head = (f'<question type="{qtype}"><name><text>{escape(f"{number:02d} {v.title} [{student}]")}</text></name>'
                f'{_text("questiontext", body, files=sheet_figures)}{_text("generalfeedback", general, files=solution_figures)}'
                f"<defaultgrade>{number_text(v.points)}</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>"
                f"<idnumber>{escape(f'{v.question_id}:{student}')}</idnumber>")
        return f"{head}{inner}</question>"

    @staticmethod
    def _general_feedback(v: "Variant") -> str:
        steps = "".join(
            f"<li>{lms_html(s.text)}" + (f"<p>{tex_html(s.latex, True)}</p>" if s.latex else "") + "</li>"
            for s in v.steps
        )
        answer = v.answer_latex if v.kind in ("choice", "truefalse", "order") else tex_html(v.answer_latex)
        return (f"<p><strong>Solution.</strong></p><ol>{steps}</ol>" if steps else "") + (
            f"<p><strong>Answer:</strong> {answer}</p>" if v.kind != "manual" else "")

    @staticmethod
    def _numerical(value: float, spec, wrongs, wrong_values=None) -> str:
        tol = tolerance(spec, value)
        out = [_answer("100", number_text(value), "<p>Correct.</p>", f"<tolerance>{number_text(tol)}</tolerance>")]
        for i, w in enumerate(wrongs):
            wv = wrong_values[i] if wrong_values is not None else w.value
            out.append(_answer(moodle_fraction(w.credit), number_text(wv), lms_html(w.feedback),
                               f"<tolerance>{number_text(tolerance(spec, wv))}</tolerance>"))
        out.append(_answer("0", "*", f"<p>{GENERIC_WRONG}</p>", "<tolerance>0</tolerance>"))
        unit = spec.get("unit")
        if unit:  # the key's unit as Moodle's only unit, optional (showunits 0): "0.69" and "0.69 nats" both count
            return "".join(out) + (f"<units><unit><multiplier>1</multiplier><unit_name>{escape(unit)}</unit_name></unit></units>"
                                   "<unitgradingtype>0</unitgradingtype><unitpenalty>0.1000000</unitpenalty>"
                                   "<showunits>0</showunits><unitsleft>0</unitsleft>")
        return "".join(out) + ("<unitgradingtype>0</unitgradingtype><unitpenalty>0.1000000</unitpenalty>"
                               "<showunits>3</showunits><unitsleft>0</unitsleft>")

    @staticmethod
    def _feedbacks() -> str:
        return (_text("correctfeedback", "<p>Your answer is correct.</p>")
                + _text("partiallycorrectfeedback", "<p>Your answer is partially correct.</p>")
                + _text("incorrectfeedback", "<p>Your answer is incorrect.</p>"))

    def _multichoice(self, v: "Variant") -> str:
        correct = set(v.answer["correct"])
        multiple = bool(v.answer.get("multiple"))
        feedback = {w.choice: w for w in v.known_wrong}
        out = [f"<single>{'false' if multiple else 'true'}</single><shuffleanswers>0</shuffleanswers>"
               "<answernumbering>ABCD</answernumbering><showstandardinstruction>0</showstandardinstruction>"]
        out.append(self._feedbacks())
        k = max(1, len(correct))
        for o in v.options:
            if o.label in correct:
                fraction, fb = moodle_fraction(1.0 / k), "<p>Correct.</p>"
            elif multiple:
                w = feedback.get(o.label)
                fraction, fb = moodle_fraction(-1.0 / k), lms_html(w.feedback) if w else ""
            else:
                w = feedback.get(o.label)
                fraction, fb = moodle_fraction(w.credit if w else 0.0), lms_html(w.feedback) if w else ""
            out.append(_answer(fraction, lms_html(o.text), fb, fmt="html"))
        return "".join(out)

    @staticmethod
    def _truefalse(v: "Variant") -> str:
        """The truth only; the explanation of the mistake is the feedback of the *wrong* answer
        (Moodle shows the feedback of the answer chosen), as ``quizgen grade`` says it."""
        truth = bool(v.answer["value"])
        right, wrong = ("true", "false") if truth else ("false", "true")
        return (_answer("100", right, "<p>Correct.</p>")
                + _answer("0", wrong, lms_html(truefalse_wrong_feedback(v.answer, v.known_wrong))))

    def _ordering(self, v: "Variant") -> str:
        text = {o.label: o.text for o in v.options}
        out = ["<layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>0</selectcount>"
               "<gradingtype>LONGEST_CONTIGUOUS_SUBSET</gradingtype><showgrading>SHOW</showgrading>"
               "<numberingstyle>none</numberingstyle>", self._feedbacks()]
        for position, label in enumerate(v.answer["correct"], 1):
            out.append(_answer(f"{position}.0000000", lms_html(text[label]), "", fmt="html"))
        return "".join(out)

    @staticmethod
    def _cloze(v: "Variant") -> str:
        """One NUMERICAL blank per component, each of the same whole-number weight (Moodle's cloze
        mark is the sum of its blanks' weights; ``<defaultgrade>`` is ignored on import); a known
        wrong vector's component is an alternative with the misconception's credit and feedback,
        unless it is the right value or an earlier alternative's (Moodle takes the first match)."""
        spec = v.answer
        weight, _ = cloze_weights(v.points, len(spec["values"]))
        blanks = []
        for i, value in enumerate(spec["values"]):
            alts = [f"={number_text(value)}:{number_text(tolerance(spec, value))}#Correct."]
            taken = [value]
            for w in v.known_wrong:
                if w.values is None or not fraction_is_exact(w.credit):
                    continue
                wv = w.values[i]
                if any(abs(wv - t) <= max(tolerance(spec, wv), tolerance(spec, t)) for t in taken):
                    continue
                taken.append(wv)
                alts.append(f"%{moodle_fraction(w.credit)}%{number_text(wv)}:{number_text(tolerance(spec, wv))}"
                            f"#{_cloze_feedback(lms_html(w.feedback))}")
            blanks.append("{" + str(weight) + ":NUMERICAL:" + "~".join(alts) + "}")
        return "<p>(" + ", ".join(blanks) + ")</p>"

    def variant_note(self, v: "Variant", options: Options = Options()) -> str:
        if v.kind == "choice":
            return missed_explanation_note(v, "Moodle shows the feedback of the options chosen")
        if v.kind != "vector" or "values" not in v.answer:
            return ""
        n = len(v.answer["values"])
        weight, mark = cloze_weights(v.points, n)
        if mark == v.points:
            return ""
        return (f"Moodle marks a cloze question out of the sum of its blanks' whole-number weights, "
                f"{number_text(mark)} here ({n} blanks of weight {weight}) for {number_text(v.points)} points: "
                f"set its maximum mark to {number_text(v.points)} in the quiz")

    @staticmethod
    def _essay(v: "Variant") -> str:
        a = v.answer
        info = (f"<p><strong>Model answer.</strong></p>{lms_html(a['model_answer'])}"
                + "<p><strong>Listen for:</strong></p><ul>" + "".join(f"<li>{lms_html(r)}</li>" for r in a["rubric"]) + "</ul>"
                + ("<p><strong>Follow-up questions:</strong></p><ul>"
                   + "".join(f"<li>{lms_html(f)}</li>" for f in a.get("followups") or ()) + "</ul>" if a.get("followups") else ""))
        return ("<responseformat>editor</responseformat><responserequired>1</responserequired>"
                "<responsefieldlines>15</responsefieldlines><attachments>0</attachments><attachmentsrequired>0</attachmentsrequired>"
                + _text("graderinfo", info) + _text("responsetemplate", ""))

    @staticmethod
    def _derivation(v: "Variant") -> str:
        """A plain-text essay (lines survive into the responses report) with the model derivation
        (each step's kind) and the final form as the grader's information."""
        steps = "".join(f"<li>{lms_html(s.text)}" + (f"<p>{tex_html(s.latex, True)}</p>" if s.latex else "") + "</li>"
                        for s in v.steps)
        info = (f"<p><strong>Model derivation.</strong></p><ol>{steps}</ol>"
                f"<p><strong>Final form:</strong> {tex_html(v.answer_latex)}</p>"
                "<p>Grade the responses report with <code>quizgen grade</code>: it checks each line.</p>")
        lines = int(v.answer.get("lines", 8))
        return ("<responseformat>plain</responseformat><responserequired>1</responserequired>"
                f"<responsefieldlines>{max(5, lines)}</responsefieldlines><attachments>0</attachments>"
                "<attachmentsrequired>0</attachmentsrequired>" + _text("graderinfo", info) + _text("responsetemplate", ""))

    @staticmethod
    def _stack(v: "Variant") -> str:
        """A STACK question: the answer and each misconception as Maxima, tested with AlgEquiv."""
        ta = maxima(v.answer["expression"])
        variables = f"ta: {ta};" + "".join(f"\nw{i}: {maxima(w.expression or '0')};" for i, w in enumerate(v.known_wrong))
        nodes = [("ta", "1", "<p>Correct.</p>")] + [
            (f"w{i}", number_text(w.credit), lms_html(w.feedback)) for i, w in enumerate(v.known_wrong)]
        xml = [f"<questionvariables><text>{escape(variables)}</text></questionvariables>",
               _text("specificfeedback", "<p>[[feedback:prt1]]</p>"),
               "<questionnote><text>{@ta@}</text></questionnote>",
               "<input><name>ans1</name><type>algebraic</type><tans>ta</tans><boxsize>30</boxsize>"
               "<strictsyntax>1</strictsyntax><insertstars>0</insertstars><forbidfloat>0</forbidfloat>"
               "<requirelowestterms>0</requirelowestterms><checkanswertype>0</checkanswertype>"
               "<mustverify>1</mustverify><showvalidation>1</showvalidation></input>",
               "<prt><name>prt1</name><value>1.0000000</value><autosimplify>1</autosimplify><feedbackvariables><text></text></feedbackvariables>"]
        for i, (tans, score, fb) in enumerate(nodes):
            last = i == len(nodes) - 1
            xml.append(
                f"<node><name>{i}</name><answertest>AlgEquiv</answertest><sans>ans1</sans><tans>{tans}</tans>"
                f"<testoptions></testoptions><quiet>0</quiet>"
                f"<truescoremode>=</truescoremode><truescore>{score}</truescore><truepenalty></truepenalty>"
                f"<truenextnode>-1</truenextnode><trueanswernote>prt1-{i}-T</trueanswernote>{_text('truefeedback', fb)}"
                f"<falsescoremode>=</falsescoremode><falsescore>0</falsescore><falsepenalty></falsepenalty>"
                f"<falsenextnode>{-1 if last else i + 1}</falsenextnode><falseanswernote>prt1-{i}-F</falseanswernote>"
                f"{_text('falsefeedback', '')}</node>")
        xml.append("</prt>")
        return "".join(xml)


def maxima(expression: str) -> str:
    """Our key's plain syntax as Maxima: ``**`` -> ``^`` (log, exp, sqrt are Maxima's own names)."""
    return expression.replace("**", "^")


def _cloze_feedback(html: str) -> str:
    """A cloze alternative's feedback: Moodle's importer ends it at a ``~`` or ``}``, then
    decodes HTML entities (and unescapes only ``\\}`` and ``\\#``), so the HTML is entity-encoded
    once more and those two characters become entities."""
    return html.replace("&", "&amp;").replace("~", "&#126;").replace("}", "&#125;")


def cloze_weights(points: float, n: int) -> tuple[int, float]:
    """(weight of each of ``n`` blanks, the cloze's mark in Moodle): the smallest whole weight
    whose ``n`` copies sum to a whole multiple of ``points`` (the points themselves when
    ``points / n`` is whole)."""
    from fractions import Fraction

    weight = (Fraction(points).limit_denominator(1000) / n).numerator
    return weight, float(weight * n)


WRITER = MoodleWriter()
