"""`/report`: managers' figures over this week or month, per agent and per category."""
