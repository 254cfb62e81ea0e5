"""The verifier's wider word sources (lemmas, the system thesauri, acronyms, clippings) and
the rules that keep them from joining words that change the answer (degrees, modifying
prefixes, units, scope, articles as numbers, swapped directions). The questions are written
here, not taken from the benchmark's pair sets."""

from __future__ import annotations

import pytest

from hybridai.cache import thesaurus
from hybridai.cache.verify import verify

needs_thesaurus = pytest.mark.skipif(
    not {"en", "de", "fr", "es"} <= set(thesaurus.available()),
    reason="the mythes thesauri are not installed (apt-get install mythes-en-us mythes-de "
           "mythes-fr mythes-es; scripts/setup.sh does it)")

SAME_BY_LEMMA = [
    ("de", "Weißt du, wann die Bibliothek öffnet?", "Wissen Sie, wann die Bibliothek öffnet?"),
    ("es", "¿Sabes cómo se renueva el pasaporte?", "¿Sabe usted cómo se renueva el pasaporte?"),
    ("fr", "Comment cuire un œuf mollet ?", "Comment cuire un oeuf mollet ?"),
]
SAME_BY_ACRONYM = [
    ("en", "What is the population of the UK?", "What is the population of the United Kingdom?"),
    ("en", "How does a VPN work?", "How does a virtual private network work?"),
    ("fr", "Combien coûte un billet de TGV ?",
     "Combien coûte un billet de train à grande vitesse ?"),
    ("fr", "Quel capital pour créer une SARL ?",
     "Quel capital pour créer une société à responsabilité limitée ?"),
    ("es", "¿Qué es la OTAN?", "¿Qué es la Organización del Tratado del Atlántico Norte?"),
    ("de", "Wie viele Länder hat die EU?", "Wie viele Länder hat die Europäische Union?"),
]
SAME_BY_CLIPPING_OR_FRAMING = [
    ("en", "Where is the nginx config file on Debian?",
     "Where is the nginx configuration file on Debian?"),
    ("fr", "Combien coûte la rénov d'une cuisine ?",
     "Combien coûte la rénovation d'une cuisine ?"),
    ("en", "Sorry to bother you, but how do I descale a kettle?", "How do I descale a kettle?"),
    ("de", "Entschuldigung, wie lange ist die Post geöffnet?", "Wie lange ist die Post geöffnet?"),
    ("es", "Disculpe, ¿dónde se compra el abono de transporte?",
     "¿Dónde se compra el abono de transporte?"),
    ("en", "How many grams are in 1 pound?", "How many grams are in one pound?"),
    ("fr", "Peut-on congeler du fromage ?", "Est-ce qu'on peut congeler du fromage ?"),
    ("en", "I was wondering what a hedge fund is.", "What is a hedge fund?"),
    ("de", "Wo finde ich meine E-Mail-Adresse bei GMX?",
     "Wo finde ich meine Emailadresse bei GMX?"),
    ("es", "¿Qué ventajas tiene una S.L.?", "¿Qué ventajas tiene una sociedad limitada?"),
    ("en", "Why won't my bread dough rise?", "Why is my bread dough not rising?"),
    ("fr", "Combien de grammes dans 1 cuillère à soupe de farine ?",
     "Combien de grammes dans une cuillère à soupe de farine ?"),
]
SAME_BY_THESAURUS = [
    ("en", "How do I mend a torn jacket?", "How do I repair a torn jacket?"),
    ("de", "Wie oft muss ich mit dem Wagen zum TÜV?", "Wie oft muss ich mit dem Auto zum TÜV?"),
    ("es", "¿Dónde puedo arreglar mi bicicleta?", "¿Dónde puedo reparar mi bicicleta?"),
    ("fr", "Quand commencer à tailler les rosiers ?", "Quand débuter la taille des rosiers ?"),
]
DIFFERENT = [
    ("en", "Is a small salad filling?", "Is a smaller salad filling?"),
    ("en", "Is a good mattress worth it?", "Is a better mattress worth it?"),
    ("de", "Wie lange darf ich meine Wohnung vermieten?",
     "Wie lange darf ich meine Wohnung untervermieten?"),
    ("fr", "Puis-je louer mon studio ?", "Puis-je sous-louer mon studio ?"),
    ("en", "When is check-in at the hostel?", "When is check-out at the hostel?"),
    ("es", "¿Cuántos mililitros tiene una cucharada?",
     "¿Cuántos mililitros tiene una cucharadita?"),
    ("en", "Do all spiders spin webs?", "Do some spiders spin webs?"),
    ("de", "Wie schicke ich Bilder vom Tablet aufs Handy?",
     "Wie schicke ich Bilder vom Handy aufs Tablet?"),
    ("fr", "La cuisine est-elle trop grande ?", "La cuisine est-elle assez grande ?"),
    ("en", "Is Ceres a planet?", "Was Ceres a planet?"),
    ("en", "What did the Vikings drink?", "What do the Vikings drink?"),
]


@pytest.mark.parametrize(("lang", "asked", "stored"),
                         SAME_BY_LEMMA + SAME_BY_ACRONYM + SAME_BY_CLIPPING_OR_FRAMING)
def test_these_paraphrases_get_the_stored_answer(lang, asked, stored):
    verdict = verify(asked, stored, 0.9)
    assert verdict.hit, (verdict.reason, verdict.detail)
    assert verdict.detail == lang


@needs_thesaurus
@pytest.mark.parametrize(("lang", "asked", "stored"), SAME_BY_THESAURUS)
def test_thesaurus_synonyms_get_the_stored_answer(lang, asked, stored):
    verdict = verify(asked, stored, 0.9)
    assert verdict.hit, (verdict.reason, verdict.detail)


@pytest.mark.parametrize(("lang", "asked", "stored"), DIFFERENT)
def test_these_near_misses_do_not(lang, asked, stored):
    for one, other in ((asked, stored), (stored, asked)):
        verdict = verify(one, other, 0.95)
        assert not verdict.hit, (lang, one, other)


@needs_thesaurus
def test_synonyms_must_be_listed_both_ways_and_never_as_opposites():
    assert thesaurus.synonyms("fix", "repair", "en")
    assert thesaurus.synonyms("entfernen", "beseitigen", "de")
    assert not thesaurus.synonyms("big", "small", "en")  # an antonym in WordNet's entry
    assert not thesaurus.synonyms("winter", "summer", "en")
    assert not thesaurus.synonyms("fix", "fix", "en")


def test_a_cup_of_tea_holds_no_number():
    """An article counts one only against a written number: "a cup of tea" is no quantity."""
    verdict = verify("How do I brew a cup of black tea?", "How do I brew black tea?", 0.9)
    assert verdict.reason != "numbers"


def test_degrees_of_one_adjective_are_told_apart():
    assert thesaurus.degree_differs("big", "bigger", "en")
    assert thesaurus.degree_differs("good", "better", "en")
    assert thesaurus.degree_differs("groß", "größte", "de")
    assert not thesaurus.degree_differs("went", "go", "en")
    assert thesaurus.lemma("ging", "de") == "gehen"


def test_without_thesauri_the_verifier_still_decides(monkeypatch, tmp_path):
    monkeypatch.setenv("HYBRIDAI_THESAURUS_DIR", str(tmp_path))  # an empty directory
    thesaurus._thesaurus.cache_clear()
    thesaurus._members.cache_clear()
    try:
        assert thesaurus.available() == ()
        assert not thesaurus.synonyms("fix", "repair", "en")
        assert verify("What is the population of the UK?",
                      "What is the population of the United Kingdom?", 0.9).hit
    finally:
        monkeypatch.delenv("HYBRIDAI_THESAURUS_DIR")
        thesaurus._thesaurus.cache_clear()
        thesaurus._members.cache_clear()
