"""Builders of test data, one module per domain of awards_app, each holding the one way to make its things.

    programme      editions, categories, criteria
    accounts       judges (organisers come from the `organiser` fixture), the test passwords
    nominations    nominations, and eligible entries with details judges must never see
    judging        panel places, scores, conflicts, finalists, final ranks; the judging tests' worlds
    publication    the shortlist tests' world
    voting         contests, votes, vote requests; the voting tests' worlds
    ceremony       the ceremony tests' world: a public vote with first-round scores behind it
    images         small real PNG, JPEG and WebP files, built byte by byte

They write model rows directly (not through the operations under test) and flush, so a test states exactly what is
stored. Worlds built around "now" read the app's clock: use them with the `clock` fixture.
"""
