import pytest

from moderation.text.normalize import normalize
from moderation.text.page_links import page_key, page_path, without_page_links

VIDEO = "https://www.youtube.com/watch?v=KQ6zr6kCPj8"
POST = "https://blog.example/2008/05/sociala-medier/"


@pytest.mark.parametrize(
    "link",
    [
        "http://youtube.com/watch?v=KQ6zr6kCPj8&t=2m19s",
        "https://youtu.be/KQ6zr6kCPj8",
        "https://m.youtube.com/watch?feature=share&v=KQ6zr6kCPj8",
        "www.youtube.com/watch?v=kq6zr6kcpj8",
    ],
)
def test_spellings_of_one_video_name_the_same_page(link):
    assert page_key(link) == page_key(VIDEO)


@pytest.mark.parametrize(
    "link", ["https://www.youtube.com/watch?v=9bZkp7q19f0", "https://youtu.be/", "https://blog.example/2008/05/"]
)
def test_other_pages_of_the_same_host_are_other_pages(link):
    assert page_key(link) not in {page_key(VIDEO), page_key(POST)}


def test_fragments_tracking_tags_and_trailing_slashes_do_not_change_the_page():
    assert page_key("http://blog.example/2008/05/sociala-medier#comment-12") == page_key(POST)
    assert page_key("blog.example/2008/05/sociala-medier?utm_source=feed") == page_key(POST)
    assert page_key("https://blog.example/?p=12") != page_key("https://blog.example/?p=13")


def test_links_to_the_page_leave_the_clean_text_and_the_rest_maps_back():
    raw = 'Best part: <a href="http://www.youtube.com/watch?v=KQ6zr6kCPj8&amp;t=2m19s">2:19</a> see casino.example'
    kept = without_page_links(normalize(raw), VIDEO)
    assert kept.text == "best part: 2:19 see casino.example"
    start = kept.text.index("casino")
    assert raw[slice(*kept.raw_span(start, start + len("casino.example")))] == "casino.example"


def test_without_a_page_address_or_such_a_link_nothing_changes():
    normalized = normalize("Look at https://youtu.be/KQ6zr6kCPj8 now")
    assert without_page_links(normalized, "") is normalized
    assert without_page_links(normalized, "https://www.youtube.com/watch?v=9bZkp7q19f0") is normalized


def test_page_path_leaves_out_the_parameters_that_name_a_post() -> None:
    assert page_path(page_key("https://www.blog.example/?p=12")) == "blog.example"
    assert page_path(page_key("blog.example/2008/05/sociala-medier/")) == "blog.example/2008/05/sociala-medier"
