from moderation.text.signals import author_signals, find_emails, find_links, find_phones


def test_finds_links_with_and_without_scheme_and_their_domains():
    links = find_links("see http://www.cheap-pills.shop/buy and casino-bonus.example, or www.lan.se")
    assert [link.domain for link in links] == ["cheap-pills.shop", "casino-bonus.example", "lan.se"]


def test_email_addresses_are_not_links():
    assert find_links("write to anna@example.com") == []
    assert find_emails("write to anna@example.com") == ["anna@example.com"]


def test_abbreviations_are_not_links():
    assert find_links("t.ex. detta, e.g. that, i.e. nothing") == []


def test_finds_phone_numbers_but_not_dates_or_prices():
    text = "Call +1 (888) 555-0199 or 070-174 06 12. Posted 2019-03-04, costs 1 200 kr."
    assert find_phones(text) == ["+1 (888) 555-0199", "070-174 06 12"]


def test_malformed_bracketed_host_is_ignored():
    assert find_links("http://[.]/x") == []


def test_keyword_stuffed_author_name():
    signals = author_signals("best seo agency london 2024", "http://seo.example/x")
    assert signals.name_words == 5
    assert signals.name_has_digits and signals.name_all_lower and signals.has_url
    assert signals.url_domain == "seo.example"


def test_plain_author_name():
    signals = author_signals("Anna Svensson", "")
    assert (signals.name_words, signals.name_all_lower, signals.has_url) == (2, False, False)
