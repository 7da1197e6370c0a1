"""The bare Flask app `make bench` measures every row against as its second floor (bench/run.py): five lines."""
from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "floor", lambda: ("floor\n", 200, {"Content-Type": "text/plain; charset=utf-8"}))
