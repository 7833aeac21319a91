"""Reading submissions: form detection, encodings, and bad rows reported by file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.grading.entries import question_number
from quizgen.grading.intake import ReadLimits
from quizgen.grading.submissions import read_submissions
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

FIXTURES = Path(__file__).parent / "fixtures" / "grade"
IDS = ("mle/gaussian_nll", "mle/bernoulli_entropy", "mle/kl_direction", "mle/mse_is_gaussian")


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(("name", "form", "count"), [
    ("long.csv", "long", 11), ("wide_ids.csv", "wide", 11), ("wide_numbers.csv", "wide", 11),
    ("list.json", "json-list", 11), ("map.json", "json-map", 11),
])
def test_forms_are_detected(name: str, form: str, count: int) -> None:
    subs = read_submissions(FIXTURES / name, IDS)
    assert subs.form == form
    assert len(subs.entries) == count
    assert subs.problems == ()
    assert subs.name == name


def test_wide_form_ignores_other_columns_and_empty_cells() -> None:
    subs = read_submissions(FIXTURES / "wide_ids.csv", IDS)
    assert subs.ignored_columns == ("name",)
    carol = [e for e in subs.entries if e.student == "carol"]
    assert [e.question for e in carol] == list(IDS[:3])  # the empty mle/mse_is_gaussian cell is skipped
    assert carol[0].where == 'line 4, column "mle/gaussian_nll"'


def test_json_answers_may_be_numbers_and_booleans() -> None:
    subs = read_submissions(FIXTURES / "list.json", IDS)
    assert [e.answer for e in subs.entries[1:4]] == ["0.693", "B", "true"]


def test_long_form_with_bom_and_crlf(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfStudent,Question,Answer\r\nalice,q1,\"a,b\"\r\n\r\nbob,q2,x\r\n"
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert subs.form == "long"
    assert [(e.student, e.question, e.answer, e.where) for e in subs.entries] == [
        ("alice", "q1", "a,b", "line 2"), ("bob", "q2", "x", "line 4")]


def test_quoted_newline_keeps_line_numbers_right(tmp_path: Path) -> None:
    data = 'student,question,answer\nalice,q1,"two\nlines"\nbob,q1\n'
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert subs.entries[0].answer == "two\nlines"
    assert [str(p) for p in subs.problems] == [
        "s.csv, line 4: malformed row: 2 fields but the header has 3 (an unquoted comma in an answer?)"]


def test_semicolon_separated_export(tmp_path: Path) -> None:
    subs = read_submissions(_write(tmp_path, "s.csv", "student;q1;q2\nalice;0,69;B\n"), IDS)
    assert [(e.question, e.answer) for e in subs.entries] == [("q1", "0,69"), ("q2", "B")]


def test_undecodable_bytes_are_reported_by_row_and_the_rest_is_read(tmp_path: Path) -> None:
    data = b"student,question,answer\nalice,q1,0.69\nbob,q1,caf\xe9\ncarol,q1,1\n"
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert [e.student for e in subs.entries] == ["alice", "carol"]
    assert [str(p) for p in subs.problems] == [
        "s.csv, line 3: byte 0xe9 is not UTF-8 (save the file as UTF-8 and re-run)"]


def test_undecodable_bytes_in_wide_cell(tmp_path: Path) -> None:
    data = b"student,q1,q2\nalice,\xff,B\n"
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert [(e.question, e.answer) for e in subs.entries] == [("q2", "B")]
    assert str(subs.problems[0]).startswith('s.csv, line 2, column "q1": byte 0xff is not UTF-8')


def test_utf16_export_with_bom(tmp_path: Path) -> None:
    data = "student,question,answer\nzoë,q1,½\n".encode("utf-16")
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert [(e.student, e.answer) for e in subs.entries] == [("zoë", "½")]


def test_malformed_rows_in_long_form(tmp_path: Path) -> None:
    data = "student,question,answer\n,q1,x\nalice,,x\nalice,q1,x,extra\n"
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert subs.entries == ()
    assert subs.rows == 3
    assert [str(p) for p in subs.problems] == [
        "s.csv, line 2: malformed row: the student column is empty",
        "s.csv, line 3: malformed row: the question column is empty",
        "s.csv, line 4: malformed row: 4 fields but the header has 3 (an unquoted comma in an answer?)",
    ]


def test_wide_column_that_looks_like_an_unknown_id_is_reported(tmp_path: Path) -> None:
    data = "student,mle/gausian_nll,q1\nalice,x,y\n"
    subs = read_submissions(_write(tmp_path, "s.csv", data), IDS)
    assert [e.question for e in subs.entries] == ["q1"]
    assert [str(p) for p in subs.problems] == [
        's.csv, column "mle/gausian_nll": unknown question id (not in the key); column skipped']


def test_malformed_json_entries(tmp_path: Path) -> None:
    data = '[{"student": "alice", "question": "q1"}, 3, {"student": "bob", "question": "q1", "answer": [1]},' \
           ' {"student": "carol", "question": "q2", "answer": null}]'
    subs = read_submissions(_write(tmp_path, "s.json", data), IDS)
    assert [(e.student, e.answer) for e in subs.entries] == [("carol", "")]
    assert [p.where for p in subs.problems] == ["entry 1", "entry 2", "entry 3"]
    assert all("malformed entry" in p.message for p in subs.problems)


def test_malformed_json_map_entry(tmp_path: Path) -> None:
    subs = read_submissions(_write(tmp_path, "s.json", '{"alice": "B", "bob": {"q1": {"x": 1}}}'), IDS)
    assert [str(p) for p in subs.problems] == [
        's.json, student "alice": malformed entry: expected an object {question: answer}',
        's.json, student "bob", question "q1": malformed entry: the answer must be a string, number or true/false',
    ]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("s.csv", "", "s.csv: the file is empty"),
    ("s.csv", "name,answer\nalice,1\n", 's.csv: no recognisable form: the header needs a "student" column'),
    ("s.csv", "student,name,email\nalice,A,a@x\n", 's.csv: no recognisable form: a "student" column but no question'),
    ("s.json", '{"alice": ', "s.json: not valid JSON (line 1, column 11"),
    ("s.json", '"hello"', "s.json: no recognisable form"),
    ("s.csv", b"stud\xe9nt,question,answer\n", "s.csv, line 1 (header): byte 0xe9 is not UTF-8"),
])
def test_unusable_files_exit_2(tmp_path: Path, name: str, data: str | bytes, message: str) -> None:
    with pytest.raises(QuizgenError) as info:
        read_submissions(_write(tmp_path, name, data), IDS)
    assert str(info.value).startswith(message)
    assert info.value.exit_code == EXIT_USAGE


def test_missing_or_folder_submissions(tmp_path: Path) -> None:
    with pytest.raises(QuizgenError, match="submissions file not found"):
        read_submissions(tmp_path / "none.csv", IDS)
    with pytest.raises(QuizgenError, match="is a folder"):
        read_submissions(tmp_path, IDS)


def test_json_detected_by_content_without_extension(tmp_path: Path) -> None:
    subs = read_submissions(_write(tmp_path, "export", '{"alice": {"q1": "B"}}'), IDS)
    assert subs.form == "json-map"


@pytest.mark.parametrize(("ref", "number"), [("q3", 3), ("Q12", 12), ("q 2", 2), ("4", 4),
                                             ("mle/x", None), ("q", None), ("qq1", None)])
def test_question_number(ref: str, number: int | None) -> None:
    assert question_number(ref) == number


def test_a_huge_cell_does_not_end_the_file(tmp_path: Path) -> None:
    """The csv module stops at a field over 128 KiB; that cost every later student their grade."""
    path = tmp_path / "subs.csv"
    path.write_text("student,question,answer\nalice,q1," + "y" * 200_000 + "\nbob,q1,0.693\n",
                    encoding="utf-8")
    subs = read_submissions(path, ["mle/gaussian_nll"], limits=ReadLimits(max_answer_chars=300_000))
    assert [e.student for e in subs.entries] == ["alice", "bob"]
    assert not subs.problems
    # over the answer length limit: that row is reported, the next student is still read
    subs = read_submissions(path, ["mle/gaussian_nll"])
    assert [e.student for e in subs.entries] == ["bob"]
    assert [str(p) for p in subs.problems] == [
        "subs.csv, line 2: an answer of 200,000 characters, over the limit of 10,000 (--max-answer-chars "
        "raises it); not graded"]


def test_problem_messages_are_safe_for_a_terminal(tmp_path: Path) -> None:
    from quizgen.grading.batch import grade_class

    path = tmp_path / "subs.csv"
    path.write_text("student,question,answer\n\x1b[2Jzed\u202e,q1,1\n" + "x" * 5000 + ",q1,1\n",
                    encoding="utf-8")
    result = grade_class(FIXTURES / "key.json", path, jobs=1)
    messages = [str(p) for p in result.problems]
    assert len(messages) == 2
    assert messages[0] == ('subs.csv, line 2: unknown student "\\x1b[2Jzed\\u202e" '
                           "(not in key.json)")
    assert all(m.isprintable() for m in messages)
    assert len(messages[1]) < 500


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '[{"student": "alice", "question": "q1", "answer": 1' + "0" * 5000 + "}]"],
                         ids=["nested", "long_number"])
def test_json_that_python_cannot_load_is_exit_2(tmp_path: Path, text: str) -> None:
    path = tmp_path / "subs.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuizgenError) as info:
        read_submissions(path, ["mle/gaussian_nll"])
    assert info.value.exit_code == EXIT_USAGE and "not usable JSON" in str(info.value)


def test_lone_surrogates_in_json_are_reported_rows(tmp_path: Path) -> None:
    from quizgen.grading.batch import grade_class
    from quizgen.grading.report import write_reports

    path = tmp_path / "subs.json"
    path.write_text('[{"student": "alice", "question": "q1", "answer": "y\\ud800"},'
                    ' {"student": "bob", "question": "q1", "answer": "0.693"}]', encoding="utf-8")
    result = grade_class(FIXTURES / "key.json", path, jobs=1)
    assert [str(p) for p in result.problems] == [
        "subs.json, entry 1: \\ud800 is not a Unicode character (a lone surrogate)"]
    assert result.graded == 1
    write_reports(result, tmp_path / "out")  # used to raise UnicodeEncodeError
