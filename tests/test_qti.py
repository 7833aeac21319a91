"""Canvas QTI 1.2: the package Canvas imports, checked structurally.

The IMS QTI 1.2 XSD is not available offline here, so these tests check what Canvas's importer
reads: a manifest naming the assessment file, items with ``question_type`` and
``points_possible``, response conditions that refer to labels that exist, one SCORE=100 condition
per item, numeric ranges that cover the key's tolerance, feedback references that resolve, and a
question group (``selection_number`` 1) per question.
"""

from __future__ import annotations

import io
import json
import zipfile
import xml.etree.ElementTree as ET

import pytest

from quizgen.generation.numbers import fmt_number

from quizgen.export import notes, render_exam
from quizgen.export.lms import lms_html
from quizgen.export.qti import ident
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}


@pytest.fixture(scope="module")
def package():
    exam = build_exam(load_bank().topic("mle"), seed=41, students=version_names(3))
    files = render_exam(exam, ["qti", "json"])
    data = files["canvas-qti.zip"]
    zf = zipfile.ZipFile(io.BytesIO(data))
    return exam, zf, json.loads(files["key.json"]), data


def test_zip_has_manifest_and_one_assessment(package):
    exam, zf, key, _ = package
    names = zf.namelist()
    assert names[0] == "imsmanifest.xml" and len([n for n in names if not n.startswith("web_resources/")]) == 2
    manifest = ET.fromstring(zf.read("imsmanifest.xml"))
    resources = [r for r in manifest.findall("m:resources/m:resource", NS) if r.get("type") != "webcontent"]
    assert len(resources) == 1 and resources[0].get("type") == "imsqti_xmlv1p2"
    href = resources[0].find("m:file", NS).get("href")
    assert href in names
    root = ET.fromstring(zf.read(href))
    assert root.tag == f"{{{NS['q']}}}questestinterop"
    assert len(root.findall("q:assessment", NS)) == 1


def items_by_student(zf):
    href = [n for n in zf.namelist() if n != "imsmanifest.xml"][0]
    root = ET.fromstring(zf.read(href))
    return root


def meta(item):
    return {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
            for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)}


def variant_for(key, title):
    student = title.rsplit("[", 1)[1].rstrip("]")
    number = int(title.split(" ", 1)[0])
    ver = next(v for v in key["versions"] if v["student"] == student)
    return ver["questions"][number - 1]


def test_every_item_is_something_canvas_reads(package):
    exam, zf, key, _ = package
    root = items_by_student(zf)
    groups = root.findall("q:assessment/q:section/q:section", NS)
    assert groups
    idents = [el.get("ident") for el in root.iter() if el.tag.endswith(("}item", "}section", "}response_label"))]
    idents = [i for i in idents if i != "answer1"]  # the one blank of a numerical item, per item as Canvas writes it
    assert len(idents) == len(set(idents))
    seen_types = set()
    for group in groups:
        assert group.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=NS) == "1"
        items = group.findall("q:item", NS)
        assert len(items) == 3  # every student's variant of this question
        for item in items:
            m = meta(item)
            v = variant_for(key, item.get("title"))
            assert float(m["points_possible"]) == v["points"]
            seen_types.add(m["question_type"])
            labels = {r.get("ident") for r in item.iter(f"{{{NS['q']}}}response_label")}
            for eq in item.iter(f"{{{NS['q']}}}varequal"):
                if m["question_type"] not in ("numerical_question",):
                    assert eq.text in labels
            fb = {f.get("ident") for f in item.findall("q:itemfeedback", NS)}
            for ref in item.iter(f"{{{NS['q']}}}displayfeedback"):
                assert ref.get("linkrefid") in fb or ref.get("linkrefid") == "general_incorrect_fb"
            scores = [s for s in item.iter(f"{{{NS['q']}}}setvar") if s.text == "100"]
            assert len(scores) == (0 if m["question_type"] in ("essay_question", "fill_in_multiple_blanks_question") else 1)
            check_answer(item, m["question_type"], v)
    assert {"numerical_question", "multiple_choice_question", "true_false_question", "essay_question"} <= seen_types


def check_answer(item, qtype, v):
    cond = [c for c in item.iter(f"{{{NS['q']}}}respcondition") if c.find("q:setvar", NS) is not None][:1]
    if qtype == "numerical_question":
        exact = float(cond[0].findtext(".//q:varequal", namespaces=NS))
        lo = float(cond[0].findtext(".//q:vargte", namespaces=NS))
        hi = float(cond[0].findtext(".//q:varlte", namespaces=NS))
        assert lo < exact < hi
        if v["type"] == "numeric":
            assert exact == pytest.approx(v["answer"]["value"], rel=1e-11)  # 12 significant figures
            band = max(v["answer"]["atol"], v["answer"]["rtol"] * abs(exact))
            assert hi - exact >= band * 0.999 and exact - lo >= band * 0.999
            for w in v["known_wrong"]:
                assert not lo <= w["value"] <= hi
    elif qtype in ("multiple_choice_question", "multiple_answers_question"):
        labels = item.findall(".//q:response_label", NS)
        assert [lab.findtext(".//q:mattext", namespaces=NS) for lab in labels] == [lms_html(c["text"]) for c in v["answer"]["choices"]]
        by_label = {c["label"]: lab.get("ident") for c, lab in zip(v["answer"]["choices"], labels)}
        right = {by_label[c] for c in v["answer"]["correct"]}
        if qtype == "multiple_choice_question":
            assert {cond[0].findtext(".//q:varequal", namespaces=NS)} == right
        else:
            positive = {e.text for e in cond[0].findall("q:conditionvar/q:and/q:varequal", NS)}
            assert positive == right
        feedback = {f.get("ident"): f.findtext(".//q:mattext", namespaces=NS) for f in item.findall("q:itemfeedback", NS)}
        for w in v["known_wrong"]:
            assert feedback[f"{by_label[w['choice']]}_fb"] == lms_html(w["feedback"])
    elif qtype == "fill_in_multiple_blanks_question":  # a vector: a blank per component, its 4-figure texts
        lids = item.findall(".//q:response_lid", NS)
        assert [lid.get("ident") for lid in lids] == [f"response_c{i}" for i in range(1, len(v["answer"]["values"]) + 1)]
        for lid, value in zip(lids, v["answer"]["values"]):
            texts = [lab.findtext(".//q:mattext", namespaces=NS) for lab in lid.findall(".//q:response_label", NS)]
            assert fmt_number(value, 4) in texts
            band = max(v["answer"]["atol"], v["answer"]["rtol"] * abs(value))
            assert all(abs(float(t) - value) <= band * 1.001 for t in texts)
        shares = {s.text for s in item.iter(f"{{{NS['q']}}}setvar")}
        assert len(shares) == 1 and float(shares.pop()) * len(lids) == pytest.approx(100)
    elif qtype == "true_false_question":
        labels = item.findall(".//q:response_label", NS)
        truth = {lab.findtext(".//q:mattext", namespaces=NS): lab.get("ident") for lab in labels}
        assert cond[0].findtext(".//q:varequal", namespaces=NS) == truth["True" if v["answer"]["value"] else "False"]


def test_dropped_types_are_said(package):
    exam = package[0]
    lines = notes(exam, ["qti"])
    kinds = {v.kind for v in exam.versions[0].variants}
    for kind in {"order"} & kinds:
        assert any(f", {kind}) dropped:" in line for line in lines)
    for kind in {"vector"} & kinds:  # as fill-in-the-blanks: converted, and make says what that means
        assert any(f", {kind}) converted:" in line and "4 significant figures" in line for line in lines)


def test_same_bytes_twice(package):
    exam, _, _, data = package
    assert render_exam(exam, ["qti"])["canvas-qti.zip"] == data


def test_figures_are_files_in_the_zip_that_the_manifest_lists_and_the_items_show(package):
    """Each PNG is in the zip under web_resources/, a webcontent resource the assessment depends on,
    and every <img> of an item (sheet figures in the question, solution figures in the general
    feedback) resolves through $IMS-CC-FILEBASE$ to one of those files, holding the figure's bytes."""
    import html
    import re

    from quizgen.generation.figures import png

    exam, zf, key, _ = package
    names = zf.namelist()
    manifest = ET.fromstring(zf.read("imsmanifest.xml"))
    resources = manifest.findall("m:resources/m:resource", NS)
    (assessment,) = [r for r in resources if r.get("type") == "imsqti_xmlv1p2"]
    web = {r.get("identifier"): r for r in resources if r.get("type") == "webcontent"}
    assert {d.get("identifierref") for d in assessment.findall("m:dependency", NS)} == set(web)
    listed = set()
    for r in web.values():
        (f,) = r.findall("m:file", NS)
        assert f.get("href") == r.get("href") and f.get("href") in names
        listed.add(f.get("href"))
    assert listed == {n for n in names if n.startswith("web_resources/")}
    for n in listed:
        assert zf.getinfo(n).compress_type == zipfile.ZIP_STORED and zf.read(n).startswith(b"\x89PNG\r\n\x1a\n")

    by_item = {}
    for ver in exam.versions:
        for v in ver.variants:
            by_item[(v.question_id, ver.student)] = v
    root = items_by_student(zf)
    shown, used = 0, set()
    for item in root.iter(f"{{{NS['q']}}}item"):
        m = meta(item)
        qid_student = next(k for k in by_item if ident("aq", exam.public.id, *k) == m["assessment_question_identifierref"])
        v = by_item[qid_student]
        question = item.find("q:presentation/q:material/q:mattext", NS).text
        general = item.find("q:itemfeedback[@ident='general_fb']/q:flow_mat/q:material/q:mattext", NS).text
        for text, where in ((question, "sheet"), (general, "solutions")):
            imgs = re.findall(r'<img src="\$IMS-CC-FILEBASE\$/([^"]+)" alt="([^"]+)"', text)
            expected = [ref for ref in v.figures if ref.where == where]
            assert [html.unescape(alt) for _, alt in imgs] == [ref.alt for ref in expected]
            for (path, _), ref in zip(imgs, expected):
                assert zf.read(f"web_resources/{path}") == png(ref)
                used.add(f"web_resources/{path}")
                shown += 1
    assert shown > 0 and used == listed  # every file is shown somewhere; nothing extra is packed
