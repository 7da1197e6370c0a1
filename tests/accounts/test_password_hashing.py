"""Passwords are hashed with scrypt everywhere but in the tests, which set a cheap method through the config."""
from awards_app import create_app
from awards_app.accounts.passwords import hash_password, password_matches
from awards_app.config import load_config


def test_the_app_hashes_passwords_with_scrypt_unless_told_otherwise(tmp_path):
    real = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'real.db'}", "SECRET_KEY": "real"})
    with real.app_context():
        stored = hash_password("correct horse battery staple")
        assert stored.startswith("scrypt:")
        assert password_matches(stored, "correct horse battery staple")
        assert not password_matches(stored, "correct horse battery stapler")


def test_the_environment_cannot_weaken_the_hash(tmp_path):
    config = load_config(tmp_path, env={"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    assert config["PASSWORD_HASH_METHOD"] == "scrypt"


def test_the_tests_hash_cheaply(app):
    assert hash_password("a long test password").startswith("pbkdf2:sha256:1$")


def test_a_missing_hash_never_matches(app):
    assert not password_matches(None, "") and not password_matches("", "anything at all")
