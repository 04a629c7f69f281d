"""reader.text: the one sentence splitter (the events' extraction and the s key share it)."""

import subprocess
import sys

from reader import text


def test_abbreviations_and_initials_end_no_sentence():
    s = "Selon M. Musk, le prix change. J. Dupont, de la société U.S. Steel, répond. Fin de l'histoire ici."
    assert [s[a:b] for a, b in text.split_sentences(s)] == [
        "Selon M. Musk, le prix change.", "J. Dupont, de la société U.S. Steel, répond.", "Fin de l'histoire ici."]


def test_one_splitter_for_the_events_and_the_reader():
    from reader.events import extract

    assert extract.split_sentences is text.split_sentences
    assert extract.quote_depth_at is text.quote_depth_at


def test_a_leaf_module_of_the_standard_library_only():
    code = "import sys, reader.text; print(sorted(m for m in sys.modules if m.startswith('reader.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['reader.text']"
