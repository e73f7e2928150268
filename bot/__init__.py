"""carebot's platform-neutral core: domain rules, validation, wording and the UI model."""
