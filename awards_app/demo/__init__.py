"""The demo edition: fictional content built in any phase, to try the app or show it to people."""
