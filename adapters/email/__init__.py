"""Email to customers (surveys): the deliverer that sends the core's `Email`s over SMTP."""
