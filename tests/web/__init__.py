"""Tests of the routes, through Flask's test client. Besides the tests, what several of them share:

    forms.py          post a form with its CSRF token, sign in, follow a link from an email
    access_world.py   the demo edition with every kind of caller, built once per module (walks of every route)
    route_walk.py     every route of the URL map, filled with the world's ids, asked by one caller
    fuzz_kit.py       hostile values and tampered tokens for the fuzz tests, and the properties every answer keeps
"""
