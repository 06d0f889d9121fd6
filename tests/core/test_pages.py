def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_every_page_has_skip_link_and_accessibility_statement(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert 'href="/accessibility"' in html


def test_csrf_failure_is_a_clear_400(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/login", data={"email": "a@b.c", "password": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
