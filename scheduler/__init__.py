"""Due work: follow-up reminders, retention checks and digests, claimed from the database."""
