"""Platform adapters: each parses its platform's events, calls the core, renders its replies."""
