"""Loaders for the public dataset formats, on small files written here in those formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from moderation.errors import DatasetError
from moderation.training.corpus import CANONICAL_COLUMNS
from moderation.training.formats import clean_newsgroup_text, detect_format, load_dataset, load_format, read_format


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    news = tmp_path / "news.csv.gz"
    rows = ["doc_id,group,text"]
    for i, group in enumerate(["sci.space", "sci.space", "rec.autos", "rec.autos", "comp.graphics", "comp.graphics"]):
        body = f"From: a@b.c\\nSubject: s\\n\\nMessage {i} about {group} " + "words " * 60
        rows.append(f'{i},{group},"{body}"')
    with gzip.open(news, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows).replace("\\n", "\n") + "\n")
    return {
        "youtube": write(
            tmp_path / "yt.csv",
            'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\na1,Ann,2014-01-01,"check out my channel\ufeff",1\na2,Bob,2014-01-02,"love this song",0\n',
        ),
        "sms": write(tmp_path / "SMS", 'ham\tsee you at 5 "ok"\nspam\tWIN a prize now\n'),
        "sms_translated": write(
            tmp_path / "mt.csv",
            "labels,text,text_hi,text_de,text_fr\nspam,Win now,अभी जीतें,Jetzt gewinnen,Gagnez maintenant\n",
        ),
        "label_text": write(tmp_path / "ru_telegram.csv", "label,message\n1,Заработок без вложений\n0,привет всем\n"),
        "semeval": write(
            tmp_path / "q.xml",
            """<?xml version="1.0" encoding="utf-8"?><xml>
<OrgQuestion ORGQ_ID="Q1"><Thread THREAD_SEQUENCE="Q1_R1">
<RelQuestion RELQ_ID="Q1_R1" RELQ_CATEGORY="Advice"><RelQSubject>Good bank</RelQSubject><RelQBody>Which bank?</RelQBody></RelQuestion>
<RelComment RELC_ID="Q1_R1_C1" RELC_RELEVANCE2RELQ="Good" RELC_USERNAME="u"><RelCText>QNB is fine</RelCText></RelComment>
<RelComment RELC_ID="Q1_R1_C2" RELC_RELEVANCE2RELQ="Bad" RELC_USERNAME="v"><RelCText>hahaha</RelCText></RelComment>
<RelComment RELC_ID="Q1_R1_C3" RELC_RELEVANCE2RELQ="PotentiallyUseful" RELC_USERNAME="w"><RelCText>maybe</RelCText></RelComment>
</Thread><Thread THREAD_SEQUENCE="Q1_R2" SubtaskA_Skip_Because_Same_As_RelQuestion_ID="Q1_R1">
<RelQuestion RELQ_ID="Q1_R2" RELQ_CATEGORY="Advice"><RelQSubject>x</RelQSubject><RelQBody>y</RelQBody></RelQuestion>
<RelComment RELC_ID="Q1_R2_C1" RELC_RELEVANCE2RELQ="Good"><RelCText>repeated</RelCText></RelComment>
</Thread></OrgQuestion></xml>""",
        ),
        "newsgroups": news,
        "canonical": write(tmp_path / "export.csv", "content,label,site\nnice post,ham,a\n"),
    }


@pytest.mark.parametrize(
    "fmt", ["youtube", "sms", "sms_translated", "label_text", "semeval", "newsgroups", "canonical"]
)
def test_format_is_detected_from_contents(files, fmt):
    assert detect_format(files[fmt]) == fmt


def test_every_loader_yields_the_canonical_schema(files):
    for path in files.values():
        frame = load_dataset(str(path))
        assert list(frame.columns) == CANONICAL_COLUMNS
        assert set(frame["label"]) <= {"ham", "spam", "off_topic"}
        assert (frame["content"].str.strip() != "").all()


def test_youtube_drops_the_leaking_byte_order_mark_and_date(files):
    frame = load_dataset(str(files["youtube"]))
    assert list(frame["content"]) == ["check out my channel", "love this song"]
    assert list(frame["label"]) == ["spam", "ham"]
    assert (frame["created_at"] == "").all()


def test_translated_sms_keeps_the_translations_only(files):
    frame = load_dataset(str(files["sms_translated"]))
    assert sorted(frame["language"]) == ["de", "fr", "hi"]


def test_semeval_maps_good_and_bad_and_skips_repeats(files):
    frame = load_dataset(str(files["semeval"]))
    assert dict(zip(frame["content"], frame["label"], strict=True)) == {"QNB is fine": "ham", "hahaha": "off_topic"}
    assert set(frame["post_title"]) == {"Good bank"}


def test_newsgroups_pairs_have_one_on_and_one_off_topic_comment_per_post(files):
    frame = load_dataset(f"newsgroups:{files['newsgroups']}")
    assert sorted(frame["label"].value_counts().to_dict().items()) == [("ham", 6), ("off_topic", 6)]
    assert not frame["post_body"].str.contains("Subject:").any()


def test_newsgroup_cleaning_drops_headers_quotes_and_signature():
    text = "From: x\nSubject: y\n\nIn article <1@a> bob writes:\n> quoted\nmy own words\n-- \nBob, sci.space"
    assert clean_newsgroup_text(text) == "my own words"


def test_named_format_overrides_detection(files):
    assert len(load_dataset(f"label_text:{files['label_text']}")) == 2


def test_unknown_file_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="not recognised"):
        load_dataset(str(write(tmp_path / "x.csv", "a,b\n1,2\n")))
    with pytest.raises(DatasetError, match="no such dataset"):
        load_dataset(str(tmp_path / "missing.csv"))


def test_unknown_label_values_are_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="neither spam nor ham"):
        load_dataset(str(write(tmp_path / "t.csv", "text,label\nhello,maybe\n")))


@pytest.mark.parametrize(
    "fmt", ["youtube", "sms", "sms_translated", "label_text", "canonical", "semeval", "newsgroups"]
)
def test_chunked_reading_gives_the_rows_of_whole_reading(files, tmp_path, fmt):
    path, rows = files[fmt], 1  # SemEval and 20 Newsgroups are read whole, then handed over in chunks
    if fmt in ("youtube", "sms", "sms_translated", "label_text", "canonical"):  # make them several chunks long
        lines = path.read_text(encoding="utf-8").splitlines()
        header, lines = ([], lines) if fmt == "sms" else (lines[:1], lines[1:])
        body = [line.replace("a1,", f"a1-{i},").replace("a2,", f"a2-{i},") for i in range(7) for line in lines]
        path, rows = write(tmp_path / path.name, "\n".join(header + body) + "\n"), 3
    whole = load_format(fmt, path)
    chunks = list(read_format(fmt, path, chunk_rows=rows))
    assert len(chunks) > 1
    assert all(len(chunk) <= rows * (3 if fmt == "sms_translated" else 1) for chunk in chunks)
    chunked = pd.concat(chunks, ignore_index=True)
    assert list(chunked.columns) == CANONICAL_COLUMNS
    by_id = ["id", "content", "label"]
    assert chunked.sort_values(by_id).reset_index(drop=True).equals(whole.sort_values(by_id).reset_index(drop=True))


def test_chunked_seed_corpus_gives_the_rows_of_whole_reading(seed_dir):
    chunks = list(read_format("seed", seed_dir, chunk_rows=1000))
    whole = load_format("seed", seed_dir)
    assert [len(c) for c in chunks] == [1000, 1000, len(whole) - 2000]
    assert pd.concat(chunks, ignore_index=True).equals(whole)
