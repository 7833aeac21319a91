"""The LMS scorer of the channel matrix (tests/lms_scorer.py) against hand-written questions, one
rule of Moodle's or Canvas's sources each (cited in its docstring), so the matrix compares our
grader with what the LMS does and not with another copy of our own ideas."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from lms_scorer import canvas_items, cloze_blanks, moodle_number, moodle_questions, ordering_fraction


def moodle(question: str) -> dict:
    return moodle_questions(f'<?xml version="1.0" encoding="UTF-8"?><quiz>{question}</quiz>')


def numerical(answers: str, grade: str = "2") -> str:
    return (f'<question type="numerical"><name><text>n</text></name><questiontext format="html"><text>Q</text>'
            f'</questiontext><defaultgrade>{grade}</defaultgrade><idnumber>q</idnumber>{answers}</question>')


def answer(fraction: str, text: str, feedback: str = "", tolerance: str = "0") -> str:
    return (f'<answer fraction="{fraction}"><text>{text}</text><feedback format="html"><text>{feedback}</text>'
            f"</feedback><tolerance>{tolerance}</tolerance></answer>")


@pytest.mark.parametrize("typed, value", [("0.5", 0.5), ("1,5", 1.5), ("1,000.5", 1000.5), ("1,000,000", 1e6),
                                          (" -2.5e-3 ", -0.0025), ("3×10^2", 300.0), ("4*10**-1", 0.4),
                                          (".25 nats", 0.25), ("+7", 7.0), ("log(2)", None), ("abc", None), ("-", None)])
def test_moodle_reads_numbers_like_apply_units(typed, value):
    assert moodle_number(typed) == value


def test_moodle_numerical_first_matching_answer_bounds_included_and_the_catch_all():
    q = moodle(numerical(answer("100", "1.5", "right", "0.1") + answer("50", "-1.5", "sign", "0.1")
                         + answer("0", "*", "other")))["q"]
    assert q.score("1.6").points == 2 and q.score("1.6").feedback == ("right",)  # 1.5 + 0.1: inside
    assert q.score("1.61").points == 0 and q.score("1.61").feedback == ("other",)
    assert q.score("-1.45").points == 1 and q.score("-1.45").feedback == ("sign",)
    assert q.score("abc").points == 0 and q.score("abc").feedback == ()  # no number: no answer matches, not even *
    assert q.score("").points == 0 and q.score("").feedback == ()  # not answered


def test_moodle_multichoice_single_and_several_clamped():
    answers = answer("100", "A") + answer("-50", "B", "b is wrong") + answer("50", "C") + answer("50", "D")
    single = moodle(f'<question type="multichoice"><name><text>m</text></name><questiontext><text>Q</text></questiontext>'
                    f"<defaultgrade>4</defaultgrade><idnumber>q</idnumber><single>true</single>{answers}</question>")["q"]
    assert single.score(2).points == 2 and single.score(1).feedback == ("b is wrong",)
    several = moodle(f'<question type="multichoice"><name><text>m</text></name><questiontext><text>Q</text></questiontext>'
                     f"<defaultgrade>4</defaultgrade><idnumber>q</idnumber><single>false</single>{answers}</question>")["q"]
    assert several.score({0, 2, 3}).points == 4  # 2.0, clamped to 1
    assert several.score({1}).points == 0  # -0.5, clamped to 0
    assert several.score({1, 2, 3}).points == 2


def test_moodle_truefalse_shows_the_feedback_of_the_answer_chosen():
    q = moodle('<question type="truefalse"><name><text>t</text></name><questiontext><text>Q</text></questiontext>'
               "<defaultgrade>1</defaultgrade><idnumber>q</idnumber>" + answer("0", "true", "why not true")
               + answer("100", "false", "indeed false") + "</question>")["q"]
    assert q.score(True).points == 0 and q.score(True).feedback == ("why not true",)
    assert q.score(False).points == 1 and q.score(False).feedback == ("indeed false",)


def test_moodle_cloze_mark_is_the_sum_of_weights_whatever_defaultgrade_says():
    text = escape("<p>({2:NUMERICAL:=1.5:0.1#Right~%25%-1.5:0.1#Sign &#125; flipped~*#other}, "
                  "{:NUMERICAL:=3:0.01})</p>")  # the HTML, escaped as XML text
    q = moodle(f'<question type="cloze"><name><text>c</text></name><questiontext format="html"><text>{text}</text>'
               "</questiontext><defaultgrade>7</defaultgrade><idnumber>q</idnumber></question>")["q"]
    assert [b.weight for b in q.blanks] == [2, 1] and q.mark == 3
    assert q.score(["1.5", "3"]).points == 3
    wrong = q.score(["-1.5", "2"])
    assert wrong.points == pytest.approx(0.5) and wrong.feedback == ("Sign } flipped",)
    assert q.score(["", "3"]).points == 1
    assert q.score(["7", "x"]).feedback == ("other",)


def test_cloze_feedback_is_entity_decoded_and_only_brace_and_hash_unescaped():
    (blank,) = cloze_blanks(r"{1:NUMERICAL:=1:0#a \} b \# c \~ d &lt;p&gt;}")
    assert blank.answers[0].feedback == r"a } b # c \~ d <p>"


@pytest.mark.parametrize("response, fraction", [([0, 1, 2, 3], 1.0), ([0, 2, 1, 3], 0.5), ([3, 2, 1, 0], 0.0),
                                                 ([1, 2, 3, 0], 0.75), ([2, 0, 3, 1], 0.5)])
def test_moodle_ordering_longest_contiguous_subset(response, fraction):
    # [0, 2, 1, 3]: 0 then 1 are in order though 2 sits between them (get_ordered_subsets)
    assert ordering_fraction(response, 4) == fraction


def _qti(items: str) -> bytes:
    ns = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
    xml = (f'<questestinterop xmlns="{ns}"><assessment ident="a" title="t"><section ident="root_section">'
           f'<section ident="g" title="g"><selection_ordering><selection><selection_number>1</selection_number>'
           f"<selection_extension><points_per_item>3</points_per_item></selection_extension></selection>"
           f"</selection_ordering>{items}</section></section></assessment></questestinterop>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("imsmanifest.xml", "<manifest/>")
        zf.writestr("a/a.xml", xml)
    return buf.getvalue()


def _meta(qtype: str) -> str:
    return (f"<itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{qtype}"
            "</fieldentry></qtimetadatafield><qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1"
            "</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>")


def _fb(ident: str, text: str) -> str:
    return f'<itemfeedback ident="{ident}"><flow_mat><material><mattext>{text}</mattext></material></flow_mat></itemfeedback>'


def test_canvas_numerical_margin_in_decimal_unreadable_as_zero_and_incorrect_comments():
    item = ('<item ident="i" title="num">' + _meta("numerical_question") + "<resprocessing>"
            '<respcondition continue="No"><conditionvar><or><varequal respident="response1">-11.7</varequal><and>'
            '<vargte respident="response1">-11.72</vargte><varlte respident="response1">-11.68</varlte></and></or>'
            '</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'
            '<respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback linkrefid="general_incorrect_fb"/>'
            "</respcondition></resprocessing>" + _fb("general_incorrect_fb", "a sign?") + "</item>")
    it = canvas_items(_qti(item))["num"]
    assert it.points == 3  # the group's points per item
    assert it.score("-11.72").points == 3  # the bound, exactly (BigDecimal, not floats)
    assert it.score("-11.721").points == 0 and it.score("-11.721").feedback == ("a sign?",)
    assert it.score("abc").points == 0 and it.score("").points == 0


def test_canvas_choice_weights_answer_comments_and_multiple_answers_partial_credit():
    labels = "".join(f'<response_label ident="{c}"><material><mattext>{c}</mattext></material></response_label>' for c in "abcd")
    pres = f'<presentation><response_lid ident="response1" rcardinality="Multiple"><render_choice>{labels}</render_choice></response_lid></presentation>'
    proc = ('<resprocessing><respcondition continue="Yes"><conditionvar><varequal respident="response1">b</varequal>'
            '</conditionvar><displayfeedback linkrefid="b_fb"/></respcondition>'
            '<respcondition continue="No"><conditionvar><and><varequal respident="response1">a</varequal>'
            '<not><varequal respident="response1">b</varequal></not><varequal respident="response1">c</varequal>'
            '<not><varequal respident="response1">d</varequal></not></and></conditionvar>'
            '<setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>')
    it = canvas_items(_qti('<item ident="i" title="ma">' + _meta("multiple_answers_question") + pres + proc
                           + _fb("b_fb", "not b") + "</item>"))["ma"]
    assert [a["weight"] for a in it.answers] == [100, 0, 100, 0]
    assert it.score({0, 2}).points == 3
    assert it.score({0}).points == 1.5
    assert it.score({0, 1}).points == 0 and it.score({0, 1}).feedback == ("not b",)
    assert it.score({0, 1, 2}).points == 1.5
