"""Subscriptions: feeds.txt, newsboat urls and OPML import, OPML export, list and remove (no network)."""

from __future__ import annotations

import json
import os

import pytest

from reader import paths
from reader.cli import main
from reader.feeds.subscriptions import (FeedsFile, Special, Subscription, SubscriptionError, format_line,
                                        normalize_url, parse_line, parse_opml, parse_urls_file, to_opml)

URLS = """# my feeds
https://example.org/feed.xml news "long tag" "~My \\"own\\" title"
http://EXAMPLE.com/rss#top tech !
"query:Unread news:unread = \\"yes\\""

https://example.org/feed.xml extra news
"""

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="A">
    <outline text="in A" xmlUrl="https://a.example/feed" />
    <outline text="B">
      <outline text="in B" type="rss" xmlUrl="https://b.example/rss" category="x,/y/z" />
    </outline>
  </outline>
  <outline text="top" xmlUrl="https://top.example/atom" />
  <outline text="again" xmlUrl="https://a.example/feed" category="extra" />
  <outline text="bad" xmlUrl="ftp://nope.example/x" />
</body></opml>
"""


def test_newsboat_line_tags_quotes_title_hidden():
    sub = parse_line('https://Example.org/f.xml news "long tag" "~My \\"own\\" title" !')
    assert sub == Subscription("https://example.org/f.xml", ("news", "long tag", "!"), 'My "own" title')
    assert sub.hidden
    assert parse_line(format_line(sub)) == sub  # written back the same
    assert parse_line("# a comment") is None and parse_line("   ") is None
    assert isinstance(parse_line('"query:Unread:unread = \\"yes\\""'), Special)


def test_exec_and_filter_lines_refused_unless_allowed():
    with pytest.raises(SubscriptionError, match="run commands"):
        parse_line("exec:~/bin/make-feed")
    with pytest.raises(SubscriptionError, match="run commands"):
        parse_line('"filter:~/bin/f:https://x.example/feed"')
    assert isinstance(parse_line("exec:~/bin/make-feed", allow_commands=True), Special)
    items, errors = parse_urls_file("exec:rm -rf ~\nhttps://ok.example/feed\n")
    assert [i.url for i in items] == ["https://ok.example/feed/"[:-1]] and "line 1" in errors[0]


@pytest.mark.parametrize("bad", ["file:///etc/passwd", "javascript:alert(1)", "not a url", "http://",
                                 "ftp://x.example/feed", "http://x.example/\x1b[31m"])
def test_only_http_urls(bad):
    with pytest.raises(SubscriptionError):
        normalize_url(bad)


def test_normalize_url_keeps_path_and_query_drops_fragment():
    assert normalize_url("HTTPS://Ex.ORG:8080/A/b?x=1#frag") == "https://ex.org:8080/A/b?x=1"
    assert normalize_url("http://ex.org") == "http://ex.org/"


def test_import_urls_file_merges_duplicates_and_keeps_queries(tmp_path, capsys):
    src = tmp_path / "urls"
    src.write_text(URLS + "exec:~/bin/x\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["feeds", "--articles", str(corpus), "import", str(src)]) == 0
    out = capsys.readouterr()
    assert "imported 2 feeds" in out.out and "run commands" in out.err  # exec: refused, the rest imported
    subs = FeedsFile(corpus).subscriptions()
    assert [s.url for s in subs] == ["https://example.org/feed.xml", "http://example.com/rss"]
    assert subs[0].tags == ("news", "long tag", "extra") and subs[0].title == 'My "own" title'
    assert subs[1].tags == ("tech", "!")
    assert [s.text for s in FeedsFile(corpus).specials()] == ['"query:Unread news:unread = \\"yes\\""']
    # importing again adds nothing
    assert main(["feeds", "--articles", str(corpus), "import", str(src)]) == 0
    assert "imported 0 feeds" in capsys.readouterr().out
    assert len(FeedsFile(corpus).subscriptions()) == 2
    text = (corpus / "feeds.txt").read_text()
    assert text.count("https://example.org/feed.xml") == 1 and "exec:" not in text


def test_import_allows_commands_when_asked_and_never_lists_them(tmp_path, capsys):
    src = tmp_path / "urls"
    src.write_text("exec:~/bin/x\nhttps://ok.example/feed\n", encoding="utf-8")
    corpus = tmp_path / "c"
    assert main(["feeds", "--articles", str(corpus), "import", "--allow-commands", str(src)]) == 0
    assert "exec:~/bin/x" in (corpus / "feeds.txt").read_text()
    assert [s.url for s in FeedsFile(corpus).subscriptions()] == ["https://ok.example/feed"]


def test_opml_folders_and_categories_become_tags():
    titles: dict[str, str] = {}
    subs, errors = parse_opml(OPML, titles)
    by = {s.url: s for s in subs}
    assert by["https://a.example/feed"].tags == ("A", "extra")  # merged
    assert by["https://b.example/rss"].tags == ("A/B", "x", "y/z")
    assert by["https://top.example/atom"].tags == ()
    assert titles["https://b.example/rss"] == "in B" and by["https://b.example/rss"].title is None
    assert len(errors) == 1 and "bad" in errors[0]


def test_opml_entity_bomb_refused_quickly(tmp_path, capsys):
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE opml [{ents}]><opml><body><outline text="&a9;" ' \
           'xmlUrl="https://x.example/f"/></body></opml>'
    src = tmp_path / "bomb.opml"
    src.write_text(bomb)
    assert main(["feeds", "--articles", str(tmp_path / "c"), "import", str(src)]) == 1
    assert "entities" in capsys.readouterr().err
    assert not (tmp_path / "c" / "feeds.txt").exists()


def test_export_then_import_gives_the_same_subscriptions(tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    (tmp_path / "urls").write_text(URLS, encoding="utf-8")
    assert main(["feeds", "--articles", str(one), "import", str(tmp_path / "urls")]) == 0
    out = tmp_path / "subs.opml"
    assert main(["feeds", "--articles", str(one), "export", "-o", str(out)]) == 0
    assert 'version="2.0"' in out.read_text() and 'category="news,long tag,extra"' in out.read_text()
    assert main(["feeds", "--articles", str(two), "import", str(out)]) == 0
    assert FeedsFile(two).subscriptions() == FeedsFile(one).subscriptions()


def test_export_escapes_and_parses_back():
    subs = [Subscription("https://x.example/f?a=1&b=2", ('tag "q"', "a,b"), "T <&> \"x\"")]
    back, errors = parse_opml(to_opml(subs).encode())
    assert errors == [] and back[0].url == subs[0].url and back[0].title == subs[0].title
    assert back[0].tags == ('tag "q"', "a b")  # a comma would split the category


def test_list_json_and_remove(tmp_path, capsys):
    corpus = tmp_path / "c"
    (tmp_path / "urls").write_text("https://a.example/f x\nhttps://b.example/g\n")
    main(["feeds", "--articles", str(corpus), "import", str(tmp_path / "urls")])
    capsys.readouterr()
    assert main(["feeds", "--articles", str(corpus), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["url"] for r in rows] == ["https://a.example/f", "https://b.example/g"]
    assert set(rows[0]) >= {"url", "title", "tags", "articles", "last_fetched", "status", "error", "next_check"}
    assert rows[0]["tags"] == ["x"] and rows[0]["articles"] == 0 and rows[0]["error"] is None
    assert main(["feeds", "--articles", str(corpus), "remove", "https://a.example/f"]) == 0
    assert [s.url for s in FeedsFile(corpus).subscriptions()] == ["https://b.example/g"]
    assert main(["feeds", "--articles", str(corpus), "remove", "https://a.example/f"]) == 1
    assert "not subscribed" in capsys.readouterr().err


def test_feeds_txt_edits_keep_comments_and_order(tmp_path):
    (tmp_path / "feeds.txt").write_text("# mine\nhttps://a.example/f x # why\n\n# later\nhttps://b.example/g\n")
    ff = FeedsFile(tmp_path)
    assert ff.add(Subscription("https://c.example/h"))
    assert not ff.add(Subscription("https://a.example/f"))
    ff.remove("https://b.example/g")
    ff.save()
    assert (tmp_path / "feeds.txt").read_text() == "# mine\nhttps://a.example/f x # why\n\n# later\nhttps://c.example/h\n"


def test_default_library_when_no_folder_given(tmp_path, capsys, monkeypatch):
    (tmp_path / "urls").write_text("https://a.example/f\n")
    assert main(["feeds", "import", str(tmp_path / "urls")]) == 0
    library = paths.user_library()
    assert (library / "feeds.txt").is_file()
    # with subscriptions there, the library is the corpus commands open by default
    from reader.cli import articles_dir, build_parser

    assert articles_dir(build_parser().parse_args(["list"])) == library


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_corpus_is_a_clear_message(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    (tmp_path / "urls").write_text("https://a.example/f\n")
    ro.chmod(0o555)
    try:
        assert main(["feeds", "--articles", str(ro), "import", str(tmp_path / "urls")]) == 1
    finally:
        ro.chmod(0o755)
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err


def test_read_only_check_without_root(tmp_path, monkeypatch, capsys):
    """The same message whoever runs the tests (root ignores permission bits)."""
    import reader.feeds.subscriptions as subs_mod

    monkeypatch.setattr(subs_mod.os, "access", lambda path, mode: False)
    (tmp_path / "urls").write_text("https://a.example/f\n")
    assert main(["feeds", "--articles", str(tmp_path / "c"), "import", str(tmp_path / "urls")]) == 1
    assert "is read-only" in capsys.readouterr().err


def test_import_bad_files(tmp_path, capsys):
    (tmp_path / "bin").write_bytes(b"\x00\x01\x02" * 100)
    assert main(["feeds", "--articles", str(tmp_path / "c"), "import", str(tmp_path / "bin")]) == 1
    assert "binary" in capsys.readouterr().err
    assert main(["feeds", "--articles", str(tmp_path / "c"), "import", str(tmp_path / "missing")]) == 1
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "broken.opml").write_text("<?xml version='1.0'?><opml><body><outline")
    assert main(["feeds", "--articles", str(tmp_path / "c"), "import", str(tmp_path / "broken.opml")]) == 1
    assert "not a valid OPML" in capsys.readouterr().err


def test_the_command_line_loads_no_feed_machinery_until_a_feed_command_runs():
    import subprocess
    import sys

    code = ("import sys; from reader.cli import build_parser; build_parser().parse_args(['list']); "
            "print(sorted(m for m in ('feedparser', 'urllib3', 'trafilatura', 'py3langid', 'defusedxml', "
            "'reader.feeds.update') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr[-500:]
