"""The judges' area: one blueprint, its routes split by subject (panels and conflicts, scoring, the final round)."""
