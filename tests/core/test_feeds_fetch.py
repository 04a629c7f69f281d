"""Fetching against a loopback server: formats, encodings, identity, edits, deletions, HTTP behaviour,
hostile bodies, the articles the catalogue then lists, and ``reader fetch``/``reader show``."""

from __future__ import annotations

import json
import time

import pytest

from helpers.feeds import FAST, item, rss, run, subscribe
from helpers.feedserver import FeedServer
from reader.cli import main
from reader.corpus import Catalogue, load_article
from reader.feeds import net
from reader.feeds.subscriptions import FeedsFile, Subscription
from reader.feeds.update import Updater, state_db

RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Journal</title><link>https://journal.example/</link>
<language>fr-FR</language>
<item><title>Premier titre</title><link>/articles/1</link><guid isPermaLink="false">id-1</guid>
<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Un &lt;a href="/lien"&gt;lien relatif&lt;/a&gt; et &lt;img src="img/chat.png" alt="un chat"&gt;.&lt;/p&gt;</description></item>
<item><title>Deuxième</title><link>/articles/2</link><guid isPermaLink="false">id-2</guid>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate><description>Texte deux.</description></item>
</channel></rss>"""

RSS091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>http://o.example/</link>
<item><title>Ancient</title><link>http://o.example/1</link><description>from 0.91</description></item>
<item><title>Bad link</title><link>javascript:alert(1)</link><description>x</description></item></channel></rss>"""

RSS10 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://r.example/"><title>RDF feed</title><link>http://r.example/</link></channel>
<item rdf:about="http://r.example/a"><title>RDF item</title><link>http://r.example/a</link>
<dc:date>2026-11-02T08:00:00Z</dc:date><description>from 1.0</description></item></rdf:RDF>"""

ATOM10 = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Atom one</title><link href="https://atom.example/"/><id>urn:feed</id><updated>2026-11-03T00:00:00Z</updated>
<entry><title type="html">Atom &amp;lt;b&amp;gt;entry&amp;lt;/b&amp;gt;</title><id>urn:e1</id><link href="e/1"/>
<updated>2026-11-03T00:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><h2>Heading</h2><blockquote><p>Quoted.</p></blockquote>
<ul><li>one</li><li>two</li></ul><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
<pre><code>print("hi")</code></pre></div></content></entry></feed>"""

ATOM03 = """<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom zero three</title><link rel="alternate" type="text/html" href="http://a3.example/"/>
<entry><title>Old atom</title><id>tag:a3,1</id><link rel="alternate" type="text/html" href="http://a3.example/1"/>
<issued>2026-10-01T00:00:00Z</issued><content type="text/html" mode="escaped">&lt;p&gt;zero three&lt;/p&gt;</content></entry></feed>"""

JSONFEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "JSON one", "home_page_url": "https://j.example/",
    "language": "de",
    "items": [
        {"id": "j1", "url": "/posts/1", "title": "Erster", "content_html": "<p>Hallo <em>Welt</em></p>",
         "date_published": "2026-11-04T10:00:00Z", "authors": [{"name": "Ann"}]},
        {"id": 2, "title": "Zweiter", "content_text": "Zeile eins\n\nZeile *zwei*", "language": "en"},
        {"url": "https://j.example/posts/3", "summary": "no id, no title"},
    ]})

LATIN1 = """<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Caf\xe9</title>
<item><title>\xc9t\xe9 \xe0 Paris</title><guid>l1</guid><description>cr\xe8me br\xfbl\xe9e</description></item>
</channel></rss>""".encode("latin-1")

CP1252_NO_DECL = """<rss version="2.0"><channel><title>Sans d\xe9claration</title>
<item><title>\u2019guillemets\u2019 \u20ac</title><guid>c1</guid><description>x</description></item></channel></rss>""".encode("cp1252")


@pytest.fixture
def srv():
    with FeedServer() as s:
        yield s


def articles(corpus):
    result = Catalogue(corpus).refresh()
    assert result.errors == []
    return {m.title: m for m in result.articles}


def by_url(report):
    return {r.url: r for r in report.feeds}


def test_every_format_is_read_and_listed_by_the_catalogue(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/rss20", RSS20, content_type="application/rss+xml; charset=utf-8")
    srv.add("/rss091", RSS091)
    srv.add("/rss10", RSS10, content_type="application/rdf+xml")
    srv.add("/atom10", ATOM10, content_type="application/atom+xml")
    srv.add("/atom03", ATOM03)
    srv.add("/json", JSONFEED, content_type="application/feed+json")
    urls = [srv.url(p) for p in ("/rss20", "/rss091", "/rss10", "/atom10", "/atom03", "/json")]
    subscribe(corpus, *urls)
    report = run(corpus)
    assert [r.error for r in report.feeds] == [None] * 6
    assert sum(r.new for r in report.feeds) == 2 + 2 + 1 + 1 + 1 + 3
    arts = articles(corpus)
    first = arts["Premier titre"]
    assert first.source == "Le Journal" and first.language == "fr" and str(first.published) == "2026-12-01"
    assert first.url == srv.url("/articles/1")  # relative link resolved against the final URL
    assert first.path.relative_to(corpus).parts[0] == "feeds"
    body = load_article(first)
    assert body.passages[0].text == "Un lien relatif et [image: un chat]."
    assert any(s.href == srv.url("/lien") for s in body.passages[0].spans)
    for title in ("Ancient", "RDF item", "Old atom", "Erster", "Zweiter"):
        assert title in arts, title
    assert arts["Bad link"].url is None  # only http(s) links are kept
    # "Zweiter" declares English but is German: the detection on title + text wins, the declaration stays
    assert arts["Erster"].language == "de" and arts["Zweiter"].language == "de"
    assert 'language_declared: "en"' in arts["Zweiter"].path.read_text()
    assert arts["Erster"].url == srv.url("/posts/1")  # against the feed URL, not home_page_url
    assert [p.text for p in load_article(arts["Zweiter"]).passages] == ["Zeile eins", "Zeile *zwei*"]
    atom = next(m for t, m in arts.items() if t.startswith("Atom"))
    assert atom.title == "Atom <b>entry</b>"  # markup in a title is text, never rendered
    kinds = [(p.kind, p.text) for p in load_article(atom).passages]
    assert kinds == [("heading", "Heading"), ("quote", "Quoted."), ("item", "one"), ("item", "two"),
                     ("row", "a │ b"), ("row", "1 │ 2"), ("code", 'print("hi")')]


def test_encodings_from_declaration_and_from_http_header(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/latin1", LATIN1)
    srv.add("/cp1252", CP1252_NO_DECL, content_type="text/xml; charset=windows-1252")
    subscribe(corpus, srv.url("/latin1"), srv.url("/cp1252"))
    report = run(corpus)
    assert [r.error for r in report.feeds] == [None, None]
    arts = articles(corpus)
    assert "Été à Paris" in arts and "\u2019guillemets\u2019 €" in arts
    assert arts["Été à Paris"].source == "Café"
    assert load_article(arts["Été à Paris"]).passages[0].text == "crème brûlée"


def test_repeated_guid_is_two_articles_and_identity_is_stable(srv, tmp_path):
    corpus = tmp_path / "c"
    feed = srv.add("/f", rss(item("same", "One", link="/1") + item("same", "Two", link="/2")
                             + item(None, "No guid", link="/3") + item(None, "Neither")))
    subscribe(corpus, srv.url("/f"))
    assert run(corpus).feeds[0].new == 4
    ids = {t: m.id for t, m in articles(corpus).items()}
    assert len(set(ids.values())) == 4
    r = run(corpus).feeds[0]
    assert (r.new, r.updated, r.unchanged) == (0, 0, 4)
    feed.body = feed.body.replace(b"body", b"changed body", 1)  # "One" edited
    r = run(corpus).feeds[0]
    assert (r.new, r.updated, r.unchanged) == (0, 1, 3)
    after = articles(corpus)
    assert {t: m.id for t, m in after.items()} == ids  # same ids, in place
    assert load_article(after["One"]).passages[0].text == "changed body"
    assert len(list((corpus / "feeds").rglob("*.md"))) == 4


def test_date_only_change_is_not_an_edit(srv, tmp_path):
    corpus = tmp_path / "c"
    feed = srv.add("/f", rss(item("g", "T", date="Tue, 01 Dec 2026 10:00:00 GMT")))
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    path = next((corpus / "feeds").rglob("*.md"))
    before = path.read_bytes()
    feed.body = rss(item("g", "T", date="Wed, 02 Dec 2026 11:00:00 GMT")).encode()
    r = run(corpus).feeds[0]
    assert (r.new, r.updated, r.unchanged) == (0, 0, 1)
    assert path.read_bytes() == before


def test_deleted_article_does_not_come_back(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(item("a", "Keep") + item("b", "Delete me")))
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    victim = articles(corpus)["Delete me"].path
    victim.unlink()
    for _ in range(2):
        r = run(corpus).feeds[0]
        assert r.new == 0
        assert not victim.exists()
    assert set(articles(corpus)) == {"Keep"}


def test_conditional_get_costs_a_304(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(item("a", "A")), etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    r = run(corpus).feeds[0]
    assert r.not_modified and r.status == 304 and r.error is None
    second = srv.hits("/f")[1]
    assert second["if-none-match"] == '"v1"' and second["if-modified-since"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert "gzip" in second["accept-encoding"]


def test_gzip_body(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(item("a", "Zipped")), gzip=True)
    subscribe(corpus, srv.url("/f"))
    assert run(corpus).feeds[0].new == 1 and "Zipped" in articles(corpus)


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_updates_the_stored_url_and_keeps_ids(srv, tmp_path, code):
    corpus = tmp_path / "c"
    srv.add("/new", rss(item("a", "A")))
    srv.add("/old", status=code, headers={"Location": "/new"})
    subscribe(corpus, srv.url("/old"), tags=("t",))
    r = run(corpus).feeds[0]
    assert r.new == 1 and r.moved_to == srv.url("/new")
    subs = FeedsFile(corpus).subscriptions()
    assert [(s.url, s.tags) for s in subs] == [(srv.url("/new"), ("t",))]
    first_id = next(iter(articles(corpus).values())).id
    r = run(corpus).feeds[0]
    assert (r.url, r.new, r.unchanged) == (srv.url("/new"), 0, 1)
    assert next(iter(articles(corpus).values())).id == first_id
    assert srv.hits("/old") and len(srv.hits("/old")) == 1  # the old URL is not asked again


@pytest.mark.parametrize("code", [302, 307])
def test_temporary_redirect_keeps_the_url(srv, tmp_path, code):
    corpus = tmp_path / "c"
    srv.add("/new", rss(item("a", "A")))
    srv.add("/tmp", status=code, headers={"Location": srv.url("/new")})
    subscribe(corpus, srv.url("/tmp"))
    r = run(corpus).feeds[0]
    assert r.new == 1 and r.moved_to is None
    assert [s.url for s in FeedsFile(corpus).subscriptions()] == [srv.url("/tmp")]


def test_redirect_loop_and_non_http_redirect(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/loop", status=302, headers={"Location": "/loop"})
    srv.add("/file", status=302, headers={"Location": "file:///etc/passwd"})
    subscribe(corpus, srv.url("/loop"), srv.url("/file"))
    reports = by_url(run(corpus))
    assert "more than 10 redirects" in reports[srv.url("/loop")].error
    assert len(srv.hits("/loop")) == 11
    assert "non-http" in reports[srv.url("/file")].error


def test_404_is_an_error_and_410_stops_the_feed(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/gone", status=410)
    subscribe(corpus, srv.url("/missing"), srv.url("/gone"))
    reports = by_url(run(corpus))
    assert reports[srv.url("/missing")].error == "HTTP 404 (not found)"
    assert "410" in reports[srv.url("/gone")].error
    reports = by_url(run(corpus))
    assert reports[srv.url("/gone")].skipped and len(srv.hits("/gone")) == 1  # never asked again
    assert len(srv.hits("/missing")) == 2


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_honoured(srv, tmp_path, code):
    corpus = tmp_path / "c"
    srv.add("/busy", status=code, headers={"Retry-After": "7200"})
    subscribe(corpus, srv.url("/busy"))
    now = time.time()
    r = Updater(corpus, FAST, interval=0, clock=lambda: now).run()
    assert str(code) in r.feeds[0].error and "2 h" in r.feeds[0].error
    with state_db(corpus) as db:
        assert db.feed(srv.url("/busy")).next_check == pytest.approx(now + 7200)
    # not due: a plain run (not --all) leaves it alone
    assert Updater(corpus, FAST, interval=0, clock=lambda: now + 3600).run().feeds == []
    assert len(srv.hits("/busy")) == 1


def test_cache_control_and_ttl_stretch_the_interval(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/cc", rss(item("a", "A")), headers={"Cache-Control": "public, max-age=7200"})
    srv.add("/ttl", rss(item("a", "A")).replace("<channel>", "<channel><ttl>180</ttl>"))
    subscribe(corpus, srv.url("/cc"), srv.url("/ttl"))
    now = time.time()
    Updater(corpus, FAST, interval=60, clock=lambda: now).run()
    with state_db(corpus) as db:
        cc, ttl = db.feed(srv.url("/cc")).next_check - now, db.feed(srv.url("/ttl")).next_check - now
    assert 7200 <= cc <= 7200 * 1.1 and 10800 <= ttl <= 10800 * 1.1


def test_hanging_feed_costs_one_timeout_and_others_come_in(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/hang", hang=True)
    srv.add("/ok", rss(item("a", "Fine")))
    subscribe(corpus, srv.url("/hang"), srv.url("/ok"))
    reports = by_url(run(corpus))
    assert "timeout" in reports[srv.url("/hang")].error
    assert reports[srv.url("/ok")].new == 1


def test_entity_bomb_binary_garbage_and_huge_body_fail_alone(srv, tmp_path):
    corpus = tmp_path / "c"
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    srv.add("/bomb", f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel>'
                     f'<title>&a9;</title>{item("x", "&a9;")}</channel></rss>')
    srv.add("/garbage", bytes(range(256)) * 64, content_type="application/octet-stream")
    srv.add("/huge", stream=50 * 1024 * 1024)
    srv.add("/huge-declared", b"x" * (2 * 1024 * 1024))  # Content-Length over the cap: not even read
    srv.add("/json-deep", "[" * 100000 + "]" * 100000, content_type="application/json")
    srv.add("/ok", rss(item("a", "Fine")))
    subscribe(corpus, *(srv.url(p) for p in ("/bomb", "/garbage", "/huge", "/huge-declared", "/json-deep", "/ok")))
    settings = net.Settings(connect_timeout=1, read_timeout=2, max_bytes=1024 * 1024)
    reports = by_url(run(corpus, settings=settings))
    assert "entities" in reports[srv.url("/bomb")].error
    assert "not an RSS, Atom or JSON feed" in reports[srv.url("/garbage")].error
    assert "too large" in reports[srv.url("/huge")].error
    assert "too large" in reports[srv.url("/huge-declared")].error
    assert reports[srv.url("/json-deep")].error
    assert reports[srv.url("/ok")].new == 1
    assert set(articles(corpus)) == {"Fine"}


def test_markup_and_escape_sequences_in_titles_are_inert(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/f", json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Evil \x1b]0;pwn\x07 feed",
                              "items": [{"id": "1", "title": "[bold red]x[/] \x1b[2J\u009b31m<script>",
                                         "content_html": "<p>a\x1b[31mb</p><script>alert(1)</script>"
                                                         "<p>*not em* [not](link) &amp;copy;</p>"}]}))
    subscribe(corpus, srv.url("/f"))
    assert main(["fetch", "--articles", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "␛]0;pwn␇" in out
    meta = next(iter(articles(corpus).values()))
    assert "\x1b" not in meta.title and "\x9b" not in meta.title and "[bold red]x[/]" in meta.title
    texts = [p.text for p in load_article(meta).passages]
    assert texts == ["a␛[31mb", "*not em* [not](link) &copy;"]
    raw = meta.path.read_text()
    assert "\x1b" not in raw and "alert" not in raw


def test_at_most_two_requests_per_host_in_flight(srv, tmp_path):
    corpus = tmp_path / "c"
    for k in range(8):
        srv.add(f"/f{k}", rss(item("a", f"T{k}")), delay=0.2)
    subscribe(corpus, *(srv.url(f"/f{k}") for k in range(8)))
    report = run(corpus, settings=net.Settings(connect_timeout=1, read_timeout=5, workers=8))
    assert sum(r.new for r in report.feeds) == 8
    assert srv.max_in_flight == 2


def test_fetch_cli_output_json_and_exit_codes(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/ok", rss(item("a", "A") + item("b", "B"), title="Good feed"))
    subscribe(corpus, srv.url("/ok"), srv.url("/missing"))
    assert main(["fetch", "--articles", str(corpus)]) == 0  # one failed: the run still happened
    out = capsys.readouterr().out
    assert "Good feed: 2 new, 0 updated, 0 unchanged" in out
    assert f"failed   {srv.url('/missing')}: HTTP 404" in out
    assert "total: 2 feeds, 2 new, 0 updated, 0 unchanged, 1 failed" in out
    assert main(["fetch", "--articles", str(corpus)]) == 0  # nothing due now
    assert "nothing due" in capsys.readouterr().out
    assert main(["fetch", "--all", "--json", "--articles", str(corpus)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["feeds"] == 2 and data["total"]["failed"] == 1
    assert main(["feeds", "--json", "--articles", str(corpus)]) == 0
    rows = {r["url"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[srv.url("/ok")]["articles"] == 2 and rows[srv.url("/ok")]["status"] == 200
    assert rows[srv.url("/ok")]["title"] == "Good feed" and rows[srv.url("/ok")]["next_check"]
    assert rows[srv.url("/missing")]["error"] == "HTTP 404 (not found)"


def test_fetch_exit_1_when_every_feed_failed_or_none_subscribed(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    assert main(["fetch", "--articles", str(corpus)]) == 1
    assert "no subscriptions" in capsys.readouterr().err
    subscribe(corpus, srv.url("/missing"))
    assert main(["fetch", "--articles", str(corpus)]) == 1


def test_remove_keeps_or_deletes_articles(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/a", rss(item("a", "From A")))
    srv.add("/b", rss(item("b", "From B")))
    subscribe(corpus, srv.url("/a"), srv.url("/b"))
    run(corpus)
    assert main(["feeds", "--articles", str(corpus), "remove", srv.url("/a")]) == 0
    assert set(articles(corpus)) == {"From A", "From B"}
    assert main(["feeds", "--articles", str(corpus), "remove", "--delete-articles", srv.url("/b")]) == 0
    assert set(articles(corpus)) == {"From A"}


def test_show_prints_title_and_passages(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/f", ATOM10)
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    art_id = next(iter(articles(corpus).values())).id
    assert main(["show", art_id, "--articles", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Atom <b>entry</b>\n") and "\nHeading\n" in out and "> Quoted." in out
    assert main(["show", art_id, "--json", "--articles", str(corpus)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == art_id and data["source"] == "Atom one"
    assert data["passages"][:2] == [{"kind": "heading", "text": "Heading"}, {"kind": "quote", "text": "Quoted."}]
    assert main(["show", "nope", "--articles", str(corpus)]) == 1
    assert "no article with id 'nope'" in capsys.readouterr().err


def test_subscribing_again_revives_a_stopped_feed_but_not_deleted_articles(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    feed = srv.add("/f", rss(item("a", "A") + item("b", "B")))
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    articles(corpus)["B"].path.unlink()
    feed.status = 410
    assert "410" in run(corpus).feeds[0].error
    assert run(corpus).feeds[0].skipped
    main(["feeds", "--articles", str(corpus), "remove", srv.url("/f")])
    feed.status = 200
    assert main(["feeds", "--articles", str(corpus), "add", srv.url("/f")]) == 0
    r = run(corpus).feeds[0]
    assert r.error is None and r.skipped is None and r.new == 0
    assert set(articles(corpus)) == {"A"}


def test_one_fetch_at_a_time_per_corpus(srv, tmp_path, capsys):
    from reader.feeds.update import _RunLock

    corpus = tmp_path / "c"
    srv.add("/f", rss(item("a", "A")))
    subscribe(corpus, srv.url("/f"))
    with _RunLock(corpus):
        assert main(["fetch", "--articles", str(corpus)]) == 1
        assert "another 'reader fetch'" in capsys.readouterr().err
    assert main(["fetch", "--articles", str(corpus)]) == 0


def test_bad_lines_of_feeds_txt_are_reported_and_the_rest_fetched(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    srv.add("/f", rss(item("a", "A")))
    (corpus / "feeds.txt").write_text(f'ftp://bad.example/x\n"unclosed\n{srv.url("/f")}\n')
    assert main(["fetch", "--articles", str(corpus)]) == 0
    captured = capsys.readouterr()
    assert "feeds.txt line 1" in captured.err and "feeds.txt line 2" in captured.err
    assert "1 new" in captured.out


def test_catalogue_sees_feed_articles_come_and_go(tmp_path):
    from helpers import write_article

    corpus = tmp_path / "c"
    (corpus / "feeds" / "one").mkdir(parents=True)
    write_article(corpus, "top.md", "top", "Top", "x")
    cat = Catalogue(corpus)
    assert [m.id for m in cat.refresh().articles] == ["top"]
    assert cat.unchanged()
    write_article(corpus / "feeds" / "one", "a.md", "feed-a", "From a feed", "y")
    (corpus / "feeds" / "one" / ".tmp.md").write_text("partial")  # a write in progress: ignored
    assert not cat.unchanged()
    result = cat.refresh()
    assert {m.id for m in result.articles} == {"top", "feed-a"} and result.changed == {"feed-a"}
    meta = next(m for m in result.articles if m.id == "feed-a")
    assert meta.path == corpus / "feeds" / "one" / "a.md"
    assert [m.id for m in Catalogue(corpus).cached().articles] == [m.id for m in result.articles]
    (corpus / "feeds" / "one" / "a.md").unlink()
    assert Catalogue(corpus).refresh().removed == {"feed-a"}


def test_gzip_bomb_is_capped_while_decoding(srv, tmp_path):
    import gzip

    corpus = tmp_path / "c"
    route = srv.add("/bomb.gz", b"")
    route.body = b""  # the compressed bytes are served as they are
    route.headers["Content-Encoding"] = "gzip"
    route.body = gzip.compress(b"<rss>" + b" " * (20 * 1024 * 1024), compresslevel=1)
    subscribe(corpus, srv.url("/bomb.gz"))
    settings = net.Settings(connect_timeout=1, read_timeout=2, max_bytes=1024 * 1024)
    assert "too large" in run(corpus, settings=settings).feeds[0].error


def test_lone_surrogates_and_odd_json_values(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/j", '{"version": "https://jsonfeed.org/version/1.1", "title": "S \\ud800", "items": ['
                  '{"id": "\\udc00x", "title": "T \\ud83d", "content_html": "<p>a \\udfff</p>"},'
                  '{"id": null, "title": 5, "content_text": ["no"]}, "not an item", '
                  '{"id": 3.5, "url": "javascript:x", "date_published": "garbage"}]}',
            content_type="application/feed+json")
    subscribe(corpus, srv.url("/j"))
    r = run(corpus).feeds[0]
    assert r.error is None and r.new == 3
    arts = articles(corpus)
    assert "T ?" in arts
    assert all(m.url is None or m.url.startswith("http") for m in arts.values())  # javascript: dropped


def test_language_detected_on_title_and_text_declared_kept(srv, tmp_path):
    corpus = tmp_path / "c"
    fr = "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, contestée par les syndicats."
    srv.add("/f", rss(item("1", "Une réforme contestée", fr) + item("2", "ok", "ok")
                      + item("3", "Short", "The government announced a new pension reform on Tuesday, "
                                          "which the unions oppose.")
                      ).replace("<channel>", "<channel><language>en-us</language>"))
    subscribe(corpus, srv.url("/f"))
    run(corpus)
    arts = articles(corpus)
    assert arts["Une réforme contestée"].language == "fr"  # declared en: wrong for this entry
    text = arts["Une réforme contestée"].path.read_text()
    assert 'language_declared: "en"' in text and 'language_detected: "fr ' in text
    assert arts["ok"].language == "en"  # too short to detect: the declaration stands
    assert "language_detected" not in arts["ok"].path.read_text()
    assert arts["Short"].language == "en"


PAGE = """<html><head><title>x</title></head><body><nav><a href="/">Home</a> · <a href="/about">About us</a></nav>
<article><h1>Teaser one</h1>
<p>The first paragraph of the full article, long enough for the extractor to keep it as the main text.</p>
<h2>A subheading</h2>
<blockquote><p>A quotation that a Markdown export from the extractor would have lost entirely.</p></blockquote>
<p>The last paragraph, with a <a href="/more">relative link</a> resolved against the page's own URL.</p>
</article><footer>Copyright · legal notice · cookies</footer></body></html>"""


def test_full_text_feed_reads_each_new_entry_page(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/f", rss(item("1", "Teaser one", "Only a teaser.", link="/p/1")
                      + item("2", "Teaser two", "Another teaser.", link="/p/missing")))
    srv.add("/p/1", PAGE, content_type="text/html; charset=utf-8")
    assert main(["feeds", "--articles", str(corpus), "add", "--full-text", "always", srv.url("/f")]) == 0
    assert "+full-text" in (corpus / "feeds.txt").read_text()
    capsys.readouterr()
    assert main(["fetch", "--articles", str(corpus)]) == 0
    assert "2 new, 0 updated, 0 unchanged; 1 full texts, 1 pages failed" in capsys.readouterr().out
    arts = articles(corpus)
    one = load_article(arts["Teaser one"])
    kinds = [(p.kind, p.text[:30]) for p in one.passages]
    assert kinds == [("paragraph", "The first paragraph of the ful"), ("heading", "A subheading"),
                     ("quote", "A quotation that a Markdown ex"), ("paragraph", "The last paragraph, with a rel")]
    assert any(s.href == srv.url("/more") for s in one.passages[-1].spans)
    assert 'content_source: "page"' in arts["Teaser one"].path.read_text()
    assert [p.text for p in load_article(arts["Teaser two"]).passages] == ["Another teaser."]
    # unchanged entries: their pages are not fetched again
    assert main(["fetch", "--all", "--articles", str(corpus)]) == 0
    assert len(srv.hits("/p/1")) == 1


def test_full_text_option_survives_export_and_import(tmp_path):
    from reader.feeds.subscriptions import parse_opml, to_opml

    subs = [Subscription("https://x.example/f", ("t",), None, ("full-text",))]
    back, _ = parse_opml(to_opml(subs).encode())
    assert back == subs


def test_undated_entry_dated_the_day_it_came_in_and_kept_through_edits(srv, tmp_path):
    corpus = tmp_path / "c"
    feed = srv.add("/f", rss("<item><title>No date</title><guid>n</guid><description>v1</description></item>"))
    subscribe(corpus, srv.url("/f"))
    day1 = 1_780_000_000.0  # 2026-05-28
    Updater(corpus, FAST, interval=0, clock=lambda: day1).run()
    meta = articles(corpus)["No date"]
    assert str(meta.published) == "2026-05-28" and meta.published_inferred and meta.date_label.endswith("~")
    feed.body = feed.body.replace(b"v1", b"v2")
    assert Updater(corpus, FAST, interval=0, clock=lambda: day1 + 5 * 86400).run().feeds[0].updated == 1
    meta = articles(corpus)["No date"]
    assert str(meta.published) == "2026-05-28" and load_article(meta).passages[0].text == "v2"


def test_entity_text_inside_the_document_is_not_a_declaration(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(item("x", "About XXE", "<![CDATA[<p>Never trust <code>&lt;!ENTITY x SYSTEM ...&gt;</code></p>]]>")))
    subscribe(corpus, srv.url("/f"))
    assert run(corpus).feeds[0].new == 1


def test_exec_lines_in_feeds_txt_are_never_run(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    marker = tmp_path / "ran"
    srv.add("/f", rss(item("a", "A")))
    (corpus / "feeds.txt").write_text(f'"exec:touch {marker}"\n"filter:touch {marker}:{srv.url("/f")}"\n'
                                      f'{srv.url("/f")}\n')
    assert main(["fetch", "--articles", str(corpus)]) == 0
    assert "never run" in capsys.readouterr().err
    assert not marker.exists()


def test_a_huge_error_page_is_not_read_and_the_connection_not_reused(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/err", status=500, stream=50 * 1024 * 1024)
    srv.add("/big", stream=50 * 1024 * 1024)
    srv.add("/ok1", rss(item("a", "One")))
    srv.add("/ok2", rss(item("b", "Two")))
    subscribe(corpus, srv.url("/err"), srv.url("/big"), srv.url("/ok1"), srv.url("/ok2"))
    settings = net.Settings(connect_timeout=1, read_timeout=2, max_bytes=1024 * 1024, workers=1, per_host=1)
    reports = by_url(run(corpus, settings=settings))
    assert reports[srv.url("/err")].error.startswith("HTTP 500")
    assert "too large" in reports[srv.url("/big")].error
    assert srv.routes["/err"].sent < 20 * 1024 * 1024  # the error page was not read to its end
    assert reports[srv.url("/ok1")].new == 1 and reports[srv.url("/ok2")].new == 1


def test_damaged_state_is_set_aside_and_an_unusable_one_is_a_message(srv, tmp_path, capsys):
    from reader import paths

    corpus = tmp_path / "c"
    srv.add("/f", rss(item("a", "A")))
    subscribe(corpus, srv.url("/f"))
    db = paths.feeds_state_db(corpus)
    db.write_bytes(b"this is not a database" * 100)
    assert main(["fetch", "--articles", str(corpus)]) == 0
    assert "1 new" in capsys.readouterr().out
    assert list(db.parent.glob(db.name + ".damaged-*"))  # kept, not deleted
    db.unlink()
    db.mkdir()  # cannot be opened at all: a message, nothing moved
    assert main(["fetch", "--articles", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "cannot open the feed state" in err and "Traceback" not in err
    assert main(["feeds", "--articles", str(corpus)]) == 1
    assert db.is_dir()


@pytest.mark.parametrize("option", [True, False])
def test_an_edited_entry_becomes_unread_again_only_where_the_feed_asks(srv, tmp_path, option):
    """Issue 13: an article that comes back edited from its feed may become unread again (a per-feed
    setting, '+unread-on-edit', off by default); one only re-dated stays read."""
    from reader.state.store import StateStore

    corpus = tmp_path / "c"
    long_body = "A teaser? No: " + "plenty of words in the entry itself, " * 20  # no page wanted
    srv.add("/f", rss(item("1", "One", long_body) + item("2", "Two", long_body)))
    ff = FeedsFile(corpus)
    ff.add(Subscription(srv.url("/f"), options=("full-text=never", "unread-on-edit") if option else
                        ("full-text=never",)))
    ff.save()
    run(corpus)
    metas = {m.title: m for m in Catalogue(corpus).refresh().articles}
    store = StateStore()
    for m in metas.values():
        store.mark_read(m.id, m.content_hash)
    srv.add("/f", rss(item("1", "One", long_body + " An edit.") +
                      item("2", "Two", long_body, date="Wed, 02 Dec 2026 10:00:00 GMT")))
    report = run(corpus)
    states = store.states([m.id for m in metas.values()])
    assert states[metas["One"].id].read is (not option)
    assert states[metas["Two"].id].read  # only its date changed: not an edit
    assert report.unread_again == (1 if option else 0)
    text = (corpus / "feeds.txt").read_text(encoding="utf-8")
    assert ("+unread-on-edit" in text) is option  # kept in the human-editable file
