"""The domain: operations named verb_noun that take the actor and plain values, and never read the request."""
