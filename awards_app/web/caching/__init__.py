"""What the web layer keeps for a moment so that bursts cost little: public pages for visitors who bring nothing of
their own (page_cache.py), and results polls answered 304 before Flask loads anything (early_polls.py)."""
