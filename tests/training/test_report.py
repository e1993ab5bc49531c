"""The model card says what a version was trained on, how it did, and where it is weak."""

from __future__ import annotations

from moderation.training.report import weaknesses


def slice_metrics(f1: float, positives: int) -> dict:
    return {"rows": 100, "positives": positives, "precision": f1, "recall": f1, "f1": f1, "roc_auc": None}


def test_weak_and_unmeasured_slices_are_named():
    metrics = {
        "spam": {
            "all": slice_metrics(0.9, 60),
            "by_source": {"seed": slice_metrics(0.9, 60)},
            "by_language": {"sv": slice_metrics(0.95, 30), "fr": slice_metrics(0.62, 25), "nl": slice_metrics(1.0, 4)},
        }
    }
    lines = weaknesses(metrics)
    assert lines == [
        "- spam, language: F1 under 0.8 in fr (F1 0.62).",
        "- spam, language: under 10 positives in the test split, not measured: nl (4).",
    ]


def test_the_card_of_a_trained_version_names_its_data_and_its_mistakes(trained, seed_dir):
    card = (trained.version.path / "report.md").read_text()
    assert f"| {seed_dir} | seed | 2541 | ham 1276, off_topic 523, spam 742 |" in card
    assert "Only the train split was fitted on" in card
    assert "## Where it is weak" in card
    assert "| task | mistake | strongest reason | comments |" in card
    assert "| spam | false " in card and "| off_topic | false " in card
