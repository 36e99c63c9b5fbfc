"""Settings: read once, typed, and a bad value names its variable."""

import pytest

from voix.errors import SettingsError
from voix.settings import Settings, load_settings, require_token


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for variable in (
        "VOIX_TELEGRAM_TOKEN",
        "VOIX_TELEGRAM_API_URL",
        "VOIX_BOT_USERNAME",
        "VOIX_DB",
        "VOIX_SECRET_KEY",
        "VOIX_TIMEZONE",
        "VOIX_DEFAULT_LOCALE",
        "VOIX_MINIMUM_GROUP_SIZE",
        "VOIX_MINIMUM_YOUTH_PER_SIDE",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert str(settings.db) == "voix.db"
    assert settings.timezone == "Europe/Paris"
    assert settings.default_locale == "fr"
    assert settings.minimum_youth_per_side == 3
    assert settings.minimum_group_size == 10
    assert settings.secret_key_file.name == "voix.db.key"


def test_reads_prefixed_environment_and_strips_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOIX_TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("VOIX_DB", "/data/voix.sqlite")
    settings = load_settings()
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert str(settings.db) == "/data/voix.sqlite"


def test_bot_username_loses_its_at_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOIX_BOT_USERNAME", "@VoixDemoBot")
    assert load_settings().bot_username == "VoixDemoBot"


def test_reads_dotenv_file(tmp_path) -> None:
    (tmp_path / ".env").write_text("VOIX_TIMEZONE=Europe/Brussels\n")
    assert load_settings().timezone == "Europe/Brussels"


def test_a_dotenv_file_in_another_encoding_is_named_not_a_traceback(tmp_path) -> None:
    (tmp_path / ".env").write_bytes("VOIX_DB=/srv/données/voix.db\n".encode("latin-1"))
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert refused.value.message == (
        f"the file .env in {tmp_path} is not UTF-8 text: save it as UTF-8 (its accented letters, in a "
        "path for instance, are in another encoding)"
    )


def test_the_database_path_may_start_from_the_home_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".env").write_text("VOIX_DB=~/voix/voix.db\n")  # read by no shell
    assert load_settings().db == tmp_path / "home" / "voix" / "voix.db"
    assert load_settings().secret_key_file == tmp_path / "home" / "voix" / "voix.db.key"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "VOIX_TIMEZONE",
            "Mars/Olympus",
            "VOIX_TIMEZONE is invalid: expected an IANA time zone",
        ),
        ("VOIX_DEFAULT_LOCALE", "xx", "VOIX_DEFAULT_LOCALE is invalid: expected one of fr, en"),
        ("VOIX_TELEGRAM_API_URL", "api.telegram.org", "VOIX_TELEGRAM_API_URL is invalid"),
        ("VOIX_BOT_USERNAME", "no spaces allowed", "VOIX_BOT_USERNAME is invalid: expected a"),
        ("VOIX_SECRET_KEY", "zz", "VOIX_SECRET_KEY is invalid: expected 64 hexadecimal"),
        (
            "VOIX_MINIMUM_GROUP_SIZE",
            "4",
            "VOIX_MINIMUM_GROUP_SIZE is invalid: expected 5 or more",
        ),
        (
            "VOIX_MINIMUM_YOUTH_PER_SIDE",
            "0",
            "VOIX_MINIMUM_YOUTH_PER_SIDE is invalid: expected 1 or more",
        ),
        (
            "VOIX_MINIMUM_GROUP_SIZE",
            "ten",
            "VOIX_MINIMUM_GROUP_SIZE is invalid: expected a whole number, not 'ten'",
        ),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert raised.value.message.startswith(expected)
    assert raised.value.exit_code == 2


def test_secrets_are_masked_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOIX_TELEGRAM_TOKEN", "123456:SECRET-TOKEN")
    monkeypatch.setenv("VOIX_SECRET_KEY", "ab" * 32)
    settings = load_settings()
    assert "SECRET-TOKEN" not in repr(settings)
    assert "abab" not in repr(settings)
    assert require_token(settings) == "123456:SECRET-TOKEN"


def test_a_bad_secret_key_is_not_repeated_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOIX_SECRET_KEY", "secret-but-not-hexadecimal")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "secret-but-not-hexadecimal" not in raised.value.message


def test_missing_token_says_what_to_set() -> None:
    with pytest.raises(SettingsError, match="VOIX_TELEGRAM_TOKEN is not set"):
        require_token(Settings())
