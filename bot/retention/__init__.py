"""The retention check: one month after a complaint is resolved, ask the customer again."""
