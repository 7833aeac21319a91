"""What Moodle and Canvas award for a response to the questions quizgen exports, by their own rules.

Neither LMS runs here, so this applies the rules their importers and question types apply to the
XML we write, read from their sources (moodle/moodle and instructure/canvas-lms, plus the Python
converter Canvas runs on a QTI 1.2 package first):

Moodle (Moodle XML import, then the question type's ``grade_response``):

- ``question/format/xml/format.php``: ``import_headers`` takes the mark from ``<defaultgrade>``;
  ``import_answer`` a fraction as ``@fraction / 100``; ``import_numerical`` each answer with its
  ``<tolerance>`` (``*`` matches anything); ``import_truefalse`` keeps the feedback of the answer
  whose text is ``true`` as ``feedbacktrue`` and of ``false`` as ``feedbackfalse``;
  ``import_multianswer`` ignores ``<defaultgrade>``: the cloze text alone defines the question.
- ``question/type/multianswer/questiontype.php``, ``qtype_multianswer_extract_question``: each
  ``{N:NUMERICAL:…}`` blank has weight N (1 if absent; digits only) and the question's mark is
  the *sum of the weights*; an alternative is ``=`` (fraction 1), ``%p%`` (p/100) or nothing (0),
  then ``value:tolerance``, then ``#feedback`` up to an unescaped ``~`` or ``}``; the feedback
  is HTML-entity-decoded and only ``\\}`` and ``\\#`` are unescaped.
  ``question/type/multianswer/question.php`` grades Σ wᵢ·fᵢ / Σ wᵢ.
- ``question/type/numerical/question.php``: ``get_matching_answer`` takes the first answer, in
  file order, whose interval holds the value; ``qtype_numerical_answer::get_tolerance_interval``
  (nominal, the default type) is ``answer ± (tol + 1e-14·max(tol, |answer|, 1e-14))``, bounds
  included. ``question/type/numerical/questiontype.php``,
  ``qtype_numerical_answer_processor::apply_units``: spaces dropped, ``×10^``/``*10**`` read as
  ``e``, a ``,`` is a thousands separator if there is a ``.`` or several ``,``, else a decimal
  point; the number must start the response (``[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(e[-+]?\\d+)?``), the
  rest is the unit. No number: no matching answer, fraction 0. An empty response is not graded
  (0, no feedback).
- ``question/type/multichoice/question.php``: one answer: the chosen answer's fraction and
  feedback; several: the sum of the chosen answers' fractions, clamped to [0, 1].
- ``question/type/truefalse/question.php``: 1 for the right answer, else 0, and the feedback of
  the answer chosen.
- ``question/type/ordering/question.php``, ``LONGEST_CONTIGUOUS_SUBSET``: ``get_ordered_subsets``
  grows a subset with the next item of the *response* whose correct position is one more than
  the subset's last (items need not be neighbours in the response); the longest (leftmost) subset
  of two or more items, over the number of items.
- ``question/type/essay``: no automatic grade (a person grades it).

Canvas (classic quizzes; QTI 1.2 import, then the quiz question classes):

- ``instructure/QTIMigrationTool``, ``lib/imsqtiv1.py``: converts QTI 1.2 to 2.1 (``varequal``,
  ``vargte``/``varlte``, ``setvar``, ``displayfeedback`` become response conditions, feedback
  outcomes and custom operators) before Canvas reads it.
- ``gems/plugins/qti_exporter/lib/qti/assessment_item_converter.rb``: the type from the
  ``question_type`` metadata, points from ``points_possible``; ``get_feedback``: an item feedback
  whose id matches ``wrong|incorrect|_IC$`` is the incorrect-answer comment, else ``correct|_C$``
  the correct-answer comment, ``general_|_all`` the neutral comment; ``attach_feedback_values``
  gives an answer the feedback its condition displays.
- ``…/qti/choice_interaction.rb``: an answer is correct (weight 100) when a condition that
  selects it sets a positive SCORE (``get_response_weight``); for several answers, the
  ``varequal`` directly inside the ``and``; true/false needs answers whose texts are True/False.
- ``…/qti/fill_in_the_blank.rb``, ``process_canvas``: each blank is a ``response_lid`` named
  ``response_<blank>``, every choice of it an accepted text (weight 100).
  ``app/models/quizzes/quiz_question/fill_in_multiple_blanks_question.rb``: a blank is right when
  its response, stripped and in lower case, is one of its texts; credit = right blanks / blanks.
- ``…/qti/numeric_interaction.rb``: ``or(varequal v, and(vargte lo, varlte hi))`` becomes an
  exact answer v with margin ``hi - v`` (BigDecimal); every answer found is a *correct* one.
- ``app/models/quizzes/quiz_question/numerical_question.rb``: correct when
  ``v - margin <= x <= v + margin`` in BigDecimal; a response BigDecimal cannot read counts as 0;
  blank: no credit. ``multiple_choice_question.rb`` (also true/false): the chosen answer's weight
  is 100 or not: all or nothing. ``multiple_answers_question.rb`` with ``base.rb`` and
  ``user_answer.rb``: (right picks − wrong picks) / correct answers × points, at least 0.
  ``essay_question.rb``: graded by a person. The points of a question in a group are the group's
  ``points_per_item``.

Feedback is reported as the answer-specific texts a student sees after the attempt (plain text,
tags dropped), apart from the solution every student sees (general feedback).
"""

from __future__ import annotations

import html
import io
import math
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence


@dataclass(frozen=True)
class Scored:
    """What the LMS gives a response: points out of ``max_points``, and the feedback shown."""

    points: float | None  # None: waits for a person (an essay)
    max_points: float
    feedback: tuple[str, ...] = ()


def plain(markup: str) -> str:
    """HTML as the text a student reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup or "")).split())


# ====================================================================================== Moodle
_EPS = 1e-14  # PHP's default precision (14): pow(10, -precision)


def moodle_number(response: str) -> float | None:
    """``qtype_numerical_answer_processor::apply_units``: the number a response starts with."""
    text = response.replace(" ", "")
    text = re.sub(r"(?:e|E|(?:x|\*|×)10(?:\^|\*\*))([+-]?\d+)", r"e\1", text)
    if "." in text or text.count(",") > 1:
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    m = re.match(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", text)
    return float(m.group(0)) if m else None


@dataclass(frozen=True)
class MoodleAnswer:
    text: str
    fraction: float
    feedback: str
    tolerance: float = 0.0

    def holds(self, value: float) -> bool:
        if self.text.strip() == "*":
            return True
        answer = float(self.text)
        tol = self.tolerance + _EPS * max(abs(self.tolerance), abs(answer), _EPS)
        return answer - tol <= value <= answer + tol


def _numerical(answers: Sequence[MoodleAnswer], response: str) -> tuple[float, tuple[str, ...]] | None:
    """(fraction, feedback) of a numerical (sub)question; None for an empty response."""
    if not response.strip():
        return None
    value = moodle_number(response)
    if value is None:
        return 0.0, ()
    for a in answers:
        if a.holds(value):
            return a.fraction, ((plain(a.feedback),) if plain(a.feedback) else ())
    return 0.0, ()


# the cloze syntax, as qtype_multianswer's regular expressions (PCRE's variable-width look-behind
# of ANSWER_ALTERNATIVE_ANSWER_REGEX written as three look-behinds)
_ALT = (r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?"
        r"(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))"
        r"(#(.*?(?<!\\)(?=[~}]|$)))?")
_TYPES = (r"(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|"
          r"(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
          r"(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)")
_BLANK = re.compile(r"\{([0-9]*):(" + _TYPES + r"):(" + _ALT + r"(~" + _ALT + r")*)\}", re.DOTALL)
_NUMBER = r"-?(?:(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?)"
_NUMERICAL_ALT = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$", re.DOTALL)


@dataclass(frozen=True)
class ClozeBlank:
    weight: int
    kind: str
    answers: tuple[MoodleAnswer, ...]


def cloze_blanks(questiontext: str) -> list[ClozeBlank]:
    """``qtype_multianswer_extract_question`` on a question text (HTML)."""
    blanks = []
    for m in _BLANK.finditer(questiontext):
        weight = int(m.group(1)) if m.group(1) else 1
        kind = "numerical" if m.group(3) else "other"
        alts = m.group(16)
        answers = []
        for a in re.finditer(r"~?" + _ALT, alts, re.DOTALL):
            if not a.group(0).strip("~"):
                continue
            mark, percent, text, _, feedback = a.groups()
            fraction = 1.0 if mark == "=" else float(percent.replace(",", ".")) / 100 if percent else 0.0
            fb = html.unescape(feedback or "").replace("\\}", "}").replace("\\#", "#")
            num = _NUMERICAL_ALT.match(text) if kind == "numerical" else None
            if num:
                answers.append(MoodleAnswer(num.group(1).replace(",", "."), fraction, fb,
                                            float((num.group(2) or "0").replace(",", "."))))
            else:
                answers.append(MoodleAnswer(html.unescape(text).replace("\\}", "}").replace("\\#", "#"), fraction, fb))
        blanks.append(ClozeBlank(weight, kind, tuple(answers)))
    return blanks


@dataclass(frozen=True)
class MoodleQuestion:
    """One ``<question>`` as Moodle imports it."""

    qtype: str
    name: str
    idnumber: str
    questiontext: str
    defaultgrade: float
    answers: tuple[MoodleAnswer, ...] = ()
    single: bool = True
    gradingtype: str = ""
    blanks: tuple[ClozeBlank, ...] = ()

    @property
    def mark(self) -> float:
        """The question's mark (a quiz slot's default maximum): a cloze's is the sum of its weights."""
        if self.qtype == "cloze":
            return float(sum(b.weight for b in self.blanks))
        return self.defaultgrade

    def score(self, response: Any) -> Scored:
        """Points for a response: numerical: the text typed; multichoice: the chosen answer's index
        (several: a set of indices); truefalse: True/False; ordering: the answers' indices (file
        order is the right order) in the order given; cloze: one text per blank; essay: text.
        None or "" is no response."""
        mark = self.mark
        if self.qtype == "essay":
            return Scored(None if response else 0.0, mark)
        if response is None or response == "" or response == () or response == set():
            return Scored(0.0, mark)
        if self.qtype == "numerical":
            got = _numerical(self.answers, str(response))
            return Scored(0.0, mark) if got is None else Scored(got[0] * mark, mark, got[1])
        if self.qtype == "multichoice":
            chosen = sorted(response) if not self.single else [response]
            fraction = sum(self.answers[i].fraction for i in chosen)
            if not self.single:
                fraction = min(max(0.0, fraction), 1.0)
            return Scored(fraction * mark, mark, tuple(plain(self.answers[i].feedback) for i in chosen
                                                      if plain(self.answers[i].feedback)))
        if self.qtype == "truefalse":
            chosen = next(a for a in self.answers if a.text == ("true" if response else "false"))
            return Scored((1.0 if chosen.fraction == 1 else 0.0) * mark, mark,
                          (plain(chosen.feedback),) if plain(chosen.feedback) else ())
        if self.qtype == "ordering":
            assert self.gradingtype == "LONGEST_CONTIGUOUS_SUBSET", self.gradingtype
            return Scored(ordering_fraction(list(response), len(self.answers)) * mark, mark)
        if self.qtype == "cloze":
            total, feedback = 0.0, []
            for blank, text in zip(self.blanks, response):
                got = _numerical(blank.answers, text)
                if got is not None:
                    total += got[0] * blank.weight
                    feedback.extend(got[1])
            return Scored(total / mark * mark, mark, tuple(feedback))
        raise ValueError(f"no scoring rule for Moodle {self.qtype}")


def ordering_fraction(response: list[int], n: int) -> float:
    """``qtype_ordering_question::get_ordered_subset(true)`` / n: ``response`` holds each item's
    correct position, in the order the student put them."""
    subsets: list[list[int]] = []
    for p, value in enumerate(response):
        extended = False
        for subset in subsets:
            if value == response[subset[-1]] + 1:
                subset.append(p)
                extended = True
        if not extended:
            subsets.append([p])
    best = max((len(s) for s in subsets if len(s) > 1), default=0)
    return best / n


def _field_text(q: ET.Element, tag: str) -> str:
    node = q.find(f"{tag}/text")
    return node.text or "" if node is not None else ""


def moodle_questions(xml: str | bytes) -> dict[str, MoodleQuestion]:
    """Every question of a Moodle XML file (categories skipped), by ID number."""
    root = ET.fromstring(xml)
    out = {}
    for q in root.findall("question"):
        qtype = q.get("type")
        if qtype == "category":
            continue
        answers = tuple(
            MoodleAnswer((a.findtext("text") or "").strip(), float(a.get("fraction", "0")) / 100,
                         _field_text(a, "feedback"), float(a.findtext("tolerance") or 0))
            for a in q.findall("answer"))
        text = _field_text(q, "questiontext")
        question = MoodleQuestion(
            qtype="cloze" if qtype == "cloze" else qtype, name=_field_text(q, "name"),
            idnumber=q.findtext("idnumber") or "", questiontext=text,
            defaultgrade=float(q.findtext("defaultgrade") or 1),
            answers=answers, single=(q.findtext("single") or "true").strip() != "false",
            gradingtype=(q.findtext("gradingtype") or "").strip(),
            blanks=tuple(cloze_blanks(text)) if qtype == "cloze" else ())
        out[question.idnumber] = question
    return out


# ====================================================================================== Canvas
_QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def _canvas_decimal(text: str) -> Decimal:
    """``BigDecimal(answer_text)``, and 0 for what it cannot read (``rescue ArgumentError``)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


@dataclass
class CanvasItem:
    """One quiz question as Canvas imports it."""

    title: str
    qtype: str
    points: float
    answers: list[dict] = field(default_factory=list)  # {id, text, weight, comments, exact, margin}
    correct_comments: str = ""
    incorrect_comments: str = ""
    neutral_comments: str = ""

    def score(self, response: Any) -> Scored:
        """Points for a response: numerical: the text typed; multiple choice and true/false: the
        chosen answer's index; multiple answers: a set of indices; essay: text. None or "": none."""
        if self.qtype == "essay_question":
            return Scored(None if response else 0.0, self.points)
        if response is None or response == "" or response == set():
            return Scored(0.0, self.points)
        if self.qtype == "numerical_question":
            x = _canvas_decimal(str(response))
            right = any(Decimal(a["exact"]) - Decimal(a["margin"]) <= x <= Decimal(a["exact"]) + Decimal(a["margin"])
                        for a in self.answers)
            return Scored(self.points if right else 0.0, self.points, self._comments(right, []))
        if self.qtype in ("multiple_choice_question", "true_false_question"):
            a = self.answers[response]
            right = a["weight"] == 100
            return Scored(self.points if right else 0.0, self.points, self._comments(right, [a]))
        if self.qtype == "fill_in_multiple_blanks_question":  # one text per blank, in the blanks' order
            if not any(str(r).strip() for r in response):
                return Scored(0.0, self.points)
            blanks = list(dict.fromkeys(a["blank"] for a in self.answers))
            right = sum(any(a["blank"] == blank and a["text"].strip().lower() == str(text).strip().lower()
                            for a in self.answers) for blank, text in zip(blanks, response))
            return Scored(right / len(blanks) * self.points, self.points, self._comments(right == len(blanks), []))
        if self.qtype == "multiple_answers_question":
            total = sum(1 for a in self.answers if a["weight"] == 100) or 1
            good = sum(1 for i in response if self.answers[i]["weight"] == 100)
            bad = sum(1 for i in response if self.answers[i]["weight"] != 100)
            points = max(0.0, good / total * self.points - bad / total * self.points)
            right = good == total and bad == 0
            return Scored(points, self.points, self._comments(right, [self.answers[i] for i in sorted(response)]))
        raise ValueError(f"no scoring rule for Canvas {self.qtype}")

    def _comments(self, right: bool, chosen: list[dict]) -> tuple[str, ...]:
        shown = [a["comments"] for a in chosen] + [self.correct_comments if right else self.incorrect_comments,
                                                   self.neutral_comments]
        return tuple(plain(s) for s in shown if plain(s))


def _mattext(node: ET.Element | None) -> str:
    if node is None:
        return ""
    m = node.find(f".//{_QTI}mattext")
    return m.text or "" if m is not None else ""


def _score_set(cond: ET.Element) -> float:
    sv = cond.find(f"{_QTI}setvar")
    return float(sv.text) if sv is not None and sv.get("varname") == "SCORE" else 0.0


def canvas_items(package: bytes) -> dict[str, CanvasItem]:
    """Every item of a Canvas QTI zip, by title, with each group's points per item."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        name = next(n for n in zf.namelist() if n != "imsmanifest.xml" and n.endswith(".xml"))
        root = ET.fromstring(zf.read(name))
    out: dict[str, CanvasItem] = {}
    for section in root.iter(f"{_QTI}section"):
        ppi = section.find(f"{_QTI}selection_ordering/{_QTI}selection/{_QTI}selection_extension/{_QTI}points_per_item")
        for item in section.findall(f"{_QTI}item"):
            meta = {f.findtext(f"{_QTI}fieldlabel"): f.findtext(f"{_QTI}fieldentry")
                    for f in item.iter(f"{_QTI}qtimetadatafield")}
            points = float(ppi.text) if ppi is not None else float(meta.get("points_possible") or 1)
            it = CanvasItem(item.get("title", ""), meta.get("question_type", ""), points)
            feedback = {fb.get("ident"): _mattext(fb) for fb in item.findall(f"{_QTI}itemfeedback")}
            for fid, text in feedback.items():  # get_feedback: question-level comments by id
                if re.search(r"wrong|incorrect|(_IC$)", fid, re.IGNORECASE):
                    it.incorrect_comments = text
                elif re.search(r"correct|(_C$)", fid, re.IGNORECASE):
                    it.correct_comments = text
                elif re.search(r"general_|_all", fid, re.IGNORECASE):
                    it.neutral_comments = text
            conditions = item.findall(f"{_QTI}resprocessing/{_QTI}respcondition")
            labels = item.findall(f".//{_QTI}response_label")
            if it.qtype == "numerical_question":
                for cond in conditions:
                    alt = cond.find(f"{_QTI}conditionvar/{_QTI}or")
                    if alt is None:
                        continue
                    exact = alt.findtext(f"{_QTI}varequal")
                    upper = alt.findtext(f"{_QTI}and/{_QTI}varlte")
                    margin = str(Decimal(upper) - Decimal(exact)) if upper is not None else "0"
                    it.answers.append({"exact": exact, "margin": margin, "weight": 100, "comments": ""})
            elif it.qtype == "fill_in_multiple_blanks_question":  # FillInTheBlank#process_canvas
                for lid in item.iter(f"{_QTI}response_lid"):
                    blank = lid.get("ident", "").removeprefix("response_")
                    it.answers += [{"blank": blank, "text": _mattext(lab), "weight": 100, "comments": ""}
                                   for lab in lid.iter(f"{_QTI}response_label")]
            elif labels:
                ids = [lab.get("ident") for lab in labels]
                it.answers = [{"id": i, "text": plain(_mattext(lab)), "weight": 0, "comments": ""}
                              for i, lab in zip(ids, labels)]
                by_id = {a["id"]: a for a in it.answers}
                for cond in conditions:
                    var = cond.find(f"{_QTI}conditionvar")
                    shown = cond.find(f"{_QTI}displayfeedback")
                    direct = var.findall(f"{_QTI}varequal") + var.findall(f"{_QTI}and/{_QTI}varequal")
                    for v in direct:
                        a = by_id.get((v.text or "").strip())
                        if a is None:
                            continue
                        if _score_set(cond) > 0:
                            a["weight"] = 100
                        if shown is not None and not a["comments"]:
                            a["comments"] = feedback.get(shown.get("linkrefid"), "")
                if it.qtype == "true_false_question":
                    texts = sorted(a["text"].lower() for a in it.answers)
                    assert texts == ["false", "true"], texts
            out[it.title] = it
    return out
