"""newsboat query: lines → saved searches (reader.listfilter.newsboat_query), and the import hook."""

import subprocess
import sys

import pytest

from reader.listfilter.newsboat_query import Untranslatable, import_queries, split_query_line, translate
from reader.listfilter.saved import SavedSearches


@pytest.mark.parametrize("expr, want", [
    ('unread = "yes"', "unread"),
    ('unread = "no"', "-unread"),
    ('tags # "tech"', "tag:tech"),
    ('title =~ "rust"', "title:rust"),
    ('unread = "yes" and tags # "tech"', "unread AND tag:tech"),
    ('(tags # "a" or tags # "b") and flags # "s"', "(tag:a OR tag:b) AND starred"),
    ('feedtitle =~ "le monde"', 'feed:"le monde"'),
])
def test_translate(expr, want):
    assert translate(expr) == want


@pytest.mark.parametrize("expr", ['age < "3"', 'title =~ "^foo.*"', 'unread = "maybe"', 'title', '', 'a b c'])
def test_untranslatable(expr):
    with pytest.raises(Untranslatable):
        translate(expr)


def test_split_query_line():
    assert split_query_line('"query:Unread news:unread = \\"yes\\""') == ("Unread news", 'unread = "yes"')


def test_import_queries_saves_and_reports(tmp_path):
    store = SavedSearches(tmp_path / "s.json")
    rep = import_queries(['"query:Unread:unread = \\"yes\\""', '"query:Old:age > \\"30\\""',
                          '"query:Tech:tags # \\"tech\\""'], store)
    assert rep.saved == [("Unread", "unread"), ("Tech", "tag:tech")]
    assert len(rep.skipped) == 1 and "Old" in rep.skipped[0]
    assert [(s.name, s.query) for s in store.list()] == [("Unread", "unread"), ("Tech", "tag:tech")]
    again = import_queries(['"query:Unread:unread = \\"yes\\""'], store)  # the same again: nothing new
    assert again.saved == [] and again.skipped == []


def test_feeds_import_makes_saved_searches(tmp_path):
    urls = tmp_path / "urls"
    urls.write_text('https://example.org/feed.xml tech\n"query:Fresh:unread = \\"yes\\""\n'
                    '"query:Recent:age < \\"3\\""\n', encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    out = subprocess.run([sys.executable, "-m", "reader", "--articles", str(folder), "feeds", "import", str(urls)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "saved search 'Fresh': unread" in out.stdout
    assert "query line not imported" in out.stdout and "Recent" in out.stdout
    assert [(s.name, s.query) for s in SavedSearches().list()] == [("Fresh", "unread")]
