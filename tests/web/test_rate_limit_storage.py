"""Rate limits live in Redis, shared by every worker; with Redis unreachable they fall back to memory."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.factories.accounts import ORGANISER_PASSWORD
from tests.fixtures.apps import CHEAP_PASSWORD_HASH
from tests.web.forms import post_form

PROJECT = Path(__file__).resolve().parents[2]

# Another process of the app (another gunicorn worker, in effect) failing to sign in `count` times.
OTHER_WORKER = """
import json, re, sys
from flask_migrate import upgrade
from awards_app import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[4],
                  "RATELIMIT_STORAGE_URI": sys.argv[1], "SECRET_KEY": "x", "PASSWORD_HASH_METHOD": sys.argv[5]})
with app.app_context():
    upgrade()
client = app.test_client()
statuses = []
for attempt in range(int(sys.argv[2])):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    statuses.append(client.post("/sign-in", data={"csrf_token": token, "email": sys.argv[3], "password": "wrong"}).status_code)
print(json.dumps(statuses))
"""


def other_worker(storage: str, attempts: int, email: str, tmp_path: Path) -> list[int]:
    """Run failing sign-ins in a separate process and return its status codes."""
    env = {**os.environ, "AWARDS_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, storage, str(attempts), email, str(tmp_path / "other.db"),
         CHEAP_PASSWORD_HASH],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.redis
def test_limits_are_counted_in_redis_across_processes(app, client, db_session, tmp_path):
    storage = app.config["RATELIMIT_STORAGE_URI"]  # this test process's Redis database
    email = "shared-counter@example.org"
    # The other process's attempts use up six of the ten the address is allowed in 15 minutes...
    assert other_worker(storage, 6, email, tmp_path) == [422] * 6
    assert any(key.startswith(b"LIMITS") for key in redis.Redis.from_url(storage).scan_iter(count=1000))
    # ...so this process gets only four more before the limit answers.
    statuses = [post_form(client, "/sign-in", {"email": email, "password": "wrong"}).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]


def test_an_unreachable_redis_falls_back_to_memory_and_the_site_keeps_serving(tmp_path):
    statuses = other_worker("redis://127.0.0.1:1/0", 12, "fallback@example.org", tmp_path)
    assert 500 not in statuses and 503 not in statuses
    assert statuses[:10] == [422] * 10  # served, and still limited per process
    assert statuses[10:] == [429, 429]


def test_the_right_password_still_works_under_the_limit(client, organiser):
    response = post_form(client, "/sign-in", {"email": organiser.email, "password": ORGANISER_PASSWORD})
    assert response.status_code == 303
