"""The ceremony: each category's result and its confirmation (sealing), the running order and the reveals."""
