import pytest

from consult.core.i18n import missing_locales, pick, tr
from factories import login, make_user


def test_default_page_is_english_left_to_right(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in html


def test_lang_parameter_switches_to_welsh_and_sticks(client):
    html = client.get("/?lang=cy").get_data(as_text=True)
    assert '<html lang="cy" dir="ltr"' in html
    assert "Neidio i&#39;r prif gynnwys" in html or "Neidio i'r prif gynnwys" in html
    # The choice sticks for the rest of the visit without ?lang=.
    assert '<html lang="cy"' in client.get("/accessibility").get_data(as_text=True)


def test_urdu_pages_are_right_to_left(client):
    html = client.get("/?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in html


def test_unknown_lang_is_ignored(client):
    assert '<html lang="en"' in client.get("/?lang=xx").get_data(as_text=True)


def test_accept_language_is_used_when_nothing_else_says(client):
    html = client.get("/", headers={"Accept-Language": "ur,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in html


def test_cookie_beats_accept_language(client):
    client.set_cookie("lang", "cy")
    assert '<html lang="cy"' in client.get("/", headers={"Accept-Language": "ur"}).get_data(as_text=True)


def test_user_preference_applies_after_sign_in(client):
    user = make_user(preferred_locale="cy")
    client.get("/?lang=ur")  # chosen before signing in
    login(client, user)
    assert '<html lang="cy"' in client.get("/").get_data(as_text=True)
    # An explicit switch still wins for the rest of the session.
    client.get("/?lang=ur")
    assert '<html lang="ur"' in client.get("/").get_data(as_text=True)


def test_language_switcher_links_every_enabled_language(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert 'href="/accessibility?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>' in html
    assert 'hreflang="ur">اردو</a>' in html


def test_content_falls_back_to_the_default_language(app):
    content = {"en": "Night sitting", "cy": "Eistedd nos"}
    assert tr(content, "cy") == "Eistedd nos"
    assert tr(content, "ur") == "Night sitting"
    assert pick(content, "ur") == ("Night sitting", "en")
    assert tr({"cy": "Dim ond Cymraeg"}, "ur") == "Dim ond Cymraeg"
    assert tr({}, "en") == ""
    assert tr({"en": "A", "ur": "ب"}, "cy", fallback="ur") == "ب"


def test_missing_locales_lists_untranslated_content(app):
    assert missing_locales({"en": "x", "cy": " "}) == ["cy", "ur"]


@pytest.mark.parametrize("locale", ["cy", "ur"])
def test_fallback_content_is_marked_with_its_language(client, locale):
    from consult.extensions import db
    from factories import make_locality

    admin = make_user(role="admin")
    make_locality(code="ONLYEN", name={"en": "English only place"})
    db.session.commit()
    login(client, admin)
    html = client.get(f"/localities?lang={locale}").get_data(as_text=True)
    assert '<span lang="en" dir="ltr">English only place</span>' in html
