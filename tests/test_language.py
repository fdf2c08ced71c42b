"""An article's language: what the page declares, else what py3langid detects in its text
(sentences written by the team, a few in each language), and `lang:` reading it."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.query import match, parse_query
from spiders.extract import clean_page
from spiders.language import SAMPLE_CHARS, detect

PAGE = Path(__file__).parent / "fixtures" / "pages" / "undated_article.html"
DECLARED = '<meta http-equiv="content-language" content="en-US">'

SENTENCES = {
    "en": "The government said on Tuesday that talks with the rebels would resume next week "
          "in Geneva, after a ceasefire held for three days.",
    "de": "Die Regierung kündigte am Dienstag an, die Gespräche mit den Rebellen in der "
          "nächsten Woche in Genf fortzusetzen, nachdem die Waffenruhe drei Tage gehalten hatte.",
    "fr": "Le gouvernement a annoncé mardi que les pourparlers avec les rebelles reprendraient "
          "la semaine prochaine à Genève, après trois jours de cessez-le-feu.",
    "es": "El gobierno anunció el martes que las conversaciones con los rebeldes se reanudarán "
          "la próxima semana en Ginebra, tras tres días de alto el fuego.",
    "ru": "Правительство заявило во вторник, что переговоры с повстанцами возобновятся на "
          "следующей неделе в Женеве после трёхдневного перемирия.",
    "tr": "Hükümet salı günü yaptığı açıklamada, isyancılarla görüşmelerin üç günlük ateşkesin "
          "ardından gelecek hafta Cenevre'de yeniden başlayacağını söyledi.",
    "ar": "قالت الحكومة يوم الثلاثاء إن المحادثات مع المتمردين ستستأنف الأسبوع المقبل في جنيف "
          "بعد وقف لإطلاق النار استمر ثلاثة أيام.",
    "zh": "政府周二表示，在停火持续三天之后，与反叛分子的谈判将于下周在日内瓦恢复。",
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_the_language_of_a_text_is_detected(code: str) -> None:
    assert detect(SENTENCES[code]) == code


def test_a_text_without_letters_has_no_language() -> None:
    assert detect("") is None
    assert detect("12:45 — 3/4 · 2026") is None


def test_only_the_start_of_a_long_text_is_read() -> None:
    # A sample's worth of German, then three times as much English: the sample decides.
    german = " ".join([SENTENCES["de"]] * (SAMPLE_CHARS // len(SENTENCES["de"]) + 1))
    english = " ".join([SENTENCES["en"]] * (3 * SAMPLE_CHARS // len(SENTENCES["en"])))
    assert detect(german + " " + english) == "de"
    assert detect(english + " " + german) == "en"


def test_a_page_without_a_declaration_gets_the_detected_language() -> None:
    html = PAGE.read_text(encoding="utf-8")
    assert DECLARED in html
    page = clean_page(html.replace(DECLARED, ""), "https://example.org/a")
    assert page is not None
    assert page.language == "en"  # detected: the page says nothing


def test_a_declaration_wins_over_the_text() -> None:
    html = PAGE.read_text(encoding="utf-8").replace(DECLARED, "")
    page = clean_page(html.replace("<html>", '<html lang="de-AT">'), "https://example.org/a")
    assert page is not None
    assert page.language == "de-AT"  # the page says so, though its text is English


def test_a_declared_region_is_kept_for_lang_queries() -> None:
    html = PAGE.read_text(encoding="utf-8").replace(DECLARED, "")
    page = clean_page(html.replace("<html>", '<html lang="pt_br">'), "https://example.org/a")
    assert page is not None and page.language == "pt-BR"
    for query, matches in (("lang:pt-BR", True), ("lang:pt", True), ("lang:pt-PT", False)):
        found = match(parse_query(f"{query} bridge"), page.title, page.text, language=page.language)
        assert (found is not None) is matches, query


def test_lang_reads_the_detected_language() -> None:
    query = parse_query("lang:de Genf")
    text = SENTENCES["de"]
    assert match(query, "Gespräche", text, language=detect(text)) is not None
    english = "Genf: " + SENTENCES["en"]
    assert match(query, "Talks", english, language=detect(english)) is None
