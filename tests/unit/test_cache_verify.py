"""The semantic cache's verifier (hybridai.cache.verify): which candidates deserve the stored
answer, in English, German, French and Spanish. The questions here are not the benchmark's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hybridai.cache.response_cache import ResponseCache
from hybridai.cache.store import StoredAnswer
from hybridai.cache.verify import Verdict, verify
from hybridai.config import CacheSettings
from hybridai.schema.modes import Mode
from hybridai.schema.request import ChatRequest

SAME = [
    # word order, politeness, filler
    ("en", "Please explain how a dishwasher works.", "Explain how a dishwasher works, please."),
    ("en", "Hi there! Could you tell me how to peel a mango? Thanks!", "How do I peel a mango?"),
    ("de", "Bitte erkläre mir, wie ein Elektromotor funktioniert.",
     "Erkläre mir, wie ein Elektromotor funktioniert, bitte."),
    ("de", "Wie alt ist eigentlich der Kölner Dom?", "Wie alt ist der Kölner Dom?"),
    ("fr", "S'il vous plaît, comment nettoyer un four ?", "Comment nettoyer un four, svp ?"),
    ("es", "Por favor, ¿cómo limpio un horno?", "¿Cómo limpio un horno, por favor?"),
    # question vs imperative
    ("en", "What is a hedge fund?", "Explain what a hedge fund is."),
    ("de", "Was ist ein Bausparvertrag?", "Erkläre mir, was ein Bausparvertrag ist."),
    ("fr", "Qu'est-ce qu'une éclipse ?", "Explique-moi ce qu'est une éclipse."),
    ("es", "¿Qué es un eclipse?", "Explícame qué es un eclipse."),
    # synonyms
    ("en", "How do I fix a broken zipper?", "How can I repair a broken zipper?"),
    ("en", "What is the largest lake in Africa?", "What is the biggest lake in Africa?"),
    ("de", "Wie schalte ich das WLAN ein?", "Wie aktiviere ich das WLAN?"),
    ("fr", "Comment éteindre le Bluetooth ?", "Comment désactiver le Bluetooth ?"),
    ("es", "¿Cómo apago el wifi?", "¿Cómo desactivo el wifi?"),
    # contractions and casual writing
    ("en", "Why doesn't bread rise?", "Why does bread not rise?"),
    ("en", "whats the capital of peru", "What is the capital of Peru?"),
    # accents dropped
    ("fr", "Comment préparer une crème brûlée ?", "Comment preparer une creme brulee ?"),
    ("es", "¿Cuántos años tiene la catedral de León?", "¿Cuantos años tiene la catedral de Leon?"),
    ("de", "Wie lösche ich meinen Verlauf?", "Wie losche ich meinen Verlauf?"),
    # German compounds, noun variants and separable verbs
    ("de", "Wie lange dauert die Kontoeröffnung?", "Wie lange dauert die Eröffnung des Kontos?"),
    ("de", "Was kostet ein Fahrradschloss?", "Was kostet ein Schloss für das Fahrrad?"),
    ("de", "Wie stelle ich den Wecker ein?", "Wie kann ich den Wecker einstellen?"),
    # typos
    ("en", "How do I renew my pasport?", "How do I renew my passport?"),
    ("en", "What is the diffrence between a lake and a pond?",
     "What is the difference between a lake and a pond?"),
    ("de", "Wie funktoniert eine Wärmepumpe?", "Wie funktioniert eine Wärmepumpe?"),
    ("fr", "Comment fonctionne une pompe à chaleur ?", "Comment fonctione une pompe à chaleur ?"),
    ("es", "¿Cómo funciona una bomba de calor?", "¿Cómo funicona una bomba de calor?"),
    # numbers written three ways, Roman numerals, ordinals
    ("en", "What caused World War I?", "What caused the First World War?"),
    ("en", "Give me four ideas for a picnic.", "Give me 4 ideas for a picnic."),
    ("de", "Wer regierte im 18. Jahrhundert Preußen?",
     "Wer regierte im achtzehnten Jahrhundert Preußen?"),
    ("fr", "Qui a gagné la Seconde Guerre mondiale ?", "Qui a gagné la 2e Guerre mondiale ?"),
    ("es", "¿Quién ganó la Segunda Guerra Mundial?", "¿Quién ganó la II Guerra Mundial?"),
    # unit names and symbols
    ("en", "What is 120 km/h in mph?", "What is 120 kilometers per hour in miles per hour?"),
    ("de", "Wie viel sind 30 °C in Fahrenheit?", "Wie viel sind 30 Grad Celsius in Fahrenheit?"),
    ("fr", "Combien font 3 kg en livres ?", "Combien font 3 kilogrammes en livres ?"),
    ("es", "¿Cuántas millas son 50 km?", "¿Cuántas millas son 50 kilómetros?"),
    # case says nothing where the writer does not use it
    ("en", "how do i say thank you in polish", "How do I say thank you in Polish?"),
    ("de", "wie lange muss man eier kochen", "Wie lange muss man Eier kochen?"),
]

DIFFERENT = [
    # antonyms and exclusive alternatives
    ("en", "Is a lion bigger than a tiger?", "Is a lion smaller than a tiger?", "opposites"),
    ("en", "Sort the names in ascending order.", "Sort the names in descending order.",
     "opposites"),
    ("en", "Which bike suits beginners?", "Which bike suits experienced riders?", "opposites"),
    ("en", "What should I wear hiking in winter?", "What should I wear hiking in summer?",
     "opposites"),
    ("en", "Can I pack a razor in my checked luggage?",
     "Can I pack a razor in my carry-on luggage?", "opposites"),
    ("en", "Which vegetables are high in potassium?", "Which vegetables are low in potassium?",
     "opposites"),
    ("en", "How do I calculate the radius of a sphere?",
     "How do I calculate the diameter of a sphere?", "opposites"),
    ("en", "What is the area of a triangle?", "What is the perimeter of a triangle?",
     "opposites"),
    ("de", "Ist ein Elefant größer als eine Giraffe?", "Ist ein Elefant kleiner als eine Giraffe?",
     "opposites"),
    ("de", "Sortiere die Zahlen aufsteigend.", "Sortiere die Zahlen absteigend.", "opposites"),
    ("de", "Welcher Kletterkurs ist für Anfänger?", "Welcher Kletterkurs ist für Fortgeschrittene?",
     "opposites"),
    ("de", "Wie dosiert man Paracetamol bei Erwachsenen?",
     "Wie dosiert man Paracetamol bei Kindern?", "opposites"),
    ("fr", "Quel est le plus grand pays d'Europe ?", "Quel est le plus petit pays d'Europe ?",
     "opposites"),
    ("fr", "Trie les prix par ordre croissant.", "Trie les prix par ordre décroissant.",
     "negation"),
    ("fr", "Que faire à Lyon en hiver ?", "Que faire à Lyon en été ?", "opposites"),
    ("es", "¿Qué país es más grande, Chile o Perú?", "¿Qué país es más pequeño, Chile o Perú?",
     "opposites"),
    ("es", "Ordena los precios de forma ascendente.", "Ordena los precios de forma descendente.",
     "opposites"),
    ("es", "¿Qué ropa llevo en verano a Madrid?", "¿Qué ropa llevo en invierno a Madrid?",
     "opposites"),
    # negation words and negating prefixes
    ("en", "Which plants are safe for cats?", "Which plants are not safe for cats?", "negation"),
    ("en", "How do I install Docker?", "How do I uninstall Docker?", "negation"),
    ("de", "Welche Pilze sind essbar?", "Welche Pilze sind nicht essbar?", "negation"),
    ("de", "Wie sperre ich mein Tablet?", "Wie entsperre ich mein Tablet?", "negation"),
    ("fr", "Pourquoi mon imprimante marche ?", "Pourquoi mon imprimante ne marche pas ?",
     "negation"),
    ("fr", "Comment activer la localisation ?", "Comment désactiver la localisation ?",
     "negation"),
    ("es", "¿Qué setas son comestibles?", "¿Qué setas no son comestibles?", "negation"),
    ("es", "¿Cómo bloqueo mi tarjeta?", "¿Cómo desbloqueo mi tarjeta?", "negation"),
    ("es", "¿Qué pan lleva gluten?", "¿Qué pan es sin gluten?", "negation"),
    # comparatives and superlatives
    ("fr", "Le train est-il plus rapide que le car ?", "Le train est-il moins rapide que le car ?",
     "degree"),
    ("es", "¿Es el té más sano que el café?", "¿Es el té tan sano como el café?", "degree"),
    ("de", "Ist ein großer Hund teuer?", "Ist ein größerer Hund teuer?", "degree"),
    ("en", "What is the fastest bird?", "What is the slowest bird?", "opposites"),
    # numbers and quantities
    ("en", "What is 12% of 250?", "What is 12% of 300?", "numbers"),
    ("en", "Who won the third Ashes test?", "Who won the fourth Ashes test?", "numbers"),
    ("de", "Was geschah im 19. Jahrhundert?", "Was geschah im 20. Jahrhundert?", "numbers"),
    ("fr", "Donne-moi deux idées de dessert.", "Donne-moi six idées de dessert.", "numbers"),
    ("es", "¿Qué pasó en la Primera Guerra Mundial?", "¿Qué pasó en la Segunda Guerra Mundial?",
     "numbers"),
    ("en", "How long does it take to walk 10 miles?", "How long does it take to walk 10 km?",
     "quantities"),
    ("en", "What is 40 °C in Kelvin?", "What is 40 °F in Kelvin?", "quantities"),
    ("de", "Wie viel wiegen 2 kg Mehl in Pfund?", "Wie viel wiegen 2 Pfund Mehl in kg?",
     "quantities"),
    ("fr", "Combien font 90 km/h en mph ?", "Combien font 90 mph en km/h ?", "quantities"),
    ("es", "¿Cuánto pesan 3 kg de arroz?", "¿Cuánto pesan 3 libras de arroz?", "quantities"),
    # entities (a German noun is no name, but another noun is another question)
    ("en", "What is the capital of Slovenia?", "What is the capital of Slovakia?", "names"),
    ("en", "What is the capital of Niger?", "What is the capital of Nigeria?", "names"),
    ("de", "Wann wurde Beethoven geboren?", "Wann wurde Mozart geboren?", "content"),
    ("de", "Wie viele Kalorien hat eine Banane?", "Wie viele Kalorien hat eine Orange?",
     "content"),
    ("fr", "Quelle est la capitale de la Suède ?", "Quelle est la capitale de la Suisse ?",
     "names"),
    ("es", "¿Cuál es la capital de Suecia?", "¿Cuál es la capital de Suiza?", "names"),
    # a word that is real is no typo of another
    ("en", "How do I feed a horse?", "How do I feed a house?", "content"),
    ("en", "What do bats eat?", "What do cats eat?", "content"),
    # case-sensitive words, when both writers use capitals
    ("en", "Tell me about the history of Turkey.", "Tell me about the history of turkey.",
     "case"),
    ("en", "What do you know about Apple?", "What do you know about apple?", "case"),
    # the same words swapped around a connective
    ("en", "How do I convert Celsius to Kelvin?", "How do I convert Kelvin to Celsius?", "order"),
    ("de", "Ist Hamburg größer als Köln?", "Ist Köln größer als Hamburg?", "order"),
    ("fr", "Comment convertir des yens en euros ?", "Comment convertir des euros en yens ?",
     "order"),
    ("es", "¿Es Sevilla más antigua que Toledo?", "¿Es Toledo más antigua que Sevilla?",
     "order"),
    # something added is something asked
    ("en", "How do I cook quinoa?", "How do I cook red quinoa?", "content"),
    ("de", "Wie backe ich Brot?", "Wie backe ich glutenfreies Brot?", "content"),
    ("fr", "Comment faire une pizza ?", "Comment faire une pizza sans gluten ?", "negation"),
    ("es", "¿Cómo hago pan?", "¿Cómo hago pan integral?", "content"),
    # other question words, other languages
    ("en", "When was Shakespeare born?", "Where was Shakespeare born?", "question"),
    ("de", "Wann wurde Luther geboren?", "Wo wurde Luther geboren?", "question"),
    ("en", "What is the capital of Spain?", "¿Cuál es la capital de España?", "language"),
]


@pytest.mark.parametrize(("lang", "asked", "stored"), SAME)
def test_paraphrases_get_the_stored_answer(lang, asked, stored):
    verdict = verify(asked, stored, 0.8)
    assert verdict.hit, (verdict.reason, verdict.detail)
    assert verdict.reason == "match" and verdict.detail == lang
    assert verify(stored, asked, 0.8).hit


@pytest.mark.parametrize(("lang", "asked", "stored", "reason"), DIFFERENT)
def test_near_misses_do_not(lang, asked, stored, reason):
    verdict = verify(asked, stored, 0.95)
    assert not verdict.hit
    assert verdict.reason == reason, verdict.detail
    assert not verify(stored, asked, 0.95).hit


def test_a_verdict_says_what_differed():
    verdict = verify("How do I sort a list in ascending order?",
                     "How do I sort a list in descending order?", 0.97)
    assert verdict == Verdict(False, "opposites", "ascending / descending", 0.97)
    assert verify("What is 15% of 80?", "What is 15% of 90?", 0.9).detail == "80 / 90"


def test_the_verifier_never_reads_a_different_number_as_the_same():
    assert not verify("What is 1,5 times 2?", "What is 15 times 2?", 0.99).hit
    assert verify("What is 1,000 times 2?", "What is 1000 times 2?", 0.99).hit
    assert verify("What is 1.5 times 2?", "What is 1,5 times 2?", 0.99).hit


# -- through the cache, with an embedder that finds every stored question similar ---------

ANSWER = StoredAnswer(chunks=["Blue."], finish_reason="stop", prompt_tokens=5,
                      completion_tokens=2, route="on_device", target="device",
                      model="smollm2", cost_usd=0.0)


class SameVector:
    """Every text gets one unit vector (cosine 1.0): only the verifier can tell them apart."""

    name = "same-vector"

    def embed(self, texts: list[str]) -> np.ndarray:
        vector = np.ones(384, np.float32) / np.sqrt(384)
        return np.stack([vector for _ in texts])


def request(question: str) -> ChatRequest:
    return ChatRequest.parse({"messages": [{"role": "user", "content": question}],
                              "temperature": 0})


def test_the_cache_gives_a_semantic_hit_only_when_the_verifier_agrees(tmp_path: Path):
    settings = CacheSettings(mode="semantic", path=tmp_path / "c.sqlite")
    cache = ResponseCache(settings, tmp_path, embedder=SameVector())
    models = ["device:smollm2"]
    first = cache.look_up(request("Wie lösche ich mein Konto?"), Mode.ONLY_ON_DEVICE, models)
    assert first is not None and first.hit is None
    cache.store.put(first.key.exact, first.key.scope, first.key.question, ANSWER,
                    embedder=SameVector.name,
                    embedding=SameVector().embed([first.key.question])[0])

    cache.close()
    cache = ResponseCache(settings, tmp_path, embedder=SameVector())  # loads the index

    def match(question: str) -> str | None:
        lookup = cache.look_up(request(question), Mode.ONLY_ON_DEVICE, models)
        assert lookup is not None
        return None if lookup.hit is None else lookup.hit.match

    assert match("Wie kann ich mein Konto löschen?") == "semantic"
    assert match("Wie losche ich mein Konto?") == "semantic"
    assert match("Wie lösche ich mein Konto nicht?") is None
    assert match("Wie lösche ich mein Profil?") is None
    assert match("Wie lösche ich mein Konto?") == "exact"
    cache.close()
