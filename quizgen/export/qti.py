"""Canvas QTI 1.2: ``canvas-qti.zip`` holding ``imsmanifest.xml`` and one assessment.

Import in Canvas: *Settings → Import Course Content → QTI .zip file*. The assessment has one
question group per question (``<section>`` with ``selection_number`` 1) holding every student's
variant, so Canvas draws one per attempt, as Moodle's random questions do.

Per answer type: numeric -> ``numerical_question`` (exact answer with Canvas's margin = the key's
tolerance); choice -> ``multiple_choice_question`` / ``multiple_answers_question`` with each wrong
option's misconception feedback; truefalse -> ``true_false_question``; symbolic -> a numerical
question at stated values of its symbols; manual and derivation -> ``essay_question`` (a derivation with
the model derivation in the feedback, its responses graded by ``quizgen grade``). Canvas gives numeric and
single-choice answers all or nothing, so partial credit for a misconception is not carried; the
numeric misconceptions' feedback goes into the incorrect-answer feedback. Order and vector
questions have no Canvas QTI counterpart here and are left out (``make`` says so).

Figures: each PNG once in the zip under ``web_resources/``, a ``webcontent`` resource in the
manifest, shown with ``<img src="$IMS-CC-FILEBASE$/…">`` as Canvas's own quiz export does (its
importer maps the files to course files; ``data:`` images are reported not to survive it).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from quizgen.export.base import Carry, Options, Writer
from quizgen.export.lms import (
    AT_POINT_TOLERANCE, at_point, figure_html, lms_html, number_text, point_sentence, table_html, tex_html, tolerance,
    missed_explanation_note, sigfig_texts, truefalse_wrong_feedback, unseparated_note,
)
from quizgen.generation.numbers import fmt_number
from quizgen.kernel.decimals import SHEET_SIGFIGS
from quizgen.kernel.versioncode import code_html, version_code

if TYPE_CHECKING:
    import jinja2

    from quizgen.generation.exam import Exam
    from quizgen.generation.figures import FigureRef
    from quizgen.generation.variant import Variant

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # fixed, so the same exam gives the same zip bytes
#: Where the figures' PNG files go in the zip: under ``web_resources/``, as in Canvas's own quiz
#: export, and referred to from the HTML as ``$IMS-CC-FILEBASE$/`` + the path below ``web_resources/``.
FIGURE_FOLDER = "quizgen-figures"


def figure_path(ref: "FigureRef") -> str:
    """The PNG's path inside the zip."""
    return f"web_resources/{FIGURE_FOLDER}/{ref.file}"


def _figures(refs) -> str:
    return "".join(figure_html(f"$IMS-CC-FILEBASE$/{FIGURE_FOLDER}/{ref.file}", ref.alt) for ref in refs)


def ident(*parts: str) -> str:
    return "g" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _field(label: str, entry: str) -> str:
    return f"<qtimetadatafield><fieldlabel>{label}</fieldlabel><fieldentry>{escape(entry)}</fieldentry></qtimetadatafield>"


def _mat(html: str) -> str:
    return f'<material><mattext texttype="text/html">{escape(html)}</mattext></material>'


def _feedback(fid: str, html: str) -> str:
    return f'<itemfeedback ident="{fid}"><flow_mat>{_mat(html)}</flow_mat></itemfeedback>'


class QtiWriter(Writer):
    name = "qti"
    summary = "Canvas QTI 1.2 package (import: Settings > Import Course Content > QTI .zip file)"
    files = "canvas-qti.zip (imsmanifest.xml and one assessment; a question group per question)"
    carries = {
        "numeric": Carry("converted", "numerical question with the key's tolerance as margin, all or nothing (a misconception's partial credit is not carried); the recognised mistakes' feedback is one incorrect-answer comment"),
        "choice": Carry("converted", "multiple choice (one right option: all or nothing, a misconception's partial credit is not carried) or multiple answers (Canvas's partial credit, the same as quizgen's), each wrong option's feedback"),
        "truefalse": Carry("converted", "true/false on the truth; a reason part is left out"),
        "symbolic": Carry("converted", "numerical question: the expression's value at given values of its symbols, all or nothing, the recognised mistakes' feedback in one incorrect-answer comment"),
        "manual": Carry("converted", "essay question graded by hand; model answer in the feedback"),
        "derivation": Carry("converted", "essay question, one step per line; the model derivation with each step's kind in "
                                         "the feedback; grade the exported responses with `quizgen grade`"),
        "order": Carry("dropped", "Canvas QTI has no ordering question; left out"),
        "vector": Carry("converted", "fill in multiple blanks, one per component, each scored on its own (Canvas's partial "
                                     "credit, the fraction of right components); Canvas compares text, so a component is right "
                                     "written to at most 4 significant figures within the key's tolerance (more figures are "
                                     "marked wrong), and a known wrong vector's credit is not carried (vectors of expressions are left out)"),
    }

    figure_carry = Carry("native", "PNG files in the zip under web_resources/, shown through $IMS-CC-FILEBASE$ links")

    def variant_note(self, v: "Variant", options: Options = Options()) -> str:
        if v.kind == "choice":
            return missed_explanation_note(v, "Canvas shows the comments of the options chosen")
        return ""

    def render(self, exam: "Exam", env: "jinja2.Environment", options: Options = Options()) -> dict[str, str | bytes]:
        public = exam.public
        aid = ident("assessment", public.id)
        order = {qid: i for i, qid in enumerate(exam.question_ids, 1)}
        by_q: dict[str, list] = {qid: [] for qid in exam.question_ids}
        for ver in exam.versions:
            for n, v in enumerate(ver.variants, 1):
                by_q.setdefault(v.question_id, []).append((n, ver.student, v))
        sections = []
        figures: dict[str, "FigureRef"] = {}  # every figure an item shows, by file name
        for qid, items in by_q.items():
            xml_items = []
            points = 0.0
            for number, student, v in items:
                xml = self.item(v, public.id, student, number)
                if xml is None:
                    if self.carry(v.kind).how != "dropped":  # a dropped type is noted once per question already
                        options.tell(f"qti: question {number} ({v.question_id}, {v.kind}) for {student} left out: "
                                     "no values of its symbols give a finite, non-zero answer")
                    continue
                xml_items.append(xml)
                figures.update((ref.file, ref) for ref in v.figures)
                points = v.points
            if not xml_items:
                continue
            unseparated_note("qti", items, options)
            title = f"{order.get(qid, 0):02d} {qid}"
            sections.append(
                f'<section ident="{ident("group", public.id, qid)}" title={quoteattr(title)}>'
                f"<selection_ordering><selection><selection_number>1</selection_number>"
                f"<selection_extension><points_per_item>{number_text(points)}</points_per_item></selection_extension>"
                f"</selection></selection_ordering>{''.join(xml_items)}</section>")
        title = f"{public.title} ({public.id})"
        assessment = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<questestinterop xmlns="{QTI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">'
            f'<assessment ident="{aid}" title={quoteattr(title)}>'
            f"<qtimetadata>{_field('cc_maxattempts', '1')}</qtimetadata>"
            f'<section ident="root_section">{"".join(sections)}</section>'
            "</assessment></questestinterop>\n"
        )
        refs = [figures[name] for name in sorted(figures)]
        # each PNG is a webcontent resource (Canvas imports those as course files) the assessment depends on
        file_ids = [ident("figure", public.id, ref.file) for ref in refs]
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<manifest identifier="{ident("manifest", public.id)}" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>"
            "<organizations/><resources>"
            f'<resource identifier="{aid}" type="imsqti_xmlv1p2"><file href="{aid}/{aid}.xml"/>'
            + "".join(f'<dependency identifierref="{fid}"/>' for fid in file_ids) + "</resource>"
            + "".join(f'<resource identifier="{fid}" type="webcontent" href="{figure_path(ref)}"><file href="{figure_path(ref)}"/></resource>'
                      for fid, ref in zip(file_ids, refs))
            + "</resources></manifest>\n"
        )
        from quizgen.generation.figures import png

        entries: list[tuple[str, bytes, int]] = [
            ("imsmanifest.xml", manifest.encode("utf-8"), zipfile.ZIP_DEFLATED),
            (f"{aid}/{aid}.xml", assessment.encode("utf-8"), zipfile.ZIP_DEFLATED),
        ] + [(figure_path(ref), png(ref), zipfile.ZIP_STORED) for ref in refs]  # a PNG is compressed already
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data, method in entries:
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = method
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        return {"canvas-qti.zip": buf.getvalue()}

    # ------------------------------------------------------------------ one item
    def item(self, v: "Variant", exam_id: str, student: str, number: int) -> str | None:
        iid = ident("item", exam_id, v.question_id, student)
        body = lms_html(v.statement) + table_html(v.tables) + _figures(ref for ref in v.figures if ref.where == "sheet")
        feedbacks: list[str] = []
        general = self._solution(v)
        kind = v.kind
        if kind == "numeric":
            qtype = "numerical_question"
            pres, proc = self._numerical(v.answer["value"], v.answer)
            wrong = "".join(f"<li>{fmt_number(w.value)}: {lms_html(w.feedback)}</li>" for w in v.known_wrong)
            if wrong:
                feedbacks.append(_feedback("general_incorrect_fb", f"<p>Recognised mistakes:</p><ul>{wrong}</ul>"))
        elif kind == "symbolic":
            p = at_point(v.answer, [w.expression or "" for w in v.known_wrong], v.seed)
            if p is None:
                return None
            body += point_sentence(p)
            qtype = "numerical_question"
            pres, proc = self._numerical(p.value, AT_POINT_TOLERANCE)
            wrong = "".join(f"<li>{fmt_number(value)}: {lms_html(v.known_wrong[i].feedback)}</li>" for i, value in p.wrong)
            if wrong:
                feedbacks.append(_feedback("general_incorrect_fb", f"<p>Recognised mistakes:</p><ul>{wrong}</ul>"))
        elif kind == "choice":
            multiple = bool(v.answer.get("multiple"))
            qtype = "multiple_answers_question" if multiple else "multiple_choice_question"
            pres, proc, fbs = self._choice(iid, v, multiple)
            feedbacks += fbs
        elif kind == "truefalse":
            qtype = "true_false_question"
            pres, proc, fbs = self._truefalse(iid, v)
            feedbacks += fbs
        elif kind == "vector" and "values" in v.answer:
            qtype = "fill_in_multiple_blanks_question"
            blanks, pres, proc = self._blanks(iid, v)
            body += (f"<p>Give each component to exactly {SHEET_SIGFIGS} significant figures, e.g. 0.1234 or -12.35 "
                     f"(Canvas compares the text).</p><p>({blanks})</p>")
            wrong = "".join(f"<li>({', '.join(fmt_number(x) for x in w.values or ())}): {lms_html(w.feedback)}</li>"
                            for w in v.known_wrong)
            if wrong:
                feedbacks.append(_feedback("general_incorrect_fb", f"<p>Recognised mistakes:</p><ul>{wrong}</ul>"))
        elif kind == "derivation":
            qtype = "essay_question"
            pres = '<response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
            proc = ""
            body += "<p>Write one step per line.</p>"
        elif kind == "manual":
            qtype = "essay_question"
            pres = '<response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
            proc = ""
            a = v.answer
            general = (f"<p><strong>Model answer.</strong></p>{lms_html(a['model_answer'])}<p><strong>Listen for:</strong></p><ul>"
                       + "".join(f"<li>{lms_html(r)}</li>" for r in a["rubric"]) + "</ul>")
        else:
            return None
        general += _figures(ref for ref in v.figures if ref.where != "sheet")
        body += code_html(version_code(exam_id, v.question_id, student))  # read back by `quizgen grade`
        if general:
            feedbacks.insert(0, _feedback("general_fb", general))
        meta = (_field("question_type", qtype) + _field("points_possible", number_text(v.points))
                + _field("assessment_question_identifierref", ident("aq", exam_id, v.question_id, student)))
        name = f"{number:02d} {v.title} [{student}]"
        outcomes = '<outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>'
        general_ref = '<respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>' if general else ""
        return (f'<item ident="{iid}" title={quoteattr(name)}><itemmetadata><qtimetadata>{meta}</qtimetadata></itemmetadata>'
                f"<presentation>{_mat(body)}{pres}</presentation>"
                f"<resprocessing>{outcomes}{general_ref}{proc}</resprocessing>{''.join(feedbacks)}</item>")

    @staticmethod
    def _solution(v: "Variant") -> str:
        steps = "".join(f"<li>{lms_html(s.text)}" + (f"<p>{tex_html(s.latex, True)}</p>" if s.latex else "") + "</li>" for s in v.steps)
        answer = v.answer_latex if v.kind in ("choice", "truefalse", "order") else tex_html(v.answer_latex)
        return (f"<p><strong>Solution.</strong></p><ol>{steps}</ol>" if steps else "") + f"<p><strong>Answer:</strong> {answer}</p>"

    @staticmethod
    def _numerical(value: float, spec) -> tuple[str, str]:
        tol = tolerance(spec, value)
        pres = '<response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib></response_str>'
        proc = ('<respcondition continue="No"><conditionvar><or>'
                f'<varequal respident="response1">{number_text(value)}</varequal>'
                f'<and><vargte respident="response1">{number_text(value - tol)}</vargte>'
                f'<varlte respident="response1">{number_text(value + tol)}</varlte></and>'
                '</or></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'
                '<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
                '<displayfeedback feedbacktype="Response" linkrefid="general_incorrect_fb"/></respcondition>')
        return pres, proc

    @staticmethod
    def _blanks(iid: str, v: "Variant") -> tuple[str, str, str]:
        """A fill-in-multiple-blanks question as Canvas exports one: a ``[cN]`` blank per component
        in the text, a ``response_lid`` per blank listing its accepted texts, each worth an equal
        share of the score. The accepted texts are every number of at most 4 significant figures
        within the key's tolerance of the component, with and without a leading 0."""
        values = v.answer["values"]
        n = len(values)
        share = number_text(100 / n)
        blanks, pres, proc = [], [], []
        for i, value in enumerate(values, 1):
            name = f"c{i}"
            blanks.append(f"[{name}]")
            texts = sigfig_texts(value, tolerance(v.answer, value), SHEET_SIGFIGS)
            labels = "".join(f'<response_label ident="{ident("blank", iid, name, t)}"><material><mattext texttype="text/plain">'
                             f"{escape(t)}</mattext></material></response_label>" for t in texts)
            pres.append(f'<response_lid ident="response_{name}"><material><mattext>{name}</mattext></material>'
                        f"<render_choice>{labels}</render_choice></response_lid>")
            proc += [f'<respcondition><conditionvar><varequal respident="response_{name}">{ident("blank", iid, name, t)}</varequal>'
                     f'</conditionvar><setvar varname="SCORE" action="Add">{share}</setvar></respcondition>' for t in texts]
        proc.append('<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
                    '<displayfeedback feedbacktype="Response" linkrefid="general_incorrect_fb"/></respcondition>')
        return ", ".join(blanks), "".join(pres), "".join(proc)

    @staticmethod
    def _choice(iid: str, v: "Variant", multiple: bool) -> tuple[str, str, list[str]]:
        correct = set(v.answer["correct"])
        wrong_fb = {w.choice: w.feedback for w in v.known_wrong}
        ids = {o.label: ident("choice", iid, o.label) for o in v.options}
        labels = "".join(f'<response_label ident="{ids[o.label]}">{_mat(lms_html(o.text))}</response_label>' for o in v.options)
        pres = (f'<response_lid ident="response1" rcardinality="{"Multiple" if multiple else "Single"}">'
                f"<render_choice>{labels}</render_choice></response_lid>")
        proc, fbs = [], []
        for o in v.options:
            if o.label in wrong_fb:
                fid = f"{ids[o.label]}_fb"
                proc.append(f'<respcondition continue="Yes"><conditionvar><varequal respident="response1">{ids[o.label]}</varequal>'
                            f'</conditionvar><displayfeedback feedbacktype="Response" linkrefid="{fid}"/></respcondition>')
                fbs.append(_feedback(fid, lms_html(wrong_fb[o.label])))
        if multiple:
            terms = "".join(f'<varequal respident="response1">{ids[o.label]}</varequal>' if o.label in correct
                            else f'<not><varequal respident="response1">{ids[o.label]}</varequal></not>' for o in v.options)
            proc.append(f'<respcondition continue="No"><conditionvar><and>{terms}</and></conditionvar>'
                        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>')
        else:
            (right,) = [o.label for o in v.options if o.label in correct]
            proc.append(f'<respcondition continue="No"><conditionvar><varequal respident="response1">{ids[right]}</varequal>'
                        '</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>')
        return pres, "".join(proc), fbs

    @staticmethod
    def _truefalse(iid: str, v: "Variant") -> tuple[str, str, list[str]]:
        """The truth only; the explanation of the mistake is the comment of the *wrong* answer
        (Canvas shows the comment of the answer chosen), as ``quizgen grade`` says it."""
        truth = bool(v.answer["value"])
        ids = {True: ident("tf", iid, "true"), False: ident("tf", iid, "false")}
        labels = "".join(f'<response_label ident="{ids[b]}">{_mat(t)}</response_label>' for b, t in ((True, "True"), (False, "False")))
        pres = f'<response_lid ident="response1" rcardinality="Single"><render_choice>{labels}</render_choice></response_lid>'
        fid = f"{ids[not truth]}_fb"  # an id none of the importer's question-level patterns matches
        proc = (f'<respcondition continue="Yes"><conditionvar><varequal respident="response1">{ids[not truth]}</varequal>'
                f'</conditionvar><displayfeedback feedbacktype="Response" linkrefid="{fid}"/></respcondition>'
                f'<respcondition continue="No"><conditionvar><varequal respident="response1">{ids[truth]}</varequal>'
                '</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>')
        return pres, proc, [_feedback(fid, lms_html(truefalse_wrong_feedback(v.answer, v.known_wrong)))]


WRITER = QtiWriter()
